// Chat capture's extractors over any message text: they never throw (a message that could
// stop ingestion would stall a conversation), and what they yield is well-formed.
#include "capture/extractor.h"
#include "fuzz/fuzz_target.h"
#include "model/json_syntax.h"

SB_FUZZ_TARGET(extractors) {
  static const auto extractors = sb::capture::builtin_extractors();
  static const sb::CaptureSettings settings = [] {
    sb::CaptureSettings s = sb::CaptureSettings::defaults();
    s.phone_country_code = "84";  // local numbers are captured too
    return s;
  }();
  std::string_view message = sb::fuzz::text(data, size);
  std::vector<sb::capture::Extracted> out;
  for (const auto& e : extractors) e->extract(message, settings, out);
  const bool valid = sb::valid_utf8(message);
  for (const auto& x : out) {
    SB_FUZZ_CHECK(!x.field.empty());
    SB_FUZZ_CHECK(x.confidence >= 0 && x.confidence <= 1);
    SB_FUZZ_CHECK(x.score >= -1 && x.score <= 1);
    // Messages reach capture as JSON strings, so as valid UTF-8: values cut from them must
    // stay valid (they go into JSON and the database).
    if (valid) SB_FUZZ_CHECK(sb::valid_utf8(x.value));
  }
  return 0;
}
