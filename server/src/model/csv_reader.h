// Incremental CSV parsing (RFC 4180 and what spreadsheets really write): fed chunks of any
// size, it holds at most one record, so an upload of any size parses in bounded memory.
// Handles a UTF-8 BOM, CRLF/LF/CR, quoted fields with delimiters and newlines, delimiter
// detection (, ; tab |), and limits a CSV bomb runs into: columns, field and record bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

struct CsvLimits {
  std::size_t max_fields = 1000;
  std::size_t max_field_bytes = 64 * 1024;
  std::size_t max_record_bytes = 1024 * 1024;
};

struct CsvRecord {
  std::vector<std::string> fields;
  std::uint64_t line = 0;  // where the record starts, 1-based
  // Non-empty: the record is malformed (its fields are partial). `error_field` is the
  // 1-based field it is about, 0 for the whole record.
  std::string error;
  std::size_t error_field = 0;
};

class CsvReader {
 public:
  using Sink = std::function<void(CsvRecord&)>;
  // delimiter 0: detected from the first record (the one of , ; tab | seen most, outside
  // quotes; ',' when none is).
  explicit CsvReader(Sink sink, CsvLimits limits = {}, char delimiter = 0);

  void feed(std::string_view chunk);
  // The last record (with an error when a quoted field never closed).
  void finish();

  char delimiter() const { return delimiter_; }
  std::uint64_t records() const { return records_; }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };
  void run(std::string_view data);
  void end_field();
  void end_record();
  void add_byte(char c);
  void fail(std::string message, std::size_t field);
  static char detect(std::string_view first_line);

  Sink sink_;
  CsvLimits limits_;
  char delimiter_;
  bool started_ = false;  // the BOM and delimiter are settled
  std::string head_;      // input before that
  State state_ = State::kFieldStart;
  bool pending_cr_ = false;  // a CR ended the last record: a following LF belongs to it
  bool record_open_ = false;
  std::string field_;
  std::size_t record_bytes_ = 0;
  std::uint64_t line_ = 1;
  std::uint64_t records_ = 0;
  CsvRecord record_;
};

}  // namespace sb
