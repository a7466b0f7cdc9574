// The CSV state machine.
#include "model/csv_reader.h"

#include <algorithm>

#include "model/json_syntax.h"

namespace sb {

CsvReader::CsvReader(Sink sink, CsvLimits limits, char delimiter)
    : sink_(std::move(sink)), limits_(limits), delimiter_(delimiter) {}

char CsvReader::detect(std::string_view first_line) {
  const char candidates[] = {',', ';', '\t', '|'};
  std::size_t counts[4] = {0, 0, 0, 0};
  bool quoted = false;
  for (char c : first_line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    for (int i = 0; i < 4; ++i) counts[i] += c == candidates[i];
  }
  int best = 0;
  for (int i = 1; i < 4; ++i) {
    if (counts[i] > counts[best]) best = i;
  }
  return candidates[best];
}

void CsvReader::feed(std::string_view chunk) {
  if (started_) return run(chunk);
  // Until the first record's end is seen, keep the input: the BOM and the delimiter are
  // decided on it.
  head_.append(chunk);
  std::string_view head(head_);
  if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
  // `end` is an offset into `head`, after the BOM: the first line the delimiter is counted
  // on must be the same however the input was split.
  bool quoted = false;
  std::size_t end = std::string::npos;
  for (std::size_t i = 0; i < head.size(); ++i) {
    if (head[i] == '"') quoted = !quoted;
    if (!quoted && (head[i] == '\n' || head[i] == '\r')) {
      end = i;
      break;
    }
  }
  if (end == std::string::npos && head.size() <= limits_.max_record_bytes) return;
  if (delimiter_ == 0) {
    // At most one record's bytes: a first line longer than that is cut at the same place
    // whether it arrived whole or in pieces.
    delimiter_ = detect(head.substr(0, std::min(end, limits_.max_record_bytes)));
  }
  started_ = true;
  std::string data(head);
  head_.clear();
  head_.shrink_to_fit();
  run(data);
}

void CsvReader::finish() {
  if (!started_) {
    started_ = true;
    std::string_view head(head_);
    if (head.substr(0, 3) == "\xEF\xBB\xBF") head.remove_prefix(3);
    if (delimiter_ == 0) delimiter_ = detect(head);
    std::string data(head);
    head_.clear();
    run(data);
  }
  if (state_ == State::kQuoted) {
    fail("a quoted field is never closed (it starts on line " + std::to_string(record_.line) + ")",
         record_.fields.size() + 1);
  }
  if (record_open_) {
    end_field();
    end_record();
  }
}

void CsvReader::fail(std::string message, std::size_t field) {
  if (record_.error.empty()) {
    record_.error = std::move(message);
    record_.error_field = field;
  }
}

void CsvReader::add_byte(char c) {
  ++record_bytes_;
  if (!record_.error.empty()) return;  // a failed record is read to its end, not kept
  if (record_bytes_ > limits_.max_record_bytes) {
    fail("the row exceeds " + std::to_string(limits_.max_record_bytes) + " bytes", 0);
    field_.clear();
    return;
  }
  if (field_.size() >= limits_.max_field_bytes) {
    fail("the field exceeds " + std::to_string(limits_.max_field_bytes) + " bytes",
         record_.fields.size() + 1);
    field_.clear();
    return;
  }
  field_.push_back(c);
}

void CsvReader::end_field() {
  if (record_.fields.size() >= limits_.max_fields) {
    fail("the row has more than " + std::to_string(limits_.max_fields) + " columns", 0);
  }
  if (record_.error.empty()) {
    if (!valid_utf8(field_)) {
      fail("invalid UTF-8", record_.fields.size() + 1);
    } else {
      record_.fields.push_back(std::move(field_));
    }
  }
  field_.clear();
  state_ = State::kFieldStart;
}

void CsvReader::end_record() {
  // A blank line is no record.
  bool blank = record_.error.empty() && record_.fields.size() == 1 && record_.fields[0].empty();
  if (!blank) {
    ++records_;
    sink_(record_);
  }
  record_.fields.clear();
  record_.error.clear();
  record_.error_field = 0;
  record_bytes_ = 0;
  record_open_ = false;
  state_ = State::kFieldStart;
}

void CsvReader::run(std::string_view data) {
  for (char c : data) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') continue;
    }
    if (!record_open_) {
      record_open_ = true;
      record_.line = line_;
    }
    switch (state_) {
      case State::kQuoted:
        if (c == '"') {
          state_ = State::kQuoteInQuoted;
        } else {
          if (c == '\n') ++line_;
          add_byte(c);
        }
        continue;
      case State::kQuoteInQuoted:
        if (c == '"') {  // "" inside quotes: one quote
          add_byte(c);
          state_ = State::kQuoted;
          continue;
        }
        state_ = State::kUnquoted;
        if (c != delimiter_ && c != '\n' && c != '\r') {
          fail("text after a closing quote", record_.fields.size() + 1);
        }
        break;  // the character ends the field (or is kept) below
      case State::kFieldStart:
        if (c == '"') {
          state_ = State::kQuoted;
          continue;
        }
        state_ = State::kUnquoted;
        break;
      case State::kUnquoted:
        break;
    }
    if (c == delimiter_) {
      end_field();
      state_ = State::kFieldStart;
    } else if (c == '\n' || c == '\r') {
      ++line_;
      pending_cr_ = c == '\r';
      end_field();
      end_record();
    } else {
      add_byte(c);  // a quote inside an unquoted field is kept as it is
    }
  }
}

}  // namespace sb
