// Queuing a message for the channel layer: an outbox_messages row whose
// outbox_message.created event the sender subscriber picks up. Used by workflows and
// sequences alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace soci {
class session;
}

namespace sb {

class RecordService;

struct OutboxRequest {
  std::int64_t team_id = 0;
  std::string channel;  // email | sms | webhook
  std::optional<std::int64_t> contact_id;
  std::string recipient;  // "" when the contact has no address (the send policy skips it)
  std::string template_name;
  std::string body;
  std::string data_json = "{}";
  std::string source;  // "workflow:<name>", "sequence:<id>"
};

// Returns the new message's id.
std::int64_t queue_outbox_message(soci::session& s, const RecordService& outbox,
                                  const OutboxRequest& request);

}  // namespace sb
