// A team's webhook signing secret (Standard Webhooks): created on first use, rotated with
// an overlap during which the previous secret signs too, so receivers can switch over.
#pragma once

#include <cstdint>
#include <string>

#include "model/clock.h"

namespace sb {
class Database;
}

namespace sb::channels {

struct WebhookSecrets {
  std::string current;
  std::string previous;        // "" when none
  EpochMs previous_until = 0;  // the previous one signs until then
};

// The team's secrets, creating the first one if the team has none.
WebhookSecrets webhook_secrets(Database& db, std::int64_t team_id);
// A new current secret; the old one keeps signing for `overlap_ms`.
WebhookSecrets rotate_webhook_secret(Database& db, std::int64_t team_id, EpochMs overlap_ms);
// The webhook-signature header: "v1,<sig>" by the current secret, and by the previous one
// while it overlaps ("v1,<a> v1,<b>").
std::string webhook_signature_header(const WebhookSecrets& secrets, const std::string& id,
                                     std::int64_t timestamp_s, const std::string& body,
                                     EpochMs now);

}  // namespace sb::channels
