// Schema-driven input checks and the account domain normaliser.
#include "model/record_rules.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include "model/crm_schemas.h"
#include "model/error.h"

namespace sb {
namespace {

std::string field_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    for (const auto& d : e.details())
      if (d.key == "field") return std::get<std::string>(d.value);
    return "(no field)";
  }
  return "(accepted)";
}

RecordInput input(const EntitySchema& schema, const std::string& json, InputMode mode) {
  Poco::JSON::Parser parser;
  return read_record_input(schema, *parser.parse(json).extract<Poco::JSON::Object::Ptr>(), mode);
}

TEST(RecordRules, CreateAppliesFallbacksAndRequiresFields) {
  const auto& t = crm::ticket();
  Record r =
      make_record(t, input(t, R"({"subject":"Hi","tags":["a"," a ","b"]})", InputMode::kCreate));
  EXPECT_EQ(r.text_or(t, "status", ""), "open");
  EXPECT_EQ(r.text_or(t, "priority", ""), "normal");
  EXPECT_EQ(r.text_or(t, "tags", ""), R"(["a","b"])") << "trimmed and de-duplicated";
  EXPECT_EQ(r.int_or(t, "sla_breached", -1), 0);
  EXPECT_EQ(field_of([&] { make_record(t, input(t, "{}", InputMode::kCreate)); }), "subject");
}

TEST(RecordRules, InputIsTypeCheckedAndAllowListed) {
  const auto& t = crm::ticket();
  auto check = [&](const std::string& json, InputMode mode = InputMode::kCreate) {
    return field_of([&] { input(t, json, mode); });
  };
  EXPECT_EQ(check(R"({"subject":1})"), "subject");
  EXPECT_EQ(check(R"({"nope":1})"), "nope");
  EXPECT_EQ(check(R"({"created_at":"2020-01-01"})"), "created_at");
  EXPECT_EQ(check(R"({"sla_breached":false})"), "sla_breached");
  EXPECT_EQ(check(R"({"priority":"P1"})"), "priority");
  EXPECT_EQ(check(R"({"status":null})"), "status");
  EXPECT_EQ(check(R"({"assignee_id":0})"), "assignee_id");
  EXPECT_EQ(check(R"({"assignee_id":1.5})"), "assignee_id");
  EXPECT_EQ(check(R"({"tags":[1]})"), "tags[0]");
  EXPECT_EQ(check(R"({"subject":"a\u0000b"})"), "subject");
  EXPECT_EQ(check(R"({"assignee_id":null,"subject":"x"})"), "(accepted)");
  const auto& a = crm::appointment();
  EXPECT_EQ(field_of([&] { input(a, R"({"contact_id":2})", InputMode::kUpdate); }), "contact_id")
      << "create-only";
  EXPECT_EQ(field_of([&] { input(a, R"({"starts_at":"soon"})", InputMode::kCreate); }),
            "starts_at");
  const auto& l = crm::lead();
  EXPECT_EQ(
      field_of([&] { input(l, R"({"expected_close_date":"2026-13-01"})", InputMode::kCreate); }),
      "expected_close_date");
}

TEST(RecordRules, UpdateReportsOnlyRealChanges) {
  const auto& t = crm::ticket();
  Record r = make_record(t, input(t, R"({"subject":"Hi"})", InputMode::kCreate));
  auto changed = apply_record_input(
      t, r, input(t, R"({"subject":"Hi","priority":"high"})", InputMode::kUpdate));
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(t.fields[static_cast<std::size_t>(changed[0])].name, "priority");
}

TEST(AccountDomains, AreNormalisedOrRefused) {
  EXPECT_EQ(crm::normalize_domain("domain", "https://www.Example.COM/about?x=1"), "example.com");
  EXPECT_EQ(crm::normalize_domain("domain", "mail.example.co.uk."), "mail.example.co.uk");
  EXPECT_EQ(crm::normalize_domain("domain", "someone@Example.com"), "example.com");
  EXPECT_EQ(crm::normalize_domain("domain", "example.com:8080"), "example.com");
  for (const char* bad : {"", "localhost", "exa mple.com", "-x.com", "a..b", "ex_ample.com"})
    EXPECT_EQ(field_of([&] { crm::normalize_domain("domain", bad); }), "domain") << bad;
  EXPECT_EQ(crm::email_domain("ann@acme.io"), "acme.io");
  EXPECT_EQ(crm::email_domain("nobody"), "");
}

}  // namespace
}  // namespace sb
