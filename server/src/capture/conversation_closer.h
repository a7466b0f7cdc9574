// Ending conversations: explicitly (POST .../close) or after the agent's idle time. Each
// close writes conversation.ended (counts, duration) and a timeline entry in the same
// transaction as the status change.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/actor.h"
#include "model/conversation.h"
#include "store/contact_store.h"
#include "store/conversation_store.h"

namespace sb {
class Database;
}

namespace sb::capture {

class ConversationCloser {
 public:
  explicit ConversationCloser(const ContactStore& contacts)
      : contacts_(contacts), conversations_(contacts.dialect()) {}

  // 404 when the team has no such conversation; an already closed one is returned as is.
  Conversation close(soci::session& s, std::int64_t team_id, std::int64_t id,
                     const std::string& reason, const Actor& actor) const;
  // Closes up to `limit` idle conversations (each in its own short transaction); returns
  // how many it closed.
  int close_idle(Database& db, EpochMs now, int limit) const;

 private:
  const ContactStore& contacts_;
  ConversationStore conversations_;
};

}  // namespace sb::capture
