// Webhook subscriptions' deliveries, driven by the event bus. An event some enabled
// subscription wants becomes one delivery row per subscription plus a
// `webhook_delivery.due` event; handling that event POSTs the envelope, signed per
// Standard Webhooks with the subscription's secret(s), and records the attempt. Failures
// come back as a later due event (exponential backoff with jitter) until the retry window
// closes (then dead). One subject's deliveries to a subscription go out in order: a
// delivery waits while an older one of its subject is still to go.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "events/subscriber.h"
#include "model/webhook.h"

namespace soci {
class session;
}

namespace sb::channels {

class Messenger;

class WebhookDeliverer : public Subscriber {
 public:
  WebhookDeliverer(Messenger& messenger, Database& db);

  std::string name() const override { return "webhooks"; }
  std::string pattern() const override { return "*"; }
  // Due deliveries, and the types some enabled subscription of any team wants (so the bus
  // keeps no delivery row for events no subscription wants).
  bool wants(std::string_view type) const override;
  Outcome handle(const StoredEvent& event, DeliveryContext& context) override;
  // A batch's events share one fan-out transaction and one record transaction.
  bool takes_batches() const override { return true; }
  std::vector<Outcome> handle_batch(std::span<DeliveryContext> contexts) override;

  // Reads the enabled subscriptions' patterns again: after a subscription is written in
  // this process, and every second for other processes' writes.
  void refresh();

 private:
  struct Attempt;
  // A due event's delivery, when it is still pending and due.
  Outcome deliver(std::int64_t team_id, std::int64_t delivery_id,
                  std::chrono::steady_clock::time_point deadline);
  // Writes the deliveries of `events` (claimed once each); those that may go now.
  std::vector<Attempt> fan_out(const std::vector<DeliveryContext*>& events);
  // The POSTs of pending deliveries until `deadline`, then the record of their answers in
  // one transaction (delivered, retried by a due event later, or dead); those not sent by
  // the deadline get a due event now. A disabled subscription's delivery dies unsent.
  void send(const std::vector<Attempt>& attempts, std::chrono::steady_clock::time_point deadline);

  Messenger& messenger_;
  Database& db_;
  mutable std::mutex mutex_;  // guards patterns_
  std::vector<std::string> patterns_;
};

// The wait before the next attempt of a webhook that failed `attempts` times: `base`
// doubling per attempt, at most 6 hours, each ±20 % (so failed receivers are not hit in
// step). Subscriptions and crm.webhook.post retry alike.
EpochMs webhook_backoff_ms(std::chrono::milliseconds base, int attempts);

// A new delivery of `d` (pending, or waiting behind an older one of its subject), with the
// due event that sends it when pending: how events, test pings and replays all enter the
// log. Runs in the caller's transaction, which holds the subscription's row lock. Without
// the due event (`with_due_event` false) the caller sends a pending delivery itself after
// the commit. `status`, when given, receives "pending" or "waiting". `order_locked`: the
// caller holds the subject's order lock (WebhookStore::lock_subject) already.
std::int64_t enqueue_webhook_delivery(soci::session& s, const Dialect& dialect, WebhookDelivery d,
                                      bool with_due_event = true, std::string* status = nullptr,
                                      bool order_locked = false);

}  // namespace sb::channels
