// Calendar periods of a time zone: local midnights through DST changes, weeks from Monday,
// months, and the refusals.
#include "model/calendar_periods.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace sb {
namespace {

std::string iso(EpochMs ms) {
  return format_iso8601(ms);
}

TEST(CalendarPeriods, DaysFollowTheZonesMidnightsAcrossDaylightSaving) {
  auto madrid = TimeZone::find("Europe/Madrid");
  ASSERT_TRUE(madrid);
  auto days = calendar_periods(*madrid, "day", "2026-03-28", "2026-03-30");
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].label, "2026-03-28");
  EXPECT_EQ(iso(days[0].start), "2026-03-27T23:00:00.000Z");
  EXPECT_EQ(iso(days[1].start), "2026-03-28T23:00:00.000Z");
  EXPECT_EQ(iso(days[1].end), "2026-03-29T22:00:00.000Z") << "the spring-forward day has 23 hours";
  EXPECT_EQ(days[1].end - days[1].start, 23 * 3600'000LL);
  EXPECT_EQ(days[2].start, days[1].end);
  auto autumn = calendar_periods(*madrid, "day", "2026-10-25", "2026-10-25");
  EXPECT_EQ(autumn[0].end - autumn[0].start, 25 * 3600'000LL);
}

TEST(CalendarPeriods, WeeksStartOnMondayAndMonthsOnTheFirst) {
  auto utc = TimeZone::utc();
  auto weeks = calendar_periods(*utc, "week", "2026-03-25", "2026-04-06");  // a Wednesday
  ASSERT_EQ(weeks.size(), 3u);
  EXPECT_EQ(weeks[0].label, "2026-03-23");
  EXPECT_EQ(weeks[2].label, "2026-04-06");
  auto months = calendar_periods(*utc, "month", "2028-01-31", "2028-03-01");
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(months[1].label, "2028-02");
  EXPECT_EQ(months[1].end - months[1].start, 29 * 86'400'000LL) << "a leap February";
}

TEST(CalendarPeriods, BadInputIsRefusedByName) {
  auto utc = TimeZone::utc();
  auto field = [&](std::string_view unit, std::string_view from, std::string_view to) {
    try {
      calendar_periods(*utc, unit, from, to);
    } catch (const Error& e) {
      for (const auto& d : e.details())
        if (d.key == "field") return std::get<std::string>(d.value);
    }
    return std::string("accepted");
  };
  EXPECT_EQ(field("year", "2026-01-01", "2026-01-02"), "period");
  EXPECT_EQ(field("day", "2026-02-30", "2026-03-01"), "from");
  EXPECT_EQ(field("day", "2026-03-01", "01/03/2026"), "to");
  EXPECT_EQ(field("day", "2026-03-02", "2026-03-01"), "to");
  EXPECT_EQ(field("day", "2025-01-01", "2026-12-31"), "to") << "more than 400 days";
  EXPECT_EQ(field("month", "2025-01-01", "2026-12-31"), "accepted");
}

}  // namespace
}  // namespace sb
