// lead_score against the SDK's fake host: the points it gives, the stage it sets once over
// the threshold, its settings.
#include <gtest/gtest.h>
#include <switchboard/sdk_fake.h>

#include "plugin_path.h"

namespace {

using switchboard::Json;
using switchboard::fake::Host;

Json contact(long long id) {
  return Json::object().set("id", id).set("stage", "New");
}

Json contact_event(long long id) {
  return Json::object()
      .set("type", "contact.updated")
      .set("subject_type", "contact")
      .set("subject_id", id);
}

TEST(LeadScorePlugin, AddsPointsForDetailsIntentMessagesAndBookings) {
  Host host;
  ASSERT_EQ(host.load_library(plugin_path("lead_score")), "");
  host.put_contact(1, contact(7)
                          .set("name", "Lee")
                          .set("email", "lee@x.io")
                          .set("purchase_intent", "comparing")
                          .set("activity", Json::object().set("message_count", 50))
                          .set("tags", Json::array().push("booked")));
  auto r = host.action("lead_score.update", Json::object().set("id", 7));
  ASSERT_TRUE(r.ok()) << r.error;
  // name 5 + email 10 + comparing 15 + messages capped at 20 + booked 20.
  EXPECT_EQ(r.result["score"].as_int(), 70);
  EXPECT_TRUE(r.result["stage_set"].as_bool());
  EXPECT_EQ((*host.contact(1, 7))["stage"].as_string(), "Qualified");
  // Nothing changed: a second pass writes nothing (no loop through contact.updated).
  const auto writes = host.writes.size();
  for (const auto& o : host.publish(contact_event(7))) EXPECT_TRUE(o.ok()) << o.error;
  EXPECT_EQ(host.writes.size(), writes);
}

TEST(LeadScorePlugin, ReadsItsSettingsAndRefusesAnUnknownOne) {
  Host host;
  host.settings = {{"threshold", "20"}, {"stage", "Hot"}, {"email", "25"}, {"phone", "many"}};
  ASSERT_EQ(host.load_library(plugin_path("lead_score")), "");
  ASSERT_FALSE(host.logs.empty());  // "phone" is not a number: the default, with a warning
  EXPECT_NE(host.logs[0].message.find("phone"), std::string::npos);
  host.put_contact(1, contact(3).set("email", "a@b.io"));
  auto r = host.action("update", Json(3.0));
  EXPECT_EQ(r.result["score"].as_int(), 25);
  EXPECT_EQ((*host.contact(1, 3))["stage"].as_string(), "Hot");
  EXPECT_EQ(host.writes.back().patch["stage"].as_string(), "Hot");

  Host typo;
  typo.settings = {{"treshold", "20"}};
  EXPECT_EQ(typo.load_library(plugin_path("lead_score")),
            "lead_score.conf: unknown setting 'treshold'");
}

TEST(LeadScorePlugin, StaysInItsTeam) {
  Host host;
  ASSERT_EQ(host.load_library(plugin_path("lead_score")), "");
  host.put_contact(2, contact(9).set("email", "b@team2.io"));
  auto r = host.action("update", Json::object().set("id", 9), /*team=*/1);
  EXPECT_EQ(r.status, SB_ERROR);
  EXPECT_EQ(r.error, "no contact 9 in this team");
  EXPECT_TRUE(host.writes.empty());
  EXPECT_EQ(host.action("update", Json::object(), 1).error,
            "input needs the contact id: {\"id\": N}");
}

}  // namespace
