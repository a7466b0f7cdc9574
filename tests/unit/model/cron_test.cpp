// Cron expressions: parsing, next tick, offsets.
#include "model/cron.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace sb {
namespace {

EpochMs at(const std::string& iso) {
  return *parse_iso8601(iso);
}
std::string next(const std::string& expr, const std::string& after,
                 const std::string& zone = "UTC") {
  return format_iso8601(*CronSchedule::parse(expr, zone).next_after(at(after)));
}

TEST(Cron, NextTicks) {
  EXPECT_EQ(next("*/15 * * * *", "2026-11-21T14:01:23Z"), "2026-11-21T14:15:00.000Z");
  EXPECT_EQ(next("0 9 * * *", "2026-11-21T09:00:00Z"), "2026-11-22T09:00:00.000Z")
      << "strictly after";
  EXPECT_EQ(next("0 9 * * 1-5", "2026-11-21T10:00:00Z"), "2026-11-23T09:00:00.000Z")
      << "Saturday -> Monday";
  EXPECT_EQ(next("30 8 1 * *", "2026-11-21T00:00:00Z"), "2026-12-01T08:30:00.000Z");
  EXPECT_EQ(next("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00.000Z");
  EXPECT_EQ(next("0 12 * * 0", "2026-11-21T00:00:00Z"), "2026-11-22T12:00:00.000Z");
  EXPECT_EQ(next("0 12 * * 7", "2026-11-21T00:00:00Z"), "2026-11-22T12:00:00.000Z")
      << "7 is Sunday";
  EXPECT_EQ(next("0,30 9-10 * * *", "2026-11-21T09:30:00Z"), "2026-11-21T10:00:00.000Z");
}

TEST(Cron, FixedOffsets) {
  // 09:00 at +07:00 is 02:00 UTC.
  EXPECT_EQ(next("0 9 * * *", "2026-11-21T03:00:00Z", "+07:00"), "2026-11-22T02:00:00.000Z");
  EXPECT_EQ(next("0 9 * * *", "2026-11-21T03:00:00Z", "-05:00"), "2026-11-21T14:00:00.000Z");
}

TEST(Cron, RejectsMalformedExpressions) {
  for (const char* bad : {"", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *",
                          "* * * * 8", "*/0 * * * *", "a * * * *", "5-1 * * * *", "* * * * * *"}) {
    EXPECT_THROW(CronSchedule::parse(bad), Error) << bad;
  }
  EXPECT_THROW(CronSchedule::parse("* * * * *", "Europe/Paris"), Error);
  EXPECT_FALSE(CronSchedule::parse("0 0 31 2 *").next_after(0).has_value())
      << "February 31st never comes";
}

}  // namespace
}  // namespace sb
