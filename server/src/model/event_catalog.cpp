// The list of event types and the pattern checks against it.
#include "model/event_catalog.h"

#include <algorithm>

#include "model/crm_schemas.h"
#include "model/name_list.h"

namespace sb {

const std::vector<std::string>& known_event_types() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> v = {
        "team.created",
        "api_key.created",
        "api_key.revoked",
        "user.created",
        "user.updated",
        "contact.created",
        "contact.updated",
        "contact.deleted",
        "contact.status_changed",
        "contact.stage_changed",
        "contact.intent_changed",
        "contact.owner_changed",
        "contact.merged",
        "contact.unmerged",
        "note.added",
        "note.updated",
        "note.deleted",
        "file.added",
        "file.deleted",
        "custom_field.created",
        "custom_field.updated",
        "custom_field.deleted",
        "lead.stage_changed",
        "lead.won",
        "lead.lost",
        "ticket.assigned",
        "ticket.resolved",
        "ticket.sla_breached",
        "appointment.booked",
        "appointment.confirmed",
        "appointment.cancelled",
        "appointment.completed",
        "appointment.no_show",
        "appointment.rescheduled",
        "form.submitted",
        "segment.entered",
        "segment.exited",
        "conversation.started",
        "message.received",
        "conversation.handoff",
        "conversation.escalation",
        "conversation.resolved",
        "conversation.feedback",
        "conversation.ended",
        "workflow.timer",
        "contact.suppressed",
        "contact.unsuppressed",
        "email.sent",
        "email.failed",
        "email.opened",
        "email.clicked",
        "email.unsubscribed",
        "sms.sent",
        "sms.delivered",
        "sms.failed",
        "sms.received",
        "message.skipped",
        "outbox_message.due",
        "campaign.started",
        "campaign.completed",
        "import.completed",
        "sequence.enrolled",
        "sequence.step_due",
        "sequence.completed",
        "sequence.exited",
        "webhook.disabled",
        "webhook_delivery.due",
    };
    // Every CRM entity's record events (conversations are written by capture only, and
    // emit the conversation.* events above instead).
    for (const EntitySchema* schema : crm::all()) {
      if (schema->name == "conversation") continue;
      for (const char* what : {".created", ".updated", ".deleted"}) {
        v.push_back(std::string(schema->name) + what);
      }
    }
    return sorted_unique(std::move(v));
  }();
  return types;
}

bool is_known_event_type(std::string_view type) {
  return has_name(known_event_types(), type);
}

bool pattern_matches_known_event(std::string_view pattern) {
  if (pattern == "*") return true;
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*") {
    std::string_view prefix = pattern.substr(0, pattern.size() - 1);
    for (const std::string& t : known_event_types()) {
      if (std::string_view(t).substr(0, prefix.size()) == prefix) return true;
    }
    return false;
  }
  return is_known_event_type(pattern);
}

}  // namespace sb
