// Inbound SMS: a reply from a contact's phone. STOP-type keywords put the contact on the
// SMS do-not-contact list (reason stop_reply), START-type keywords take that entry off
// again; every reply is an sms.received event on the contact's timeline (a sequence's
// "replied" exit condition).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb {
class Database;
}

namespace sb::channels {

enum class SmsKeyword { kNone, kStop, kStart };

// The carrier keywords (CTIA): STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT; START,
// UNSTOP, YES. Only a message that is the keyword alone (any case, spaces and a final
// punctuation mark allowed) counts: "please don't stop" is a reply.
SmsKeyword classify_sms_keyword(std::string_view text);

struct InboundSmsResult {
  std::optional<std::int64_t> contact_id;  // the most recently active contact with the number
  SmsKeyword keyword = SmsKeyword::kNone;
  bool changed = false;  // a do-not-contact entry was added or removed
};

// `from` is E.164 (already normalised).
InboundSmsResult receive_sms(Database& db, std::int64_t team_id, const std::string& from,
                             const std::string& text);

}  // namespace sb::channels
