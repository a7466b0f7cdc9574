#include "campaigns/sequence_runner.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/sequence.h"
#include "store/database.h"
#include "store/outbox_queue.h"
#include "store/record_store.h"

namespace sb::campaigns {
namespace {

bool is_exit_signal(std::string_view type) {
  return type == "message.received" || type == "sms.received" || type == "contact.stage_changed" ||
         type == "email.unsubscribed" || type == "contact.suppressed" || type == "segment.entered";
}

Poco::JSON::Object::Ptr payload_of(const StoredEvent& event) {
  Poco::JSON::Parser parser;
  return parser.parse(event.payload_json).extract<Poco::JSON::Object::Ptr>();
}

}  // namespace

SequenceRunner::SequenceRunner(const Dialect& dialect)
    : contacts_(dialect), crm_(dialect, contacts_), records_(dialect), store_(dialect) {}

bool SequenceRunner::wants(std::string_view type) const {
  return type == kSequenceStepEvent || is_exit_signal(type);
}

Outcome SequenceRunner::handle(const StoredEvent& event, DeliveryContext& context) {
  if (event.type != kSequenceStepEvent) {
    if (!event.subject_id || event.subject_type != "contact") return Outcome::ok();
    context.db().write([&](soci::session& s) { check_exits(s, event); });
    return Outcome::ok();
  }
  auto p = payload_of(event);
  const std::int64_t enrollment = p->optValue<std::int64_t>("enrollment_id", 0);
  const int run = p->optValue<int>("run", 0), step = p->optValue<int>("step", 0);
  // The enrolment row is the idempotency record: the step is done in the transaction that
  // moves the row past it, so a replayed or duplicate event finds another step and stops.
  context.db().write([&](soci::session& s) { run_step(s, event.team_id, enrollment, run, step); });
  return Outcome::ok();
}

void SequenceRunner::run_step(soci::session& s, std::int64_t team, std::int64_t id, int run,
                              int step) const {
  auto e = store_.get(s, team, id, /*for_update=*/true);
  // Exited, completed, enrolled again or already past this step: the event is stale.
  if (!e || e->status != "active" || e->run != run || e->step != step) return;
  const EntitySchema& schema = crm::sequence();
  auto seq = records_.get(s, schema, team, e->sequence_id);
  if (!seq) {
    store_.exit(s, *e, "sequence_deleted");
    return;
  }
  const std::string status = seq->text_or(schema, "status", "active");
  if (status == "archived") {
    store_.exit(s, *e, "sequence_archived");
    return;
  }
  if (status == "paused") {
    store_.wait(s, *e);
    return;
  }
  std::vector<SequenceStep> steps = parse_sequence_steps(seq->text_or(schema, "steps", "[]"));
  if (static_cast<std::size_t>(step) >= steps.size()) {  // steps were removed meanwhile
    store_.advance(s, *e, /*last=*/true, 0);
    return;
  }
  auto contact = contacts_.get(s, team, e->contact_id);
  if (!contact) {
    store_.exit(s, *e, "contact_deleted");
    return;
  }
  // A segment may have been entered before the enrolment, or its event missed.
  SequenceExit exit = parse_sequence_exit(seq->text_or(schema, "exit_on", "{}"));
  if (std::int64_t seg = store_.member_of_any(s, team, contact->id, exit.entered_segments)) {
    store_.exit(s, *e, "entered_segment:" + std::to_string(seg));
    return;
  }
  const SequenceStep& st = steps[static_cast<std::size_t>(step)];
  auto tmpl = records_.get(s, crm::message_template(), team, st.template_id);
  if (!tmpl) {
    store_.exit(s, *e, "template_deleted");
    return;
  }
  Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
  data.set("sequence_id", e->sequence_id);
  data.set("step", step + 1);
  const std::optional<std::string>& address = st.channel == "sms" ? contact->phone : contact->email;
  queue_outbox_message(s, crm_.outbox,
                       {.team_id = team,
                        .channel = st.channel,
                        .contact_id = contact->id,
                        .recipient = address.value_or(""),
                        .template_name = tmpl->text_or(crm::message_template(), "name", ""),
                        .data_json = json_text(data),
                        .source = "sequence:" + std::to_string(e->sequence_id)});
  const bool last = static_cast<std::size_t>(step) + 1 >= steps.size();
  store_.advance(s, *e, last, last ? 0 : steps[static_cast<std::size_t>(step) + 1].delay_ms);
}

void SequenceRunner::check_exits(soci::session& s, const StoredEvent& event) const {
  auto active = store_.active_for_contact(s, event.team_id, *event.subject_id);
  if (active.empty()) return;
  auto payload = payload_of(event);
  for (const auto& [e, exit_on] : active) {
    if (auto reason = sequence_exit_reason(parse_sequence_exit(exit_on), event.type, *payload)) {
      store_.exit(s, e, *reason);
    }
  }
}

}  // namespace sb::campaigns
