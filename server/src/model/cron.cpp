// Cron parsing and next-tick search.
#include "model/cron.h"

#include <ctime>
#include <sstream>
#include <vector>

#include "model/error.h"

namespace sb {
namespace {

[[noreturn]] void bad(const std::string& what) {
  throw Error::validation("cron", what);
}

int number(const std::string& s, const std::string& field) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    bad("'" + s + "' is not a number in " + field);
  // Every valid value has at most two digits; a longer run must be refused here rather than
  // overflow the conversion (std::stoi threw out_of_range, a 500, for "99999999999").
  if (s.size() > 4) bad("'" + s + "' is out of range in " + field);
  return std::stoi(s);
}

// One field into bits [lo, hi]; returns whether it was "*".
template <std::size_t N>
bool parse_field(const std::string& text, int lo, int hi, std::bitset<N>& bits,
                 const std::string& name) {
  bool star = text == "*";
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    int step = 1;
    auto slash = part.find('/');
    if (slash != std::string::npos) {
      step = number(part.substr(slash + 1), name);
      if (step < 1) bad("step must be at least 1 in " + name);
      part = part.substr(0, slash);
    }
    int from = lo, to = hi;
    if (part != "*") {
      auto dash = part.find('-');
      from = number(part.substr(0, dash), name);
      to = dash == std::string::npos ? (slash != std::string::npos ? hi : from)
                                     : number(part.substr(dash + 1), name);
    }
    if (from < lo || to > hi || from > to)
      bad(name + " must be within " + std::to_string(lo) + "-" + std::to_string(hi));
    // Day of week 7 is Sunday, like 0: the modulo folds it (other fields stay below N).
    for (int v = from; v <= to; v += step) bits.set(static_cast<std::size_t>(v) % N);
  }
  return star;
}

}  // namespace

CronSchedule CronSchedule::parse(const std::string& expression, const std::string& zone) {
  CronSchedule c;
  c.expression_ = expression;
  std::stringstream in(expression);
  std::vector<std::string> f;
  std::string token;
  while (in >> token) f.push_back(token);
  if (f.size() != 5) bad("needs 5 fields: minute hour day-of-month month day-of-week");
  parse_field(f[0], 0, 59, c.minutes_, "minute");
  parse_field(f[1], 0, 23, c.hours_, "hour");
  c.any_day_ = parse_field(f[2], 1, 31, c.days_, "day of month");
  parse_field(f[3], 1, 12, c.months_, "month");
  c.any_weekday_ = parse_field(f[4], 0, 7, c.weekdays_, "day of week");
  if (zone == "UTC" || zone == "Z" || zone.empty()) {
    c.offset_minutes_ = 0;
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int h = number(zone.substr(1, 2), "zone"), m = number(zone.substr(4, 2), "zone");
    if (h > 14 || m > 59) throw Error::validation("zone", "offset out of range");
    c.offset_minutes_ = (zone[0] == '-' ? -1 : 1) * (h * 60 + m);
  } else {
    throw Error::validation(
        "zone", "use UTC or a fixed offset such as +07:00 (named zones are not supported yet)");
  }
  return c;
}

std::optional<EpochMs> CronSchedule::next_after(EpochMs after) const {
  // Walk minute by minute in local (offset) time; at most ~2.6M steps for five years, but
  // whole hours and days are skipped when they cannot match.
  std::int64_t minute = after / 60000 + 1;  // next whole minute, UTC
  const std::int64_t limit = minute + 5LL * 366 * 24 * 60;
  while (minute < limit) {
    std::time_t local = static_cast<std::time_t>((minute + offset_minutes_) * 60);
    std::tm tm{};
    gmtime_r(&local, &tm);
    bool day_ok;
    bool dom = days_.test(static_cast<std::size_t>(tm.tm_mday)),
         dow = weekdays_.test(static_cast<std::size_t>(tm.tm_wday));
    // Classic cron: when both day fields are restricted, either may match.
    if (!any_day_ && !any_weekday_) {
      day_ok = dom || dow;
    } else {
      day_ok = dom && dow;
    }
    if (!months_.test(static_cast<std::size_t>(tm.tm_mon + 1)) || !day_ok) {
      minute += (24 - tm.tm_hour) * 60 - tm.tm_min;  // next local midnight
      continue;
    }
    if (!hours_.test(static_cast<std::size_t>(tm.tm_hour))) {
      minute += 60 - tm.tm_min;
      continue;
    }
    if (minutes_.test(static_cast<std::size_t>(tm.tm_min))) return minute * 60000;
    ++minute;
  }
  return std::nullopt;
}

}  // namespace sb
