// The built-in extractors on realistic chat lines, English and Spanish, and on hostile input.
#include <gtest/gtest.h>

#include "capture/extractor.h"
#include "capture/text_scan.h"
#include "model/contact_behaviour.h"
#include "model/error.h"
#include "model/field_sources.h"

namespace sb::capture {
namespace {

std::vector<Extracted> run(std::string_view text,
                           CaptureSettings settings = CaptureSettings::defaults()) {
  std::vector<Extracted> out;
  for (const auto& x : builtin_extractors()) x->extract(text, settings, out);
  return out;
}

std::string value_of(const std::vector<Extracted>& found, const std::string& field) {
  for (const auto& e : found) {
    if (e.field == field) return e.value;
  }
  return "";
}

TEST(ContactDetails, FindsEmailsPhonesNamesAndCompanies) {
  auto f =
      run("Hello, my name is Ana Lopez, I work at Acme Corp. Mail: Ana.Lopez@Example.COM. "
          "Call +34 600-123-456.");
  EXPECT_EQ(value_of(f, "email"), "ana.lopez@example.com");
  EXPECT_EQ(value_of(f, "phone"), "+34600123456");
  EXPECT_EQ(value_of(f, "name"), "Ana Lopez");
  EXPECT_EQ(value_of(f, "company"), "Acme Corp");
  auto es = run("Hola, me llamo José Pérez y trabajo en Hoteles Sol");
  EXPECT_EQ(value_of(es, "name"), "José Pérez");
  EXPECT_EQ(value_of(es, "company"), "Hoteles Sol");
}

TEST(ContactDetails, LocalNumbersNeedTheTeamsCallingCode) {
  EXPECT_EQ(value_of(run("call me at 0901 234 567"), "phone"), "");
  CaptureSettings vn = CaptureSettings::defaults();
  vn.phone_country_code = "84";
  EXPECT_EQ(value_of(run("call me at 0901 234 567", vn), "phone"), "+84901234567");
  EXPECT_EQ(value_of(run("booked for 2026-11-21 10:00", vn), "phone"), "");  // a date
}

TEST(ContactDetails, IgnoresWhatIsNotAName) {
  EXPECT_EQ(value_of(run("I'm interested in the spa"), "name"), "");
  EXPECT_EQ(value_of(run("i'm looking for a room"), "name"), "");
  EXPECT_EQ(value_of(run("I'm from Spain"), "company"), "");  // a place, not a company
  EXPECT_EQ(value_of(run("I'm Carla"), "name"), "Carla");
}

TEST(Intent, StrongestLevelWinsAndPhrasesMatchWholeWords) {
  EXPECT_EQ(value_of(run("what is the price? I want to buy now"), "purchase_intent"),
            "ready_to_buy");
  EXPECT_EQ(value_of(run("compare plan A vs plan B"), "purchase_intent"), "comparing");
  EXPECT_EQ(value_of(run("¿cuál es el precio?"), "purchase_intent"), "comparing");
  EXPECT_EQ(value_of(run("quiero reservar una mesa"), "purchase_intent"), "ready_to_buy");
  EXPECT_EQ(value_of(run("I love my bookshelf"), "purchase_intent"), "");  // not "book"
  CaptureSettings custom = CaptureSettings::defaults();
  custom.intent_phrases["ready_to_buy"] = {"sign me up"};
  EXPECT_EQ(value_of(run("please sign me up", custom), "purchase_intent"), "ready_to_buy");
}

TEST(Sentiment, LexiconWithNegation) {
  auto score = [](std::string_view text) {
    for (const auto& e : run(text)) {
      if (e.field == "sentiment") return e;
    }
    return Extracted{};
  };
  EXPECT_EQ(score("This is great, thanks!").value, "positive");
  EXPECT_EQ(score("terrible service, I want a refund").value, "negative");
  EXPECT_EQ(score("not good at all").value, "negative");
  EXPECT_EQ(score("no problem, see you").value, "positive");
  EXPECT_EQ(score("es un servicio pésimo").value, "negative");
  Extracted neutral = score("the room number is 12");
  EXPECT_EQ(neutral.value, "neutral");
  EXPECT_LT(neutral.confidence, 0.5);  // no signal: capture leaves the contact alone
  EXPECT_LT(score("awful awful awful!!!").score, -0.9);
}

TEST(Interests, FromTheTeamsKeywordMap) {
  CaptureSettings s = CaptureSettings::defaults();
  s.interests = {{"yoga", "wellness"}, {"massage", "wellness"}, {"surf lessons", "sports"}};
  auto f = run("Do you have yoga and a massage? Also surf lessons", s);
  int n = 0;
  for (const auto& e : f) n += e.field == "interests";
  EXPECT_EQ(n, 2);  // wellness once, sports once
}

TEST(Extractors, SurviveHostileText) {
  std::string junk(100000, '@');
  junk += std::string(5000, '+') + "\xff\xfe" + std::string(3000, '9');
  EXPECT_NO_THROW(run(junk));
  EXPECT_NO_THROW(run(""));
  EXPECT_NO_THROW(run("my name is"));
  EXPECT_NO_THROW(run("'''''"));
}

TEST(TextScan, TokensAndPhrases) {
  auto t = tokenize("Hello, WORLD! it's 'quoted'");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[1].lower, "world");
  EXPECT_EQ(t[2].lower, "it's");
  EXPECT_EQ(t[3].lower, "quoted");
  EXPECT_EQ(find_phrase(t, "world it's"), 1);
  EXPECT_EQ(find_phrase(t, "hello it's"), -1);
}

TEST(Behaviour, MedianAndPreferredHours) {
  ContactBehaviour b;
  EXPECT_EQ(b.median_response_ms(), -1);
  for (std::int64_t ms : {30000, 60000, 10000, 1000000}) b.add_response(ms);
  EXPECT_EQ(b.median_response_ms(), 45000);
  b.add_user_message(9 * 3600000LL);
  b.add_user_message(9 * 3600000LL + 60000);
  b.add_user_message(14 * 3600000LL);
  EXPECT_EQ(b.preferred_hours(), (std::vector<int>{9, 14}));
  auto round_trip = ContactBehaviour::parse(b.to_json_text());
  EXPECT_EQ(round_trip.median_response_ms(), 45000);
  EXPECT_EQ(ContactBehaviour::parse("not json").median_response_ms(), -1);
  for (int i = 0; i < 80; ++i) b.add_response(i);
  EXPECT_EQ(b.response_ms.size(), ContactBehaviour::kResponseSamples);
}

TEST(FieldSources, PeopleWinOverCaptureAndStrongerCaptureWins) {
  FieldSources s;
  EXPECT_TRUE(s.capture_may_set("name", false, 0.1));   // empty field
  EXPECT_FALSE(s.capture_may_set("name", true, 0.99));  // set without provenance: a person
  s.set("name", {.source = "contact_details", .confidence = 0.7});
  EXPECT_FALSE(s.capture_may_set("name", true, 0.6));
  EXPECT_TRUE(s.capture_may_set("name", true, 0.85));
  Contact before, after;
  after.name = "X";
  s.mark_person_edits(before, after, {"name"}, Actor::key(7), 1000);
  EXPECT_EQ(s.find("name")->source, "user");
  EXPECT_FALSE(s.capture_may_set("name", true, 1.0));
  auto parsed = FieldSources::parse(s.to_json_text());
  EXPECT_EQ(parsed.find("name")->key_id, 7);
}

TEST(CaptureSettings, RejectsUnknownKeysAndBadValues) {
  auto parse = [](const std::string& json) {
    return CaptureSettings::from_json(
        Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>());
  };
  EXPECT_EQ(parse(R"({"phone_country_code":"+84"})").phone_country_code, "84");
  EXPECT_THROW(parse(R"({"phone_country_code":"084"})"), Error);
  EXPECT_THROW(parse(R"({"colour":1})"), Error);
  EXPECT_THROW(parse(R"({"intent_phrases":{"eager":["x"]}})"), Error);
  EXPECT_THROW(parse(R"({"interests":{"":"x"}})"), Error);
  EXPECT_EQ(parse(R"({"intent_phrases":{"browsing":["Just Looking"]}})").intent_phrases["browsing"],
            (std::vector<std::string>{"just looking"}));
}

}  // namespace
}  // namespace sb::capture
