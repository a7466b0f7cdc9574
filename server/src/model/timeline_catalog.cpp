// The timeline kinds: the contact's own, those of the records that name a contact, and the
// contact's messaging events (which are written to the timeline as they are).
#include "model/timeline_catalog.h"

#include <algorithm>

#include "model/crm_schemas.h"
#include "model/name_list.h"

namespace sb {

const std::vector<std::string>& known_timeline_kinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> k = {
        "created",
        "field_changed",
        "note_added",
        "file_added",
        "merged",
        "unmerged",
        "conversation_started",
        "form_submitted",
        "lead_stage_changed",
        // A chat's own events (capture/ingestor): conversation_<kind> of each item kind.
        "conversation_handoff",
        "conversation_escalation",
        "conversation_feedback",
        "conversation_resolved",
        "conversation_ended",
        // Sequences (store/sequence_store).
        "sequence.enrolled",
        "sequence.exited",
        "sequence.completed",
        // Messaging (channels/outbox_sender, engagement, inbound_sms, send policy).
        "email.sent",
        "email.failed",
        "email.opened",
        "email.clicked",
        "email.unsubscribed",
        "sms.sent",
        "sms.failed",
        "sms.delivered",
        "sms.received",
        "message.skipped",
        "contact.suppressed",
        "contact.unsuppressed",
    };
    // RecordService writes <entity>_created|updated|deleted for records naming a contact.
    for (const EntitySchema* schema : crm::all()) {
      if (schema->index("contact_id") < 0) continue;
      for (const char* what : {"_created", "_updated", "_deleted"}) {
        k.push_back(std::string(schema->name) + what);
      }
    }
    return sorted_unique(std::move(k));
  }();
  return kinds;
}

bool is_known_timeline_kind(std::string_view kind) {
  return has_name(known_timeline_kinds(), kind);
}

}  // namespace sb
