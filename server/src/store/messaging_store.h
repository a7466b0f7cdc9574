// Messaging state outside the record schemas: do-not-contact entries, the send counts the
// frequency cap reads, message events on the contact's timeline, queued-message delivery
// state and the install's signing secrets.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"

namespace soci {
class session;
}

namespace sb {

class Dialect;

struct Suppression {
  std::int64_t contact_id = 0;
  std::string channel;  // email | sms | all
  std::string reason;   // unsubscribed | bounced | complained | manual | stop_reply
  std::optional<std::string> note;
  EpochMs created_at = 0;
};

inline const std::vector<std::string> kSuppressionReasons = {"unsubscribed", "bounced",
                                                             "complained", "manual", "stop_reply"};
inline const std::vector<std::string> kSuppressionChannels = {"email", "sms", "all"};

class MessagingStore {
 public:
  explicit MessagingStore(const Dialect& dialect) : dialect_(dialect) {}

  // Adds (or re-reasons) a do-not-contact entry; contact.suppressed and a timeline entry
  // when it is new. Returns whether it was new.
  bool suppress(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                const std::string& channel, const std::string& reason,
                const std::optional<std::string>& note) const;
  bool unsuppress(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                  const std::string& channel) const;
  std::vector<Suppression> suppressions(soci::session& s, std::int64_t team_id,
                                        std::int64_t contact_id) const;
  // The reason each of `contact_ids` may not receive `channel` (its own entry or 'all').
  std::map<std::int64_t, std::string> suppressed(
      soci::session& s, std::int64_t team_id, const std::string& channel,
      const std::vector<std::int64_t>& contact_ids) const;
  // Messages sent to each contact since `since`, every channel, campaigns and the rest.
  std::map<std::int64_t, std::int64_t> sends_since(soci::session& s, std::int64_t team_id,
                                                   const std::vector<std::int64_t>& contact_ids,
                                                   EpochMs since) const;

  // When the contact last wrote to the team: a chat message of theirs or an SMS reply, as
  // received (the server's clock, not the sender's). 0: never.
  EpochMs last_inbound_at(soci::session& s, std::int64_t team_id, std::int64_t contact_id) const;

  // A message event (email.sent, sms.failed, message.skipped, ...) about a contact: the
  // event and its timeline entry, in the caller's transaction.
  void contact_event(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                     const std::string& type, const std::string& payload_json) const;
  struct ContactEvent {
    std::int64_t contact_id = 0;
    std::string type, payload_json;
  };
  // Many of them in two statements (a campaign's group commit).
  void contact_events(soci::session& s, std::int64_t team_id,
                      const std::vector<ContactEvent>& events) const;

  // Queued messages (outbox_messages) as the channel layer moves them.
  // `retry`: the send is tried again under a new effect key (attempts + 1).
  void set_outbox_status(soci::session& s, std::int64_t team_id, std::int64_t id,
                         const std::string& status, const std::string& reason,
                         bool retry = false) const;
  void set_outbox_sent(soci::session& s, std::int64_t team_id, std::int64_t id,
                       const std::string& message_id, EpochMs at) const;
  // First open or click of a queued message; false when it was recorded before.
  bool mark_outbox_engagement(soci::session& s, std::int64_t team_id, std::int64_t id,
                              const std::string& column, EpochMs at) const;
  // The message a provider's delivery report names (by the provider's message id).
  std::optional<std::pair<std::int64_t, std::int64_t>> outbox_by_message_id(
      soci::session& s, const std::string& message_id) const;  // {team, id}

  // The most recently active contact with this E.164 number, if any.
  std::optional<std::int64_t> contact_by_phone(soci::session& s, std::int64_t team_id,
                                               const std::string& phone) const;

  // A random secret shared by every process of the install, created on first use.
  std::string install_secret(soci::session& s, const std::string& name) const;

 private:
  const Dialect& dialect_;
};

}  // namespace sb
