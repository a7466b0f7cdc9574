// Cron expressions and zones: whatever parses gives ticks strictly in the future, in order.
#include "fuzz/fuzz_target.h"
#include "model/cron.h"

SB_FUZZ_TARGET(cron) {
  std::string_view input = sb::fuzz::text(data, size);
  // "<expression>\n<zone>": the zone is optional.
  std::size_t nl = input.find('\n');
  std::string expression(input.substr(0, nl));
  std::string zone = nl == std::string_view::npos ? "UTC" : std::string(input.substr(nl + 1));
  try {
    sb::CronSchedule s = sb::CronSchedule::parse(expression, zone);
    sb::EpochMs at = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
    for (int i = 0; i < 3; ++i) {
      auto next = s.next_after(at);
      if (!next) break;
      SB_FUZZ_CHECK(*next > at);
      SB_FUZZ_CHECK(*next % 60000 == 0);  // ticks fall on whole minutes
      at = *next;
    }
  } catch (const sb::Error& e) {
    sb::fuzz::expect_client_error(e);
  }
  return 0;
}
