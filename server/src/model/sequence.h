// Sequences: their steps (delay, channel, template) and exit conditions as stored on the
// sequence row, checked when written and read back by the step runner.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Poco {
namespace Dynamic {
class Var;
}
namespace JSON {
class Object;
}
}  // namespace Poco

namespace sb {

struct SequenceStep {
  std::string delay;  // as written: "2d", "1h30m"; "0s" sends at once
  std::int64_t delay_ms = 0;
  std::string channel;  // email | sms
  std::int64_t template_id = 0;
};

// What ends an enrolment early. Unsubscribing (or any do-not-contact entry) always ends
// it when `unsubscribed` is set; the send policy refuses such messages regardless.
struct SequenceExit {
  bool replied = true;         // the contact wrote: in a chat (message.received, user) or an SMS
  bool stage_changed = false;  // contact.stage_changed
  bool unsubscribed = true;    // email.unsubscribed, contact.suppressed
  std::vector<std::int64_t> entered_segments;
};

inline constexpr std::size_t kMaxSequenceSteps = 50;
inline constexpr std::int64_t kMaxStepDelayMs = 366LL * 86'400'000;

// Schema checks (JsonCheck): validate and return the normalised JSON text.
std::string check_sequence_steps(const Poco::Dynamic::Var& value, const std::string& field);
std::string check_sequence_exit(const Poco::Dynamic::Var& value, const std::string& field);

std::vector<SequenceStep> parse_sequence_steps(const std::string& json);
SequenceExit parse_sequence_exit(const std::string& json);

// The exit reason an event (type and payload) about an enrolled contact means under
// `exit`, if any: "replied", "stage_changed", "unsubscribed" or "entered_segment:<id>".
std::optional<std::string> sequence_exit_reason(const SequenceExit& exit, std::string_view type,
                                                const Poco::JSON::Object& payload);

}  // namespace sb
