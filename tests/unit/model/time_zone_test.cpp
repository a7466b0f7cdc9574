// Time zones from the system tz database, fixed offsets, and business-hours arithmetic.
#include "model/time_zone.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "model/error.h"
#include "model/sla.h"

namespace sb {
namespace {

EpochMs at(const std::string& iso) {
  return *parse_iso8601(iso);
}

TEST(TimeZone, NamedZonesFollowDaylightSaving) {
  auto berlin = TimeZone::find("Europe/Berlin");
  ASSERT_TRUE(berlin) << "tzdata must be installed (./dev installs it)";
  EXPECT_EQ(berlin->offset_s(at("2026-01-15T12:00:00Z")), 3600);
  EXPECT_EQ(berlin->offset_s(at("2026-07-15T12:00:00Z")), 7200);
  // Spring forward on 2026-03-29 at 01:00 UTC.
  EXPECT_EQ(berlin->offset_s(at("2026-03-29T00:59:59Z")), 3600);
  EXPECT_EQ(berlin->offset_s(at("2026-03-29T01:00:00Z")), 7200);
  auto hcm = TimeZone::find("Asia/Ho_Chi_Minh");
  ASSERT_TRUE(hcm);
  EXPECT_EQ(hcm->offset_s(at("2026-07-15T12:00:00Z")), 7 * 3600);
}

TEST(TimeZone, OffsetSpansSplitAWindowAtItsTransitions) {
  auto berlin = TimeZone::find("Europe/Berlin");
  ASSERT_TRUE(berlin);
  // March to November 2026: spring forward (29 March) and fall back (25 October).
  auto spans = berlin->offsets_between(at("2026-03-01T00:00:00Z"), at("2026-11-01T00:00:00Z"));
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].start, at("2026-03-01T00:00:00Z"));
  EXPECT_EQ(spans[0].end, at("2026-03-29T01:00:00Z"));
  EXPECT_EQ(spans[0].offset_s, 3600);
  EXPECT_EQ(spans[1].end, at("2026-10-25T01:00:00Z"));
  EXPECT_EQ(spans[1].offset_s, 7200);
  EXPECT_EQ(spans[2].end, at("2026-11-01T00:00:00Z"));
  EXPECT_EQ(spans[2].offset_s, 3600);
  // Within one offset: one span; an empty window: none; a fixed offset never splits.
  EXPECT_EQ(berlin->offsets_between(at("2026-05-01T00:00:00Z"), at("2026-06-01T00:00:00Z")).size(),
            1u);
  EXPECT_TRUE(
      berlin->offsets_between(at("2026-05-01T00:00:00Z"), at("2026-05-01T00:00:00Z")).empty());
  auto fixed = TimeZone::find("+07:00")->offsets_between(at("2026-01-01T00:00:00Z"),
                                                         at("2027-01-01T00:00:00Z"));
  ASSERT_EQ(fixed.size(), 1u);
  EXPECT_EQ(fixed[0].offset_s, 7 * 3600);
}

TEST(TimeZone, LocalToUtcHandlesGapsAndOverlaps) {
  auto berlin = TimeZone::find("Europe/Berlin");
  ASSERT_TRUE(berlin);
  // Ordinary times round-trip.
  EXPECT_EQ(berlin->local_to_utc(at("2026-07-15T09:00:00Z")), at("2026-07-15T07:00:00Z"));
  // 02:30 does not exist on 2026-03-29: the wall clock jumps 02:00 -> 03:00.
  EXPECT_EQ(berlin->local_to_utc(at("2026-03-29T02:30:00Z")), at("2026-03-29T01:30:00Z"));
  // 02:30 happens twice on 2026-10-25: the earlier instant is chosen.
  EXPECT_EQ(berlin->local_to_utc(at("2026-10-25T02:30:00Z")), at("2026-10-25T00:30:00Z"));
}

TEST(TimeZone, FixedOffsetsUtcAndRefusals) {
  EXPECT_EQ(TimeZone::find("+07:00")->offset_s(0), 25200);
  EXPECT_EQ(TimeZone::find("-03:30")->offset_s(0), -12600);
  EXPECT_EQ(TimeZone::find("UTC")->offset_s(0), 0);
  for (const char* bad : {"", "Mars/Olympus", "../../etc/passwd", "/etc/localtime", "+25:00",
                          "Europe/Berlin\n", "a/../b"})
    EXPECT_FALSE(TimeZone::find(bad)) << bad;
}

TEST(TimeZone, IsoWeekdays) {
  EXPECT_EQ(iso_weekday(at("2026-11-23T10:00:00Z")), 1);  // Monday
  EXPECT_EQ(iso_weekday(at("2026-11-22T23:59:59Z")), 7);  // Sunday
  EXPECT_EQ(iso_weekday(at("1969-12-31T12:00:00Z")), 3);  // before the epoch: Wednesday
}

BusinessHours office(const std::string& zone) {
  BusinessHours h;
  h.time_zone = zone;
  h.days = {1, 2, 3, 4, 5};
  h.start_minute = 9 * 60;
  h.end_minute = 17 * 60;
  return h;
}

TEST(BusinessHours, DueTimesSkipNightsAndWeekends) {
  BusinessHours h = office("UTC");
  // Friday 16:00 + 2 working hours = Monday 10:00.
  EXPECT_EQ(format_iso8601(add_business_minutes(at("2026-11-20T16:00:00Z"), 120, &h)),
            "2026-11-23T10:00:00.000Z");
  // Saturday: the clock starts on Monday at 09:00.
  EXPECT_EQ(format_iso8601(add_business_minutes(at("2026-11-21T12:00:00Z"), 30, &h)),
            "2026-11-23T09:30:00.000Z");
  // Without business hours, wall-clock minutes.
  EXPECT_EQ(add_business_minutes(at("2026-11-21T12:00:00Z"), 30, nullptr),
            at("2026-11-21T12:30:00Z"));
  // In a named zone: 09:00-17:00 Ho Chi Minh City is 02:00-10:00 UTC.
  BusinessHours vn = office("Asia/Ho_Chi_Minh");
  EXPECT_EQ(format_iso8601(add_business_minutes(at("2026-11-23T09:30:00Z"), 60, &vn)),
            "2026-11-24T02:30:00.000Z");  // 16:30-17:00 local, then 09:00-09:30
}

TEST(BusinessHours, PolicyJsonIsCheckedAndNormalised) {
  Poco::JSON::Parser parser;
  auto parse = [&](const std::string& text) { return parser.parse(text); };
  std::string text = check_business_hours(parse(R"({"time_zone":"Europe/Berlin","days":[5,1,1]})"),
                                          "business_hours");
  EXPECT_EQ(text, R"({"time_zone":"Europe/Berlin","days":[1,5],"start":"09:00","end":"17:00"})");
  auto h = parse_business_hours(text);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->days, (std::vector<int>{1, 5}));
  auto field = [&](const std::string& json) {
    try {
      check_business_hours(parse(json), "business_hours");
    } catch (const Error& e) {
      for (const auto& d : e.details())
        if (d.key == "field") return std::get<std::string>(d.value);
    }
    return std::string("(accepted)");
  };
  EXPECT_EQ(field(R"({"start":"18:00","end":"09:00"})"), "business_hours.end");
  EXPECT_EQ(field(R"({"start":"9am"})"), "business_hours.start");
  EXPECT_EQ(field(R"({"days":[0]})"), "business_hours.days");
  EXPECT_EQ(field(R"({"days":[]})"), "business_hours.days");
  EXPECT_EQ(field(R"({"holidays":[]})"), "business_hours.holidays");
  EXPECT_EQ(field(R"({"time_zone":"Nowhere"})"), "business_hours.time_zone");
}

}  // namespace
}  // namespace sb
