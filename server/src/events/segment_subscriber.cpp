#include "events/segment_subscriber.h"

#include <Poco/JSON/Parser.h>

#include <optional>
#include <vector>

#include "store/database.h"
#include "store/segment_store.h"
#include "store/team_store.h"

namespace sb {

namespace {

// The keys of contact.updated's `changes`; nullopt when the payload does not say (then every
// rule is evaluated, as for any other event).
std::optional<std::vector<std::string>> changed_fields(const std::string& payload_json) {
  try {
    Poco::JSON::Parser parser;
    auto payload = parser.parse(payload_json).extract<Poco::JSON::Object::Ptr>();
    auto changes = payload ? payload->getObject("changes") : nullptr;
    if (!changes) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& [key, unused] : *changes) out.push_back(key);
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

bool SegmentSubscriber::wants(std::string_view type) const {
  // Our own output, and events that cannot change who matches a rule.
  if (type == "segment.entered" || type == "segment.exited") return false;
  // A contact's status, stage, intent or owner change comes with the contact.updated of the
  // same write, which names the field: evaluating again for these would change nothing.
  for (std::string_view same : {"contact.status_changed", "contact.stage_changed",
                                "contact.intent_changed", "contact.owner_changed"}) {
    if (type == same) return false;
  }
  // Messages sent, skipped or engaged with, and sequence steps, change no field a rule
  // reads; a campaign makes one per recipient, so they must not cost an evaluation each.
  for (std::string_view prefix : {"email.", "sms.", "message.", "campaign.", "outbox_message.",
                                  "sequence.", "contact.suppressed", "contact.unsuppressed"}) {
    if (type.substr(0, prefix.size()) == prefix) return false;
  }
  return true;
}

Outcome SegmentSubscriber::handle(const StoredEvent& event, DeliveryContext& context) {
  Database& db = context.db();
  SegmentStore segments(db.dialect());
  if (event.subject_type == "segment" && event.subject_id &&
      (event.type == "segment.created" || event.type == "segment.updated")) {
    db.write([&](soci::session& s) {
      if (auto seg = segments.get(s, event.team_id, *event.subject_id)) {
        segments.refresh(s, event.team_id, *seg, std::nullopt);
      }
    });
    return Outcome::ok();
  }
  // Record events name the contact as their subject when they have one (tickets,
  // appointments, leads, messages), so this covers the aggregates too.
  if (event.subject_type != "contact" || !event.subject_id) return Outcome::ok();
  // A contact update names what it changed: only the rules that read one of those fields
  // can have moved (the automatic segments read none of a typical edit's fields).
  if (event.type == "contact.updated") {
    if (auto changed = changed_fields(event.payload_json)) {
      auto reading =
          db.read([&](soci::session& s) { return segments.read_by(s, event.team_id, *changed); });
      if (!reading.empty()) {
        db.write([&](soci::session& s) {
          segments.refresh_contact(s, event.team_id, *event.subject_id, &reading);
        });
      }
      return Outcome::ok();
    }
  }
  db.write(
      [&](soci::session& s) { segments.refresh_contact(s, event.team_id, *event.subject_id); });
  return Outcome::ok();
}

int refresh_time_based_segments(Database& db) {
  SegmentStore segments(db.dialect());
  // Every team has segments (the automatic ones), so this walks all teams.
  auto teams = db.read([&](soci::session& s) { return TeamStore(db.dialect()).ids(s); });
  int n = 0;
  for (std::int64_t team : teams) {
    n += db.write([&](soci::session& s) { return segments.refresh_time_based(s, team); });
  }
  return n;
}

}  // namespace sb
