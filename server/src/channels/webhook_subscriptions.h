// The webhook subscription use cases: create (the secret is shown once), change, enable
// again, rotate the secret with an overlap, delete, send a test ping, replay a delivery,
// and read the delivery log. REST calls these; the bus delivers (webhook_delivery.h).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "channels/address_guard.h"
#include "model/webhook.h"

namespace sb {
class Database;
}

namespace sb::channels {

struct WebhookInput {
  std::optional<std::string> url, description;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> enabled;
};

class WebhookSubscriptions {
 public:
  // `allowed`: SB_WEBHOOK_ALLOW_PRIVATE, the only places plain http:// may point to.
  WebhookSubscriptions(Database& db, std::vector<AddressRange> allowed)
      : db_(db), allowed_(std::move(allowed)) {}
  // Called after a subscription is written (the deliverer reads the patterns again).
  void on_change(std::function<void()> fn) { changed_ = std::move(fn); }

  WebhookSubscription create(std::int64_t team_id, const WebhookInput& in);
  // Enabling a disabled subscription clears its failure record.
  WebhookSubscription update(std::int64_t team_id, std::int64_t id, const WebhookInput& in);
  // A new secret; the old one signs too for `overlap_ms` (0: not at all).
  WebhookSubscription rotate_secret(std::int64_t team_id, std::int64_t id, EpochMs overlap_ms);
  void remove(std::int64_t team_id, std::int64_t id);
  WebhookSubscription get(std::int64_t team_id, std::int64_t id);
  std::vector<WebhookSubscription> list(std::int64_t team_id);

  // A `webhook.test` delivery, sent like any other.
  WebhookDelivery test(std::int64_t team_id, std::int64_t id);
  // The same message (id, payload) sent again, as a new delivery.
  WebhookDelivery replay(std::int64_t team_id, std::int64_t id, std::int64_t delivery_id);
  std::vector<WebhookDelivery> deliveries(std::int64_t team_id, std::int64_t id,
                                          std::int64_t before_id, const std::string& status,
                                          int limit);
  WebhookDelivery delivery(std::int64_t team_id, std::int64_t id, std::int64_t delivery_id);

 private:
  void check_url(const std::string& url) const;
  void changed() const {
    if (changed_) changed_();
  }

  Database& db_;
  std::vector<AddressRange> allowed_;
  std::function<void()> changed_;
};

}  // namespace sb::channels
