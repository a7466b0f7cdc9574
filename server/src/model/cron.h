// Cron expressions: five fields (minute hour day-of-month month day-of-week) with lists,
// ranges and steps ("0 9 * * 1-5", "*/15 * * * *"), in UTC or a fixed UTC offset
// ("+07:00"). Named time zones need a tz database the toolchain lacks; documented.
#pragma once

#include <bitset>
#include <optional>
#include <string>

#include "model/clock.h"

namespace sb {

class CronSchedule {
 public:
  // Throws Error::validation naming `field` (the expression or the zone).
  static CronSchedule parse(const std::string& expression, const std::string& zone = "UTC");

  // The first tick strictly after `after` (ms since epoch, UTC), within five years.
  std::optional<EpochMs> next_after(EpochMs after) const;

  const std::string& expression() const { return expression_; }

 private:
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool any_day_ = true, any_weekday_ = true;
  int offset_minutes_ = 0;
  std::string expression_;
};

}  // namespace sb
