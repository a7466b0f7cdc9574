// Calendar periods of a time zone.
#include "model/calendar_periods.h"

#include <chrono>
#include <cstdio>

#include "model/error.h"

namespace sb {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::months;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

year_month_day parse_date(std::string_view field, std::string_view text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char tail = 0;
  const std::string s(text);
  if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
    throw Error::validation(std::string(field), "must be a date: YYYY-MM-DD");
  }
  year_month_day date{year{y}, month{m}, day{d}};
  if (!date.ok() || y < 1970 || y > 9999)
    throw Error::validation(std::string(field), "is not a calendar date");
  return date;
}

std::string label(year_month_day d, bool month_only) {
  char out[16];
  if (month_only) {
    std::snprintf(out, sizeof out, "%04d-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()));
  } else {
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(d.year()),
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  }
  return out;
}

// Local midnight of `d` in `zone`, as a UTC instant.
EpochMs midnight(const TimeZone& zone, year_month_day d) {
  const EpochMs local = sys_days{d}.time_since_epoch().count() * 86'400'000LL;
  return zone.local_to_utc(local);
}

}  // namespace

std::vector<CalendarPeriod> calendar_periods(const TimeZone& zone, std::string_view unit,
                                             std::string_view from, std::string_view to) {
  if (unit != "day" && unit != "week" && unit != "month")
    throw Error::validation("period", "must be day, week or month");
  year_month_day first = parse_date("from", from), last = parse_date("to", to);
  if (sys_days{last} < sys_days{first}) throw Error::validation("to", "must not be before from");
  if (unit == "week") {  // back to the Monday
    const std::chrono::weekday wd{sys_days{first}};
    first = year_month_day{sys_days{first} - days{(wd.c_encoding() + 6) % 7}};
  } else if (unit == "month") {
    first = year_month_day{first.year(), first.month(), day{1}};
  }
  std::vector<CalendarPeriod> out;
  for (year_month_day at = first; sys_days{at} <= sys_days{last};) {
    year_month_day next = unit == "day" ? year_month_day{sys_days{at} + days{1}}
                          : unit == "week"
                              ? year_month_day{sys_days{at} + days{7}}
                              : year_month_day{at.year(), at.month(), day{1}} + months{1};
    if (out.size() == kMaxCalendarPeriods) {
      throw Error::validation(
          "to", "at most " + std::to_string(kMaxCalendarPeriods) + " periods at once");
    }
    out.push_back({label(at, unit == "month"), midnight(zone, at), midnight(zone, next)});
    at = next;
  }
  return out;
}

}  // namespace sb
