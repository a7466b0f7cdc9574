// The import's CSV reader, fed the same bytes whole and in uneven chunks: both must give
// the same records (an upload arrives in pieces of any size), within the limits.
#include <vector>

#include "fuzz/fuzz_target.h"
#include "model/csv_reader.h"

namespace {

struct Seen {
  std::vector<std::string> fields;
  std::uint64_t line;
  std::string error;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> read_all(std::string_view input, std::size_t chunk, char delimiter) {
  sb::CsvLimits limits;
  limits.max_fields = 64;  // small limits, so the fuzzer reaches them
  limits.max_field_bytes = 256;
  limits.max_record_bytes = 2048;
  std::vector<Seen> out;
  sb::CsvReader reader(
      [&](sb::CsvRecord& r) {
        SB_FUZZ_CHECK(r.fields.size() <= limits.max_fields + 1);
        for (const std::string& f : r.fields) SB_FUZZ_CHECK(f.size() <= limits.max_field_bytes);
        out.push_back({r.fields, r.line, r.error});
      },
      limits, delimiter);
  while (!input.empty()) {
    std::size_t n = std::min(chunk, input.size());
    reader.feed(input.substr(0, n));
    input.remove_prefix(n);
    chunk = chunk * 3 / 2 + 1;  // uneven sizes: splits land everywhere
  }
  reader.finish();
  return out;
}

}  // namespace

SB_FUZZ_TARGET(csv) {
  if (size < 1) return 0;
  // First byte: the delimiter mode (detected, or one of the four a user may choose).
  static constexpr char kDelimiters[] = {0, ',', ';', '\t', '|'};
  char delimiter = kDelimiters[data[0] % sizeof kDelimiters];
  std::string_view input = sb::fuzz::text(data + 1, size - 1);
  auto whole = read_all(input, input.size() + 1, delimiter);
  auto pieces = read_all(input, 1, delimiter);
  SB_FUZZ_CHECK(whole == pieces);
  return 0;
}
