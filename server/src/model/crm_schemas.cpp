// Schema declarations of the CRM entities.
#include "model/crm_schemas.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "model/contact_filter.h"
#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/error.h"
#include "model/form_fields.h"
#include "model/json_body.h"
#include "model/sequence.h"
#include "model/sla.h"

namespace sb::crm {
namespace {

// Compact constructors so each schema reads as a table.
FieldSpec text(std::string_view name, std::int64_t max, unsigned flags = 0) {
  return {.name = name, .type = FieldType::kText, .flags = flags, .max = max};
}
FieldSpec ref(std::string_view name, std::string_view table, unsigned flags = 0) {
  return {.name = name, .type = FieldType::kRef, .flags = flags, .ref = table};
}
FieldSpec choice(std::string_view name, std::vector<std::string_view> options, unsigned flags = 0,
                 FieldValue fallback = {}) {
  return {.name = name,
          .type = FieldType::kEnum,
          .flags = flags,
          .options = std::move(options),
          .fallback = std::move(fallback)};
}
FieldSpec flag(std::string_view name, bool fallback, unsigned flags = 0) {
  return {.name = name,
          .type = FieldType::kBool,
          .flags = flags | kNotNull,
          .fallback = static_cast<std::int64_t>(fallback)};
}
FieldSpec time(std::string_view name, unsigned flags = 0) {
  return {.name = name, .type = FieldType::kTime, .flags = flags};
}
FieldSpec real(std::string_view name, std::int64_t min, std::int64_t max, unsigned flags = 0,
               FieldValue fallback = {}) {
  return {.name = name,
          .type = FieldType::kReal,
          .flags = flags,
          .min = min,
          .max = max,
          .fallback = std::move(fallback)};
}
FieldSpec json(std::string_view name, JsonCheck check, unsigned flags = 0,
               FieldValue fallback = {}) {
  return {.name = name,
          .type = FieldType::kJson,
          .flags = flags,
          .fallback = std::move(fallback),
          .check_json = check};
}
FieldSpec tags(std::string_view name, unsigned flags = 0) {
  return {.name = name,
          .type = FieldType::kTags,
          .flags = flags | kNotNull,
          .max = 50,
          .fallback = std::string("[]")};
}

}  // namespace

const EntitySchema& pipeline() {
  static const EntitySchema s{"pipeline",
                              "pipelines",
                              "pipelines",
                              {text("name", 100, kRequired), text("description", 1000),
                               flag("is_default", false, kFilter)}};
  return s;
}

const EntitySchema& stage() {
  static const EntitySchema s{
      "pipeline_stage",
      "pipeline_stages",
      "stages",
      {ref("pipeline_id", "pipelines", kParent | kRequired),
       text("name", 100, kRequired),
       {.name = "position", .type = FieldType::kInt, .flags = kNotNull, .min = 0, .max = 1000},
       real("probability", 0, 100, kNotNull, 0.0),
       flag("is_won", false),
       flag("is_lost", false)}};
  return s;
}

const EntitySchema& lead() {
  static const EntitySchema s{
      "lead",
      "leads",
      "leads",
      {ref("contact_id", "contacts", kRequired | kFilter),
       ref("account_id", "accounts", kFilter),
       ref("pipeline_id", "pipelines", kFilter | kNotNull),
       ref("stage_id", "pipeline_stages", kFilter | kNotNull),
       text("title", 200),
       real("value", 0, 1000000000000, kNotNull, 0.0),
       {.name = "currency",
        .type = FieldType::kText,
        .flags = kNotNull,
        .max = 3,
        .fallback = std::string("USD")},
       ref("owner_id", "users", kFilter),
       {.name = "expected_close_date", .type = FieldType::kDate},
       real("score", 0, 100),
       text("lost_reason", 500),
       choice("status", {"open", "won", "lost"}, kReadOnly | kFilter, std::string("open")),
       time("stage_entered_at", kReadOnly),
       time("closed_at", kReadOnly)}};
  return s;
}

const EntitySchema& activity() {
  static const EntitySchema s{
      "lead_activity",
      "lead_activities",
      "activities",
      {ref("lead_id", "leads", kParent | kRequired),
       choice("type", {"call", "email", "meeting", "task"}, kRequired | kFilter),
       text("subject", 200, kRequired), text("body", 5000), time("due_at"),
       flag("done", false, kFilter), time("done_at", kReadOnly),
       ref("owner_id", "users", kFilter)}};
  return s;
}

const EntitySchema& account() {
  static const EntitySchema s{
      "account",
      "accounts",
      "accounts",
      {text("name", 200, kRequired), text("domain", 253, kFilter | kLowercase),
       choice("size", {"1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+"},
              kFilter),
       text("industry", 100, kFilter), ref("owner_id", "users", kFilter), tags("tags", kFilter)}};
  return s;
}

const EntitySchema& sla_policy() {
  static const EntitySchema s{"sla_policy",
                              "sla_policies",
                              "sla-policies",
                              {text("name", 100, kRequired), flag("is_default", false, kFilter),
                               json("targets", check_sla_targets, kRequired),
                               json("business_hours", check_business_hours)}};
  return s;
}

const EntitySchema& ticket() {
  static const EntitySchema s{
      "ticket",
      "tickets",
      "tickets",
      {text("subject", 200, kRequired), text("description", 20000),
       ref("contact_id", "contacts", kFilter),
       choice("status", {"open", "pending", "resolved", "closed"}, kFilter | kNotNull,
              std::string("open")),
       choice("priority", {"low", "normal", "high", "urgent"}, kFilter | kNotNull,
              std::string("normal")),
       ref("assignee_id", "users", kFilter), tags("tags", kFilter),
       text("channel", 40, kFilter | kLowercase), ref("conversation_id", "conversations", kFilter),
       ref("sla_policy_id", "sla_policies", kReadOnly | kFilter),
       time("first_response_due_at", kReadOnly), time("resolve_due_at", kReadOnly),
       time("first_responded_at", kReadOnly), time("resolved_at", kReadOnly),
       flag("sla_breached", false, kReadOnly | kFilter)}};
  return s;
}

const EntitySchema& comment() {
  static const EntitySchema s{"ticket_comment",
                              "ticket_comments",
                              "comments",
                              {ref("ticket_id", "tickets", kParent | kRequired),
                               text("body", 20000, kRequired),
                               flag("internal", false, kFilter),
                               {.name = "author_key_id",
                                .type = FieldType::kInt,
                                .flags = kReadOnly,
                                .min = 1,
                                .max = INT64_MAX},
                               ref("author_user_id", "users", kCreateOnly)}};
  return s;
}

const EntitySchema& appointment() {
  static const EntitySchema s{
      "appointment",
      "appointments",
      "appointments",
      {ref("contact_id", "contacts", kRequired | kFilter | kCreateOnly),
       text("service", 200, kRequired | kFilter),
       time("starts_at", kRequired | kRange),
       time("ends_at", kRequired | kRange),
       {.name = "time_zone",
        .type = FieldType::kText,
        .flags = kNotNull,
        .max = 64,
        .fallback = std::string("UTC")},
       choice("status", {"booked", "confirmed", "cancelled", "completed", "no_show"},
              kFilter | kNotNull, std::string("booked")),
       time("booked_at", kCreateOnly),
       ref("assignee_id", "users", kFilter),
       text("location", 200),
       text("notes", 5000),
       text("cancel_reason", 500),
       {.name = "reschedule_history",
        .type = FieldType::kJson,
        .flags = kReadOnly | kNotNull,
        .fallback = std::string("[]")}}};
  return s;
}

const EntitySchema& form() {
  static const EntitySchema s{"form",
                              "forms",
                              "forms",
                              {text("name", 200, kRequired),
                               text("slug", 64, kNotNull | kLowercase | kFilter),
                               flag("enabled", true, kFilter),
                               json("fields", check_form_fields, kRequired),
                               {.name = "thank_you_message",
                                .type = FieldType::kText,
                                .flags = kNotNull,
                                .max = 1000,
                                .fallback = std::string("Thank you!")},
                               text("redirect_url", 2000),
                               {.name = "honeypot_field",
                                .type = FieldType::kText,
                                .flags = kNotNull,
                                .max = 64,
                                .fallback = std::string("website")}}};
  return s;
}

const EntitySchema& submission() {
  static const EntitySchema s{"form_submission",
                              "form_submissions",
                              "submissions",
                              {ref("form_id", "forms", kParent | kRequired),
                               ref("contact_id", "contacts", kReadOnly | kFilter),
                               {.name = "data",
                                .type = FieldType::kJson,
                                .flags = kReadOnly | kNotNull,
                                .fallback = std::string("{}")},
                               text("ip", 64, kReadOnly),
                               text("user_agent", 500, kReadOnly),
                               text("referrer", 2000, kReadOnly)}};
  return s;
}

const EntitySchema& agent() {
  static const EntitySchema s{"agent",
                              "agents",
                              "agents",
                              {text("name", 100, kRequired),
                               text("description", 1000),
                               tags("platforms", kFilter),
                               flag("customer_tracking", true, kFilter),
                               choice("visibility", {"public", "restricted", "paid"},
                                      kFilter | kNotNull, std::string("public")),
                               text("paid_tag", 100, kLowercase),
                               {.name = "idle_minutes",
                                .type = FieldType::kInt,
                                .flags = kNotNull,
                                .min = 1,
                                .max = 10080,
                                .fallback = std::int64_t{30}}}};
  return s;
}

const EntitySchema& conversation() {
  constexpr unsigned ro = kReadOnly;
  auto count = [](std::string_view name) {
    return FieldSpec{.name = name, .type = FieldType::kInt, .flags = kReadOnly, .max = INT64_MAX};
  };
  static const EntitySchema s{
      "conversation",
      "conversations",
      "conversations",
      {ref("agent_id", "agents", ro | kFilter),
       ref("contact_id", "contacts", ro | kFilter),
       text("external_id", 200, ro | kFilter),
       text("platform", 20, ro | kFilter),
       choice("status", {"open", "closed"}, ro | kFilter),
       text("close_reason", 20, ro),
       time("started_at", ro),
       time("last_message_at", ro),
       time("ended_at", ro),
       count("message_count"),
       count("user_message_count"),
       time("awaiting_since", ro),
       flag("handed_off", false, ro | kFilter),
       flag("escalated", false, ro | kFilter),
       flag("resolved", false, ro | kFilter),
       {.name = "rating", .type = FieldType::kInt, .flags = ro | kFilter, .min = 1, .max = 5},
       text("feedback", 2000, ro),
       tags("topics", ro)}};
  return s;
}

static std::string check_json_object(const Poco::Dynamic::Var& value, const std::string& field) {
  Poco::JSON::Object::Ptr o = value.type() == typeid(Poco::JSON::Object::Ptr)
                                  ? value.extract<Poco::JSON::Object::Ptr>()
                                  : nullptr;
  if (!o) throw Error::validation(field, "must be an object");
  std::ostringstream out;
  o->stringify(out);
  return out.str();
}

// A JSON array of distinct positive user ids, sorted.
static std::string check_id_list(const Poco::Dynamic::Var& value, const std::string& field) {
  if (!value.isArray()) throw Error::validation(field, "must be an array of user ids");
  auto arr = value.extract<Poco::JSON::Array::Ptr>();
  if (arr->size() > 500) throw Error::validation(field, "at most 500 members");
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    Poco::Dynamic::Var v = arr->get(static_cast<unsigned>(i));
    auto id = json_int64(v);
    if (!id || *id < 1) {
      throw Error::validation(field + "[" + std::to_string(i) + "]", "must be a user id");
    }
    ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "]";
}

const EntitySchema& user_group() {
  static const EntitySchema s{
      "group",
      "user_groups",
      "groups",
      {text("name", 100, kRequired | kFilter | kLowercase), text("description", 2000),
       json("members", check_id_list, kNotNull, std::string("[]"))}};
  return s;
}

const EntitySchema& notification() {
  static const EntitySchema s{"notification",
                              "notifications",
                              "notifications",
                              {ref("user_id", "users", kRequired | kFilter | kCreateOnly),
                               text("text", 2000, kRequired | kCreateOnly),
                               ref("contact_id", "contacts", kFilter | kCreateOnly),
                               text("source", 200, kReadOnly), flag("read", false, kFilter)}};
  return s;
}

const EntitySchema& outbox_message() {
  constexpr unsigned ro = kReadOnly;
  static const EntitySchema s{"outbox_message",
                              "outbox_messages",
                              "outbox",
                              {choice("channel", {"email", "sms", "webhook"}, ro | kFilter),
                               ref("contact_id", "contacts", ro | kFilter),
                               text("recipient", 2000, ro),
                               text("template", 200, ro),
                               text("body", 100000, ro),
                               json("data", check_json_object, ro),
                               choice("status",
                                      {"queued", "deferred", "sending", "sent", "delivered",
                                       "failed", "skipped", "cancelled"},
                                      ro | kFilter),
                               text("source", 200, ro | kFilter),
                               text("reason", 2000, ro),
                               text("message_id", 300, ro),
                               time("sent_at", ro),
                               time("opened_at", ro),
                               time("clicked_at", ro),
                               {.name = "attempts",
                                .type = FieldType::kInt,
                                .flags = ro | kNotNull,
                                .max = 1000000,
                                .fallback = std::int64_t{0}}}};
  return s;
}

const EntitySchema& message_template() {
  static const EntitySchema s{
      "template",
      "message_templates",
      "templates",
      {text("name", 100, kRequired | kFilter),
       choice("channel", {"email", "sms"}, kRequired | kFilter | kCreateOnly),
       text("description", 2000), text("subject", 998), text("html", 200000),
       text("text", 200000)}};
  return s;
}

static std::string check_campaign_filter(const Poco::Dynamic::Var& value,
                                         const std::string& field) {
  if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
    throw Error::validation(field, "must be a contacts filter object");
  }
  return json_text(*filter_to_json(parse_filter_json(value.extract<Poco::JSON::Object::Ptr>())));
}

const EntitySchema& campaign() {
  constexpr unsigned ro = kReadOnly;
  static const EntitySchema s{
      "campaign",
      "campaigns",
      "campaigns",
      {text("name", 200, kRequired | kFilter),
       choice("channel", {"email", "sms"}, kRequired | kFilter),
       ref("template_id", "message_templates", kRequired),
       ref("segment_id", "segments", kFilter),
       json("filter", check_campaign_filter),
       time("scheduled_at"),
       {.name = "throttle_per_minute", .type = FieldType::kInt, .min = 1, .max = 1000000},
       choice("status", {"draft", "scheduled", "sending", "paused", "completed", "cancelled"},
              ro | kFilter | kNotNull, std::string("draft")),
       time("started_at", ro),
       time("completed_at", ro)}};
  return s;
}

const EntitySchema& sequence() {
  static const EntitySchema s{
      "sequence",
      "sequences",
      "sequences",
      {text("name", 200, kRequired | kFilter), text("description", 2000),
       json("steps", check_sequence_steps, kRequired),
       json("exit_on", check_sequence_exit, kNotNull,
            std::string(R"({"replied":true,"stage_changed":false,"unsubscribed":true,)"
                        R"("entered_segments":[]})")),
       choice("status", {"active", "paused", "archived"}, kFilter | kNotNull,
              std::string("active"))}};
  return s;
}

// A segment's rule: the contacts filter language (JSON form), stored normalised. References
// to other segments and custom fields are checked against the team by SegmentHooks.
static std::string check_segment_rule(const Poco::Dynamic::Var& value, const std::string& field) {
  if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
    throw Error::validation(
        field, "must be a filter object ({\"field\", \"op\", \"value\"} or all/any/not)");
  }
  return json_text(*filter_to_json(parse_filter_json(value.extract<Poco::JSON::Object::Ptr>())));
}

const EntitySchema& segment() {
  static const EntitySchema s{
      "segment",
      "segments",
      "segments",
      {text("name", 100, kRequired | kFilter), text("description", 2000),
       json("rule", check_segment_rule, kRequired), text("builtin", 40, kReadOnly | kFilter)}};
  return s;
}

const std::vector<const EntitySchema*>& all() {
  static const std::vector<const EntitySchema*> v = {
      &pipeline(),       &stage(),      &lead(),
      &activity(),       &account(),    &sla_policy(),
      &ticket(),         &comment(),    &appointment(),
      &form(),           &submission(), &agent(),
      &conversation(),   &user_group(), &notification(),
      &outbox_message(), &segment(),    &message_template(),
      &campaign(),       &sequence()};
  return v;
}

const std::vector<DefaultStage>& default_stages() {
  static const std::vector<DefaultStage> v = {
      {"New", 10, false, false},       {"Contacted", 20, false, false},
      {"Qualified", 40, false, false}, {"Proposal", 60, false, false},
      {"Won", 100, true, false},       {"Lost", 0, false, true}};
  return v;
}

std::string normalize_domain(std::string_view field, std::string_view raw) {
  std::string d(raw);
  std::transform(d.begin(), d.end(), d.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  d = trim(d);
  if (auto p = d.find("://"); p != std::string::npos) d = d.substr(p + 3);
  if (auto p = d.find_first_of("/?#"); p != std::string::npos) d = d.substr(0, p);
  if (auto p = d.find('@'); p != std::string::npos) d = d.substr(p + 1);
  if (auto p = d.find(':'); p != std::string::npos) d = d.substr(0, p);
  if (d.rfind("www.", 0) == 0) d = d.substr(4);
  while (!d.empty() && d.back() == '.') d.pop_back();
  bool ok = !d.empty() && d.size() <= 253 && d.find('.') != std::string::npos && d.front() != '.' &&
            d.front() != '-' && d.find("..") == std::string::npos;
  for (char c : d) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.');
  }
  if (!ok) throw Error::validation(std::string(field), "is not a domain name (example.com)");
  return d;
}

std::string email_domain(std::string_view email) {
  auto at = email.rfind('@');
  if (at == std::string_view::npos || at + 1 >= email.size()) return {};
  return std::string(email.substr(at + 1));
}

}  // namespace sb::crm
