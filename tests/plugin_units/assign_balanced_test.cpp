// assign_balanced against the SDK's fake host: load relative to capacity, per-user
// overrides, working hours in the user's time zone, and settings refused at load.
#include <gtest/gtest.h>
#include <switchboard/sdk_fake.h>

#include <chrono>

#include "plugin_path.h"

namespace {

using switchboard::Json;
using switchboard::fake::Host;

Json user(long long id, const char* role) {
  return Json::object().set("id", id).set("name", "u" + std::to_string(id)).set("role", role);
}

// The plugin counts a user's load with {"all": [{owner_id eq <id>}, load_filter]}: the
// fake evaluates the owner part, which is all these contacts differ in.
bool owned_by(const Json& contact, const Json& filter) {
  return contact["owner_id"].as_int(-1) == filter["all"][0]["value"].as_int();
}

class AssignBalancedPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.match = owned_by;
    host_.put_user(1, user(1, "agent"));
    host_.put_user(1, user(2, "agent"));
    host_.put_user(1, user(3, "owner"));
    for (long long id = 10; id <= 14; ++id) host_.put_contact(1, Json::object().set("id", id));
  }
  Json assign(long long contact) {
    auto r = host_.action("assign_balanced.assign", Json::object().set("id", contact));
    EXPECT_TRUE(r.ok()) << r.error;
    return r.result;
  }
  Host host_;
};

TEST_F(AssignBalancedPlugin, GivesTheLeastLoadedRelativeToCapacity) {
  host_.settings = {
      {"roles", "agent"}, {"hours", "always"}, {"capacity", "2"}, {"capacity.2", "1"}};
  ASSERT_EQ(host_.load_library(plugin_path("assign_balanced")), "");
  EXPECT_EQ(assign(10)["assigned_to"].as_int(), 1);  // both empty: the lower id
  EXPECT_EQ(assign(11)["assigned_to"].as_int(), 2);  // 0/1 beats 1/2
  EXPECT_EQ(assign(12)["assigned_to"].as_int(), 1);  // bob is full
  Json none = assign(13);
  EXPECT_TRUE(none["assigned_to"].is_null());
  EXPECT_EQ(none["reason"].as_string(), "nobody available (0 off hours, 2 at capacity)");
  EXPECT_EQ(assign(10)["reason"].as_string(), "already assigned");
  EXPECT_EQ(host_.writes.size(), 3u);  // the owner (role owner) was never chosen
  for (const auto& w : host_.writes) EXPECT_NE(w.patch["owner_id"].as_int(), 3);
}

TEST_F(AssignBalancedPlugin, SkipsAUserOutsideTheirWorkingHoursInTheirZone) {
  // A zone where it is 03:00 now (a minute either way cannot reach 09:00).
  const long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  host_.zones["Test/Night"] = 3 * 3600000LL - now % 86400000LL;
  host_.settings = {{"roles", "agent"},
                    {"hours", "always"},
                    {"hours.1", "mon-sun 09:00-17:00"},
                    {"time_zone.1", "Test/Night"}};
  ASSERT_EQ(host_.load_library(plugin_path("assign_balanced")), "");
  EXPECT_EQ(assign(10)["assigned_to"].as_int(), 2);
  EXPECT_EQ(assign(11)["assigned_to"].as_int(), 2);
  host_.settings["time_zone.1"] = "Nowhere/Atlantis";
  auto r = host_.action("assign", Json::object().set("id", 12));
  EXPECT_EQ(r.status, SB_ERROR);
  EXPECT_EQ(r.error, "unknown time zone for user 1");
}

TEST_F(AssignBalancedPlugin, RefusesBadSettingsAtLoad) {
  host_.settings = {{"hours", "someday 9-5"}};
  EXPECT_NE(host_.load_library(plugin_path("assign_balanced")).find("unknown day 'someday'"),
            std::string::npos);
  host_.settings = {{"capacity", "-3"}};
  EXPECT_NE(host_.load_library(plugin_path("assign_balanced")).find("whole number"),
            std::string::npos);
  host_.settings = {{"capacity.7", "4"}, {"assign_new", "true"}};  // a per-user key is declared
  EXPECT_EQ(host_.load_library(plugin_path("assign_balanced")), "");
  EXPECT_EQ(host_.registered().back(), "subscriber new_contacts contact.created");
  host_.settings = {{"capacities", "4"}};
  EXPECT_EQ(host_.load_library(plugin_path("assign_balanced")),
            "assign_balanced.conf: unknown setting 'capacities'");
}

}  // namespace
