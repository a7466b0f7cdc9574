// conversations, messages and contact_identities rows: the set-based reads and writes
// chat capture runs per group of messages (one round trip per step, whatever the group
// size), and the reads behind conversation, transcript and message-search routes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/conversation.h"
#include "store/dialect.h"

namespace soci {
class session;
}

namespace sb {

using IdentityKey = std::pair<std::string, std::string>;  // (platform, external user id)
using MessageKey = std::pair<std::string, std::string>;   // (conversation ref, message id)

struct MessageSearch {
  std::string query;  // words; all must appear
  std::optional<std::int64_t> agent_id, contact_id, conversation_id;
  std::int64_t before_id = 0;  // keyset: ids below this (0: from the newest)
  int limit = 50;
};

// What ingestion needs to know about an agent, read in one query per request.
struct AgentCaptureContext {
  bool customer_tracking = false;
  std::string platforms_json = "[]";
  std::string settings_json;  // the team's capture settings ("" = defaults)
};

class ConversationStore {
 public:
  std::optional<AgentCaptureContext> agent_context(soci::session& s, std::int64_t team_id,
                                                   std::int64_t agent_id) const;

  explicit ConversationStore(const Dialect& dialect) : dialect_(dialect) {}

  // Messages of this agent already stored under the given keys.
  std::vector<ChatMessage> find_messages(soci::session& s, std::int64_t team_id,
                                         std::int64_t agent_id,
                                         const std::vector<MessageKey>& keys) const;
  // Contacts known under (platform, external id): identities first, then contacts' own
  // platform/external_id columns.
  std::map<IdentityKey, std::int64_t> resolve_identities(
      soci::session& s, std::int64_t team_id, const std::vector<IdentityKey>& keys) const;
  // email|phone value -> the oldest contact holding it.
  std::map<std::string, std::int64_t> contacts_by(soci::session& s, std::int64_t team_id,
                                                  const std::string& column,
                                                  const std::vector<std::string>& values) const;
  void add_identity(soci::session& s, std::int64_t team_id, const IdentityKey& key,
                    std::int64_t contact_id) const;
  // Moves a merged contact's platform identities to the survivor (conversations and
  // messages move with the merge journal's child rows).
  void move_identities(soci::session& s, std::int64_t team_id, std::int64_t from_id,
                       std::int64_t to_id) const;

  // Open conversations of an agent by external id, locked for the caller's transaction.
  std::vector<Conversation> open_conversations(soci::session& s, std::int64_t team_id,
                                               std::int64_t agent_id,
                                               const std::vector<std::string>& refs) const;
  std::optional<Conversation> get(soci::session& s, std::int64_t team_id, std::int64_t id,
                                  bool for_update = false) const;
  void insert_conversation(soci::session& s, Conversation& c) const;
  // Writes counters, flags, times, status and topics of each conversation.
  void save_conversations(soci::session& s, const std::vector<Conversation>& conversations) const;
  void insert_messages(soci::session& s, std::vector<ChatMessage>& messages) const;

  // Open conversations idle past their agent's idle_minutes at `now`, any team.
  std::vector<Conversation> idle_conversations(soci::session& s, EpochMs now, int limit) const;
  // A contact's conversations, newest first.
  std::vector<Conversation> recent_for_contact(soci::session& s, std::int64_t team_id,
                                               std::int64_t contact_id, int limit) const;
  bool agent_knows_contact(soci::session& s, std::int64_t team_id, std::int64_t agent_id,
                           std::int64_t contact_id) const;

  // A conversation's messages in order, ids above after_id.
  // A page of the conversation's messages after `cursor_id` (oldest first), or with
  // `newest_first` before it (0: from the newest), for a chat view that scrolls back.
  std::vector<ChatMessage> transcript(soci::session& s, std::int64_t team_id,
                                      std::int64_t conversation_id, std::int64_t cursor_id,
                                      int limit, bool newest_first = false) const;
  // Full-text search (PostgreSQL tsvector 'simple', SQLite FTS5), newest first.
  std::vector<ChatMessage> search(soci::session& s, std::int64_t team_id,
                                  const MessageSearch& q) const;
  // SQL condition "<contact_id_expr> IN (contacts with a message matching <query_param>)"
  // for the contacts list filter; the caller binds query_param to match_text(words).
  std::string contacts_matching_sql(const std::string& contact_id_expr,
                                    const std::string& team_expr,
                                    const std::string& query_param) const;
  // The words of a search as the backend's match text (FTS5: each word quoted).
  std::string match_text(const std::string& words) const;

 private:
  std::string match_condition(const std::string& alias, const std::string& query_param) const;
  const Dialect& dialect_;
};

}  // namespace sb
