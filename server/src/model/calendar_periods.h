// Calendar periods (day, ISO week from Monday, month) of a time zone, as UTC instants:
// what analytics group by. Boundaries are local midnights converted with the zone's rules,
// so a day across a DST change lasts 23 or 25 hours.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/clock.h"
#include "model/time_zone.h"

namespace sb {

struct CalendarPeriod {
  std::string label;  // "2026-03-29" (day, and a week by its Monday), "2026-03" (month)
  EpochMs start = 0;  // UTC, inclusive
  EpochMs end = 0;    // UTC, exclusive
};

constexpr int kMaxCalendarPeriods = 400;

// The periods of `unit` ("day", "week", "month") covering the local dates `from`..`to`
// (YYYY-MM-DD, both included; a week or month starts on or before `from`). Error 422 on a
// bad unit or date, `to` before `from`, or more than kMaxCalendarPeriods periods.
std::vector<CalendarPeriod> calendar_periods(const TimeZone& zone, std::string_view unit,
                                             std::string_view from, std::string_view to);

}  // namespace sb
