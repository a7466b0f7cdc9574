#include "channels/engagement.h"

#include <Poco/JSON/Object.h>

#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "store/campaign_store.h"
#include "store/contact_store.h"
#include "store/database.h"
#include "store/messaging_store.h"
#include "store/record_store.h"

namespace sb::channels {
namespace {

// The message behind `ref` exists in its team and belongs to its contact.
bool exists(soci::session& s, const Dialect& d, const MessageRef& ref) {
  if (!ContactStore(d).get(s, ref.team_id, ref.contact_id)) return false;
  if (ref.source == 'r') {
    auto st = CampaignStore(d).status(s, CampaignRef{ref.team_id, ref.id});
    return !st.empty();
  }
  auto msg = RecordStore(d).get(s, crm::outbox_message(), ref.team_id, ref.id);
  return msg && msg->int_or(crm::outbox_message(), "contact_id", 0) == ref.contact_id;
}

}  // namespace

bool record_engagement(Database& db, const MessageRef& ref, Engagement kind,
                       const std::string& url) {
  const Dialect& d = db.dialect();
  return db.write([&](soci::session& s) {
    if (!exists(s, d, ref)) return false;
    MessagingStore store(d);
    const EpochMs now = now_ms();
    const std::string column = kind == Engagement::kOpen    ? "opened_at"
                               : kind == Engagement::kClick ? "clicked_at"
                                                            : "unsubscribed_at";
    bool first = false;
    if (ref.source == 'r') {
      first = CampaignStore(d).mark_engagement(s, CampaignRef{ref.team_id, ref.id}, ref.contact_id,
                                               column, now);
    } else if (kind != Engagement::kUnsubscribe) {
      first = store.mark_outbox_engagement(s, ref.team_id, ref.id, column, now);
    }
    Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
    payload.set(ref.source == 'r' ? "campaign_id" : "outbox_id", ref.id);
    if (kind == Engagement::kUnsubscribe) {
      // The do-not-contact entry is what every later send checks.
      bool added =
          store.suppress(s, ref.team_id, ref.contact_id, "email", "unsubscribed", std::nullopt);
      if (added || first) {
        store.contact_event(s, ref.team_id, ref.contact_id, "email.unsubscribed",
                            json_text(payload));
      }
      return true;
    }
    if (kind == Engagement::kOpen) {
      // Mail clients fetch images again on every view: one event per message.
      if (first)
        store.contact_event(s, ref.team_id, ref.contact_id, "email.opened", json_text(payload));
      return true;
    }
    payload.set("url", url);
    payload.set("first", first);
    store.contact_event(s, ref.team_id, ref.contact_id, "email.clicked", json_text(payload));
    return true;
  });
}

void record_delivery_report(Database& db, const MessageRef& ref, const std::string& status,
                            const std::string& error) {
  const Dialect& d = db.dialect();
  const EntitySchema& schema = crm::outbox_message();
  std::string moved_to = status == "delivered"                             ? "delivered"
                         : (status == "failed" || status == "undelivered") ? "failed"
                                                                           : "";
  if (moved_to.empty() || ref.source != 'm') return;  // queued, sending, sent: nothing new
  db.write([&](soci::session& s) {
    auto msg = RecordStore(d).get(s, schema, ref.team_id, ref.id);
    if (!msg || msg->int_or(schema, "contact_id", 0) != ref.contact_id) return;
    std::string current = msg->text_or(schema, "status", "");
    if (current == moved_to) return;  // providers repeat reports
    MessagingStore store(d);
    store.set_outbox_status(s, ref.team_id, ref.id, moved_to, moved_to == "failed" ? error : "");
    Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
    payload.set("outbox_id", ref.id);
    payload.set("provider_id", msg->text_or(schema, "message_id", ""));
    if (!error.empty()) payload.set("error", error);
    store.contact_event(s, ref.team_id, ref.contact_id,
                        moved_to == "delivered" ? "sms.delivered" : "sms.failed",
                        json_text(payload));
  });
}

}  // namespace sb::channels
