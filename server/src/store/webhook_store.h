// webhook_subscriptions and webhook_deliveries rows: the subscriptions of a team, and the
// delivery log with what keeps one subject's deliveries in order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
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

  // Inserts `d` pending (due now), or waiting when an older delivery of its subscription
  // and subject is still open; its id and that status.
  std::pair<std::int64_t, std::string> add_delivery(soci::session& s,
                                                    const WebhookDelivery& d) const;
  std::optional<WebhookDelivery> delivery(soci::session& s, std::int64_t team_id,
                                          std::int64_t id) const;
  // Newest first, ids below `before_id` (0: from the newest); `status` "" for all.
  std::vector<WebhookDelivery> deliveries(soci::session& s, std::int64_t team_id,
                                          std::int64_t subscription_id, std::int64_t before_id,
                                          const std::string& status, int limit) const;
  void save_delivery(soci::session& s, const WebhookDelivery& d) const;
  // The deliveries of one event still pending, oldest first (an event handled again after
  // its fan-out committed). `subject` as the deliveries carry it: it keeps the lookup on
  // the (subscription, subject, status) index.
  std::vector<WebhookDelivery> pending_of_event(soci::session& s, std::int64_t team_id,
                                                const std::string& subject,
                                                std::int64_t event_id) const;
  // Holds, until the transaction ends, the lock that orders one subscription's deliveries
  // of one subject: taken before a delivery is added or one waiting is released, so the
  // two never miss each other. PostgreSQL: a transaction advisory lock (two-key form, of
  // its own class); SQLite's single writer already orders them. Take several in ascending
  // order_key order (two transactions then cannot deadlock).
  void lock_subject(soci::session& s, std::int64_t subscription_id,
                    const std::string& subject) const;
  static std::int32_t order_key(std::int64_t subscription_id, const std::string& subject);
  // The oldest waiting delivery of the subscription and subject, if any.
  std::optional<std::int64_t> next_waiting(soci::session& s, std::int64_t subscription_id,
                                           const std::string& subject) const;

 private:
  Dialect dialect_;
};

}  // namespace sb
