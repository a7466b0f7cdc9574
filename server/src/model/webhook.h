// Webhook subscriptions and their deliveries as plain values, the type patterns they
// subscribe with, and the envelope every delivery carries (docs/events.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/clock.h"

namespace sb {

struct WebhookSubscription {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::string url;
  std::vector<std::string> events;  // type patterns: "contact.*", "ticket.created", "*"
  std::string description;
  bool enabled = true;
  std::optional<std::string> disabled_reason;
  std::string secret;           // whsec_...: shown once, at creation and rotation
  std::string previous_secret;  // "" when none; signs too until previous_until
  EpochMs previous_until = 0;
  std::optional<EpochMs> failing_since;  // the first failure since the last success
  EpochMs created_at = 0;
  EpochMs updated_at = 0;

  bool wants(std::string_view type) const;
};

struct WebhookDelivery {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::int64_t subscription_id = 0;
  std::optional<std::int64_t> event_id;  // none for a test ping
  std::string event_type;
  std::string message_id;          // webhook-id: the same on every attempt and on replays
  std::string subject;             // "contact:42": one subject's deliveries go out in order
  std::string payload;             // the envelope, sent as is
  std::string status = "pending";  // pending | waiting | delivered | dead
  int attempts = 0;
  std::optional<EpochMs> next_attempt_at;
  std::optional<int> response_status;
  std::string response_body;  // the first 1 KiB of the last answer
  std::optional<std::int64_t> latency_ms;
  std::string last_error;
  std::optional<std::int64_t> replay_of;
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
  std::optional<EpochMs> delivered_at;
};

// 422 unless each is "*", "<family>.*" or an event type ([a-z0-9_]+ joined by dots); 1 to
// 50 patterns.
void check_webhook_event_patterns(const std::vector<std::string>& patterns);

// The body of a delivery: {"id", "type", "version", "created_at", "team_id", "data"}.
// `data_json` is the event's payload (a JSON object), placed as is.
std::string webhook_envelope(std::string_view id, std::string_view type, EpochMs created_at,
                             std::int64_t team_id, std::string_view data_json);
constexpr int kWebhookEnvelopeVersion = 1;

}  // namespace sb
