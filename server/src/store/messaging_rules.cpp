#include "store/messaging_rules.h"

#include <soci/soci.h>

#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/message_template.h"
#include "model/sequence.h"
#include "store/contact_store.h"
#include "store/custom_field_store.h"
#include "store/record_store.h"
#include "store/segment_store.h"
#include "store/sequence_store.h"
#include "store/statement_cache.h"

namespace sb {

void check_template_record(soci::session& s, const Dialect& d, const Record& record) {
  const EntitySchema& schema = crm::message_template();
  std::vector<std::string> keys;
  for (const CustomField& f : CustomFieldStore(d).list(s, record.team_id)) keys.push_back(f.key);
  const std::string channel = record.text_or(schema, "channel", "email");
  auto check = [&](std::string_view part) {
    if (record.is_null(schema, part)) return;
    MessageTemplate t = parse_template(record.text_or(schema, part, ""), part);
    for (const auto& p : t.parts) {
      const auto* v = std::get_if<TemplateVariable>(&p);
      if (!v) continue;
      std::string why = check_template_variable(v->path, keys);
      if (why.empty() && v->path == "unsubscribe_url" && channel != "email") {
        why = "unsubscribe_url exists only in email";
      }
      if (!why.empty()) {
        throw Error::validation(std::string(part),
                                why + " (at offset " + std::to_string(v->offset) + ")");
      }
    }
  };
  for (std::string_view part : {"subject", "html", "text"}) check(part);
  if (channel == "email") {
    if (record.text_or(schema, "subject", "").empty()) {
      throw Error::validation("subject", "is required for email templates");
    }
    if (record.is_null(schema, "html") && record.is_null(schema, "text")) {
      throw Error::validation("text", "an email template needs html, text or both");
    }
  } else {
    if (!record.is_null(schema, "html") || !record.is_null(schema, "subject")) {
      throw Error::validation(record.is_null(schema, "html") ? "subject" : "html",
                              "SMS templates have only text");
    }
    if (record.text_or(schema, "text", "").empty()) {
      throw Error::validation("text", "is required for SMS templates");
    }
    if (record.text_or(schema, "text", "").size() > 1600) {
      throw Error::validation("text", "an SMS is at most 1600 bytes");
    }
  }
}

void TemplateHooks::before_write(soci::session& s, const Record*, Record& after, std::vector<int>&,
                                 const WriteContext&) const {
  check_template_record(s, dialect_, after);
}

void TemplateHooks::before_remove(soci::session& s, const Record& record) const {
  std::int64_t users = 0;
  run_cached(
      s,
      "SELECT COUNT(*) FROM campaigns WHERE team_id = :t AND template_id = :id AND status IN "
      "('draft', 'scheduled', 'sending', 'paused')",
      soci::use(record.team_id), soci::use(record.id), soci::into(users));
  if (users > 0) {
    throw Error(ErrorCode::kConflict, "the template is used by campaigns that have not finished",
                {{"campaigns", users}});
  }
  const EntitySchema& seq = crm::sequence();
  RecordQuery q;
  q.limit = 1000;
  for (const Record& r : RecordStore(dialect_).list(s, seq, record.team_id, q)) {
    if (r.text_or(seq, "status", "") == "archived") continue;
    for (const SequenceStep& step : parse_sequence_steps(r.text_or(seq, "steps", "[]"))) {
      if (step.template_id == record.id) {
        throw Error(ErrorCode::kConflict,
                    "the template is used by sequence '" + r.text_or(seq, "name", "") +
                        "' (archive it or change its steps first)",
                    {{"sequence_id", r.id}});
      }
    }
  }
}

void CampaignHooks::before_write(soci::session& s, const Record* before, Record& after,
                                 std::vector<int>& changed, const WriteContext&) const {
  const EntitySchema& schema = crm::campaign();
  if (before) {
    // Only the send routes move a campaign past scheduled; once it sends, its content and
    // audience are fixed (the recipients are already materialised).
    std::string status = before->text_or(schema, "status", "draft");
    bool content_changed = false;
    for (int i : changed) {
      if (schema.fields[static_cast<std::size_t>(i)].name != "status" &&
          schema.fields[static_cast<std::size_t>(i)].name != "started_at" &&
          schema.fields[static_cast<std::size_t>(i)].name != "completed_at") {
        content_changed = true;
      }
    }
    if (content_changed && status != "draft" && status != "scheduled") {
      throw Error(ErrorCode::kConflict,
                  "a campaign can be edited only while draft or scheduled (it is " + status + ")",
                  {{"status", status}});
    }
  }
  RecordStore records(dialect_);
  Record tmpl = records.require(s, crm::message_template(), after.team_id,
                                after.int_or(schema, "template_id", 0));
  if (tmpl.text_or(crm::message_template(), "channel", "") !=
      after.text_or(schema, "channel", "")) {
    throw Error::validation("template_id",
                            "the template is for " +
                                tmpl.text_or(crm::message_template(), "channel", "") +
                                ", the campaign for " + after.text_or(schema, "channel", ""));
  }
  if (after.is_null(schema, "segment_id") && after.is_null(schema, "filter")) {
    throw Error::validation("segment_id",
                            "a campaign needs an audience: segment_id, filter or both");
  }
  if (!after.is_null(schema, "filter")) {
    // Compiling checks the team's custom fields and referenced segments.
    FilterNode rule = parse_filter_json_text(after.text_or(schema, "filter", "{}"));
    SqlParams unused;
    ContactStore(dialect_).match_sql(
        s, after.team_id, SegmentStore(dialect_).expand(s, after.team_id, rule, 0), unused);
  }
}

void CampaignHooks::before_remove(soci::session& s, const Record& record) const {
  std::string status = record.text_or(crm::campaign(), "status", "draft");
  if (status == "sending" || status == "paused") {
    throw Error(ErrorCode::kConflict, "cancel the campaign before deleting it",
                {{"status", status}});
  }
  run_cached(s, "DELETE FROM campaign_recipients WHERE team_id = :t AND campaign_id = :id",
             soci::use(record.team_id), soci::use(record.id));
}

void SequenceHooks::before_write(soci::session& s, const Record*, Record& after, std::vector<int>&,
                                 const WriteContext&) const {
  const EntitySchema& schema = crm::sequence();
  RecordStore records(dialect_);
  std::vector<SequenceStep> steps = parse_sequence_steps(after.text_or(schema, "steps", "[]"));
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const std::string where = "steps[" + std::to_string(i) + "].template_id";
    auto tmpl = records.get(s, crm::message_template(), after.team_id, steps[i].template_id);
    if (!tmpl) throw Error::validation(where, "no template with this id in the team");
    std::string channel = tmpl->text_or(crm::message_template(), "channel", "");
    if (channel != steps[i].channel) {
      throw Error::validation(
          where, "the template is for " + channel + ", the step for " + steps[i].channel);
    }
  }
  SequenceExit exit = parse_sequence_exit(after.text_or(schema, "exit_on", "{}"));
  for (std::size_t i = 0; i < exit.entered_segments.size(); ++i) {
    if (!records.get(s, crm::segment(), after.team_id, exit.entered_segments[i])) {
      throw Error::validation("exit_on.entered_segments[" + std::to_string(i) + "]",
                              "no segment with this id in the team");
    }
  }
}

void SequenceHooks::after_write(soci::session& s, const Record* before, const Record& after,
                                const std::vector<int>&, const WriteContext&) const {
  const EntitySchema& schema = crm::sequence();
  if (before && before->text_or(schema, "status", "") == "paused" &&
      after.text_or(schema, "status", "") == "active") {
    SequenceStore(dialect_).resume_waiting(s, after.team_id, after.id);
  }
}

void SequenceHooks::before_remove(soci::session& s, const Record& record) const {
  SequenceStore(dialect_).remove_all(s, record.team_id, record.id);
}

}  // namespace sb
