// Sequence steps and exit conditions: what is accepted at save, and which events end an
// enrolment under which conditions.
#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>

#include "model/clock.h"
#include "model/error.h"
#include "model/sequence.h"

namespace sb {
namespace {

Poco::Dynamic::Var json(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text);
}

Poco::JSON::Object payload(const std::string& text) {
  return *json(text).extract<Poco::JSON::Object::Ptr>();
}

std::string field_of_error(const std::string& steps) {
  try {
    check_sequence_steps(json(steps), "steps");
  } catch (const Error& e) {
    for (const auto& d : e.details()) {
      if (d.key == "field") return std::get<std::string>(d.value);
    }
    return "?";
  }
  return "";
}

TEST(SequenceTest, DelaysParseAndStepsNormalise) {
  EXPECT_EQ(parse_delay("0s"), 0);
  EXPECT_EQ(parse_delay("1h30m"), 5'400'000);
  EXPECT_EQ(parse_delay("2w"), 14 * 86'400'000LL);
  EXPECT_FALSE(parse_delay(""));
  EXPECT_FALSE(parse_delay("3"));
  EXPECT_FALSE(parse_delay("3x"));
  EXPECT_FALSE(parse_delay("h"));
  std::string text =
      check_sequence_steps(json(R"([{"template_id":4,"channel":"sms","delay":"1d"}])"), "steps");
  EXPECT_EQ(text, R"([{"delay":"1d","channel":"sms","template_id":4}])");
  auto steps = parse_sequence_steps(text);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].delay_ms, 86'400'000);
  EXPECT_EQ(steps[0].channel, "sms");
  EXPECT_EQ(steps[0].template_id, 4);
}

TEST(SequenceTest, BadStepsNameTheirField) {
  EXPECT_EQ(field_of_error(R"({})"), "steps");
  EXPECT_EQ(field_of_error(R"([])"), "steps");
  EXPECT_EQ(field_of_error(R"([1])"), "steps[0]");
  EXPECT_EQ(field_of_error(R"([{"delay":"1d","channel":"email","template_id":1},
                               {"delay":1,"channel":"email","template_id":1}])"),
            "steps[1].delay");
  EXPECT_EQ(field_of_error(R"([{"delay":"367d","channel":"email","template_id":1}])"),
            "steps[0].delay");
  EXPECT_EQ(field_of_error(R"([{"delay":"1d","channel":"post","template_id":1}])"),
            "steps[0].channel");
  EXPECT_EQ(field_of_error(R"([{"delay":"1d","channel":"email","template_id":0}])"),
            "steps[0].template_id");
  EXPECT_EQ(field_of_error(R"([{"delay":"1d","channel":"email","template_id":1,"x":1}])"),
            "steps[0].x");
  std::string many = "[";
  for (int i = 0; i < 51; ++i)
    many += std::string(i ? "," : "") + R"({"delay":"1d","channel":"email","template_id":1})";
  EXPECT_EQ(field_of_error(many + "]"), "steps");
}

TEST(SequenceTest, ExitConditionsMatchTheirEvents) {
  SequenceExit e = parse_sequence_exit(check_sequence_exit(
      json(R"({"stage_changed":true,"replied":false,"entered_segments":[9,3,9]})"), "exit_on"));
  EXPECT_EQ(e.entered_segments, (std::vector<std::int64_t>{3, 9}));
  EXPECT_TRUE(e.unsubscribed);  // the default stays
  EXPECT_FALSE(
      sequence_exit_reason(e, "message.received", payload(R"({"message":{"role":"user"}})")));
  EXPECT_EQ(sequence_exit_reason(e, "contact.stage_changed", payload("{}")), "stage_changed");
  EXPECT_EQ(sequence_exit_reason(e, "contact.suppressed", payload("{}")), "unsubscribed");
  EXPECT_EQ(sequence_exit_reason(e, "segment.entered", payload(R"({"segment_id":9})")),
            "entered_segment:9");
  EXPECT_FALSE(sequence_exit_reason(e, "segment.entered", payload(R"({"segment_id":4})")));
  EXPECT_FALSE(sequence_exit_reason(e, "contact.updated", payload("{}")));

  SequenceExit d = parse_sequence_exit(check_sequence_exit(json("{}"), "exit_on"));
  // Only the customer's own words count as a reply, not the bot's or an agent's.
  EXPECT_EQ(sequence_exit_reason(d, "message.received", payload(R"({"message":{"role":"user"}})")),
            "replied");
  EXPECT_FALSE(
      sequence_exit_reason(d, "message.received", payload(R"({"message":{"role":"bot"}})")));
  EXPECT_FALSE(sequence_exit_reason(d, "contact.stage_changed", payload("{}")));
  EXPECT_THROW(check_sequence_exit(json(R"({"replied":"yes"})"), "exit_on"), Error);
  EXPECT_THROW(check_sequence_exit(json(R"({"bored":true})"), "exit_on"), Error);
  EXPECT_THROW(check_sequence_exit(json(R"({"entered_segments":["a"]})"), "exit_on"), Error);
  EXPECT_THROW(check_sequence_exit(json("[]"), "exit_on"), Error);
}

}  // namespace
}  // namespace sb
