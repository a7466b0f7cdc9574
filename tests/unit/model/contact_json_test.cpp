// The hand-written contact JSON (event payloads, exports) against the Poco object the API
// answers with: the same bytes for every value a contact can hold.
#include "model/contact_json.h"

#include <gtest/gtest.h>

#include <random>

#include "model/contact_behaviour.h"
#include "model/json_escape.h"

namespace sb {
namespace {

std::string poco_text(const Contact& c) {
  return json_text(contact_to_json(c));
}

// Every byte 1..255 once, and UTF-8 of several widths.
std::string hostile_text() {
  std::string s;
  for (int b = 1; b < 256; ++b) s += static_cast<char>(b);
  return s + "é€😀 / \\ \" end";
}

TEST(ContactJson, DefaultContact) {
  Contact c;
  EXPECT_EQ(contact_json_text(c), poco_text(c));
}

TEST(ContactJson, EveryFieldSet) {
  Contact c;
  c.id = 9007199254740993;
  c.source = "import";
  c.platform = hostile_text();
  c.external_id = hostile_text();
  c.name = "Zoë \"Q\" O'Neil\n\t\b\f\r";
  c.email = "a@b.test";
  c.phone = "+15550001";
  c.status = "lead";
  c.purchase_intent = "ready_to_buy";
  c.interests = {"a", hostile_text(), ""};
  c.traits = {"x"};
  c.needs = std::string("\x01\x1f\x7f", 3);
  c.tags = {"vip", "b/c"};
  c.owner_id = 7;
  c.account_id = -3;
  c.stage = "won";
  c.sentiment = "positive";
  c.score = 42.5;
  c.metadata = {{"z", "1"}, {"a", hostile_text()}, {hostile_text(), ""}};
  c.custom_json = R"({"plan": "pro", "seats": 12, "ratio": 0.1, "when": null, "list": [1, "x"],)"
                  R"( "nested": {"b": 2, "a": 1}})";
  c.field_sources_json = R"({"name":{"source":"ai","confidence":0.87}})";
  c.first_seen = 1;
  c.last_active = -1500;  // before 1970: the ISO text still agrees
  c.created_at = 1700000000123;
  c.updated_at = 253402300799999;
  c.version = 12;
  c.message_count = 3;
  c.conversation_count = 2;
  c.last_channel = "whatsapp";
  ContactBehaviour b;
  b.add_user_message(1700000000000);
  b.add_response(1500);
  b.add_response(2750);
  c.behaviour_json = b.to_json_text();
  EXPECT_EQ(contact_json_text(c), poco_text(c));
}

TEST(ContactJson, Scores) {
  for (double score : {0.0, -0.0, 0.1, 0.1 + 0.2, 1e-7, 1e15, 1e16, 1e20, 1e300, -3.25, 100.0,
                       123456.789, 5e-324}) {
    Contact c;
    c.score = score;
    EXPECT_EQ(contact_json_text(c), poco_text(c)) << score;
  }
}

TEST(ContactJson, RandomContacts) {
  std::mt19937 rng(20261122);
  auto text = [&] {
    std::string s(rng() % 12, ' ');
    for (char& ch : s) ch = static_cast<char>(rng() % 256);
    return s;
  };
  auto maybe = [&]() -> std::optional<std::string> {
    if (rng() % 3 == 0) return std::nullopt;
    return text();
  };
  for (int i = 0; i < 300; ++i) {
    Contact c;
    c.id = static_cast<std::int64_t>(rng());
    c.source = text();
    c.name = maybe();
    c.email = maybe();
    c.needs = maybe();
    c.last_channel = maybe();
    for (int n = rng() % 4; n > 0; --n) c.tags.push_back(text());
    for (int n = rng() % 3; n > 0; --n) c.metadata[text()] = text();
    if (rng() % 2) c.owner_id = static_cast<std::int64_t>(rng()) - (1LL << 31);
    c.score = static_cast<double>(static_cast<int>(rng())) / (1 + rng() % 1000);
    c.first_seen = static_cast<EpochMs>(rng()) * 1000;
    ASSERT_EQ(contact_json_text(c), poco_text(c)) << i;
  }
}

TEST(JsonEscape, SameAsPocoForEveryByte) {
  for (int b = 0; b < 256; ++b) {
    std::string s = "a" + std::string(1, static_cast<char>(b)) + "z";
    Poco::JSON::Object o;
    o.set("k", s);
    EXPECT_EQ("{\"k\":" + json_quoted(s) + "}", json_text(o)) << b;
  }
}

}  // namespace
}  // namespace sb
