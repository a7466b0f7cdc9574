// Conversation close and the idle sweep.
#include "capture/conversation_closer.h"

#include "model/contact_json.h"
#include "model/conversation_json.h"
#include "model/error.h"
#include "store/database.h"

namespace sb::capture {

Conversation ConversationCloser::close(soci::session& s, std::int64_t team_id, std::int64_t id,
                                       const std::string& reason, const Actor& actor) const {
  auto c = conversations_.get(s, team_id, id, /*for_update=*/true);
  if (!c) throw Error::not_found("conversation", id);
  if (c->status == "closed") return *c;
  c->status = "closed";
  c->close_reason = reason;
  // An idle close ends at the last message; an explicit one now.
  c->ended_at = reason == "idle" ? c->last_message_at : std::max(now_ms(), c->last_message_at);
  conversations_.save_conversations(s, {*c});
  Poco::JSON::Object ended = conversation_ended_json(*c);
  contacts_.events().append(s, {.team_id = team_id,
                                .type = "conversation.ended",
                                .subject_type = "contact",
                                .subject_id = c->contact_id,
                                .payload_json = json_text(ended)});
  contacts_.timeline().add(s, team_id, c->contact_id, "conversation_ended", json_text(ended),
                           actor);
  return *c;
}

int ConversationCloser::close_idle(Database& db, EpochMs now, int limit) const {
  auto idle =
      db.read([&](soci::session& s) { return conversations_.idle_conversations(s, now, limit); });
  int closed = 0;
  for (const Conversation& candidate : idle) {
    db.write([&](soci::session& s) {
      // Re-read under the lock: a message may have arrived since the scan.
      auto c = conversations_.get(s, candidate.team_id, candidate.id, /*for_update=*/true);
      if (!c || c->status != "open" || c->last_message_at != candidate.last_message_at) return;
      close(s, c->team_id, c->id, "idle", Actor::none());
      ++closed;
    });
  }
  return closed;
}

}  // namespace sb::capture
