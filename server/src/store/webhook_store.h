// webhook_subscriptions and webhook_deliveries rows: the subscriptions of a team, and the
// delivery log with what keeps one subject's deliveries in order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/webhook.h"
#include "store/dialect.h"

namespace soci {
class session;
}

namespace sb {

class WebhookStore {
 public:
  explicit WebhookStore(const Dialect& dialect) : dialect_(dialect) {}

  WebhookSubscription create(soci::session& s, WebhookSubscription sub) const;
  // `for_update`: the row stays locked until the transaction ends; deliveries of the
  // subscription take this lock, which serialises their ordering decisions.
  std::optional<WebhookSubscription> get(soci::session& s, std::int64_t team_id, std::int64_t id,
                                         bool for_update = false) const;
  std::vector<WebhookSubscription> list(soci::session& s, std::int64_t team_id) const;
  std::vector<WebhookSubscription> enabled(soci::session& s, std::int64_t team_id) const;
  // The type patterns of every enabled subscription of every team (what the bus asks for).
  std::vector<std::string> enabled_patterns(soci::session& s) const;
  void save(soci::session& s, const WebhookSubscription& sub) const;
  // The subscription and its delivery log.
  bool remove(soci::session& s, std::int64_t team_id, std::int64_t id) const;

  std::int64_t add_delivery(soci::session& s, const WebhookDelivery& d) const;
  std::optional<WebhookDelivery> delivery(soci::session& s, std::int64_t team_id,
                                          std::int64_t id) const;
  // Newest first, ids below `before_id` (0: from the newest); `status` "" for all.
  std::vector<WebhookDelivery> deliveries(soci::session& s, std::int64_t team_id,
                                          std::int64_t subscription_id, std::int64_t before_id,
                                          const std::string& status, int limit) const;
  void save_delivery(soci::session& s, const WebhookDelivery& d) const;
  // Whether an older delivery of the same subscription and subject is still to go out.
  bool older_open(soci::session& s, const WebhookDelivery& d) const;
  // The oldest waiting delivery of the subscription and subject, if any.
  std::optional<std::int64_t> next_waiting(soci::session& s, std::int64_t subscription_id,
                                           const std::string& subject) const;

 private:
  Dialect dialect_;
};

}  // namespace sb
