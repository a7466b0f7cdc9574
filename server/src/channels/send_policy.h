// The checks before every send (workflow messages and campaigns alike): an address, not
// blocked, not on the do-not-contact list, under the frequency cap, outside quiet hours in
// the contact's time zone (deferred to their end, not dropped), and free-form text only
// inside a channel's session window.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/clock.h"
#include "model/contact.h"
#include "model/messaging_settings.h"

namespace soci {
class session;
}

namespace sb {
class Dialect;
}

namespace sb::channels {

struct PolicyVerdict {
  enum class Kind { kSend, kSkip, kDefer };
  Kind kind = Kind::kSend;
  // kSkip: no_address | erased | blocked | do_not_contact:<reason> | frequency_cap |
  // session_window; kDefer: quiet_hours
  std::string reason;
  EpochMs until = 0;  // kDefer
};

// The address a channel sends to, "" when the contact has none.
std::string channel_address(const Contact& c, const std::string& channel);

// A channel whose provider declares a session window (WhatsApp-style) takes free-form text
// only within `window_s` of the contact's last inbound message; templates go at any time.
// kSkip "session_window" outside it.
PolicyVerdict check_session_window(soci::session& s, const Dialect& d, std::int64_t team_id,
                                   std::int64_t contact_id, std::uint32_t window_s, EpochMs now);

// One verdict per contact, in order; two queries for the whole batch.
std::vector<PolicyVerdict> check_send_policy(soci::session& s, const Dialect& d,
                                             std::int64_t team_id,
                                             const MessagingSettings& settings,
                                             const std::vector<Contact>& contacts,
                                             const std::string& channel, EpochMs now);

}  // namespace sb::channels
