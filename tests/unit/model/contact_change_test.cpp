// Which segment rules a contact update can move: the fields it changed against the fields a
// rule reads, with custom and metadata fields by their whole column, and the fields no
// contact update writes never.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "model/contact_filter.h"

namespace sb {
namespace {

FilterNode rule(const std::string& json) {
  Poco::JSON::Parser parser;
  return parse_filter_json(parser.parse(json).extract<Poco::JSON::Object::Ptr>());
}

TEST(ContactChange, ARuleMovesOnlyWhenItReadsAChangedField) {
  FilterNode vip = rule(R"({"field":"tags","op":"any","value":["vip"]})");
  EXPECT_TRUE(contact_change_can_affect(vip, {"name", "tags"}));
  EXPECT_FALSE(contact_change_can_affect(vip, {"name"}));
  FilterNode nested = rule(
      R"({"all":[{"field":"status","op":"eq","value":"new"},)"
      R"({"any":[{"field":"score","op":"gte","value":50},{"field":"owner_id","op":"exists","value":true}]}]})");
  EXPECT_TRUE(contact_change_can_affect(nested, {"owner_id"}));
  EXPECT_FALSE(contact_change_can_affect(nested, {"stage", "needs"}));
}

TEST(ContactChange, CustomAndMetadataFieldsGoByTheirColumn) {
  EXPECT_TRUE(contact_change_can_affect(rule(R"({"field":"custom.plan","op":"eq","value":"pro"})"),
                                        {"custom_fields"}));
  EXPECT_FALSE(contact_change_can_affect(rule(R"({"field":"custom.plan","op":"eq","value":"pro"})"),
                                         {"metadata"}));
  EXPECT_TRUE(contact_change_can_affect(rule(R"({"field":"metadata.campaign","op":"exists","value":true})"),
                                        {"metadata"}));
}

TEST(ContactChange, FieldsNoUpdateWritesNeverMoveAndSearchesAlwaysMay) {
  // The automatic segments' rules: aggregates, flags, and times an update may set.
  FilterNode high_value = rule(R"({"any":[{"field":"bookings_count","op":"gte","value":2},)"
                               R"({"field":"lead_value","op":"gte","value":1000}]})");
  EXPECT_FALSE(contact_change_can_affect(high_value, {"name", "tags", "owner_id"}));
  FilterNode follow_up =
      rule(R"({"any":[{"field":"unresolved_conversation","op":"eq","value":true},)"
           R"({"field":"unanswered_ticket","op":"eq","value":true}]})");
  EXPECT_FALSE(contact_change_can_affect(follow_up, {"stage"}));
  FilterNode active = rule(R"({"field":"last_active","op":"gte","value":"now-7d"})");
  EXPECT_TRUE(contact_change_can_affect(active, {"last_active"}));
  EXPECT_FALSE(contact_change_can_affect(active, {"name"}));
  EXPECT_TRUE(
      contact_change_can_affect(rule(R"({"field":"q","op":"search","value":"ann"})"), {"email"}));
  EXPECT_TRUE(contact_change_can_affect(
      rule(R"({"field":"updated_at","op":"gte","value":"now-1d"})"), {"needs"}));
  EXPECT_FALSE(contact_change_can_affect(rule(R"({"field":"message_count","op":"gte","value":3})"),
                                         {"name"}));
}

}  // namespace
}  // namespace sb
