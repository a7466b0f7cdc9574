// Webhook subscriptions' deliveries through the bus.
#include "channels/webhook_delivery.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <tuple>

#include "channels/messenger.h"
#include "channels/webhook_secrets.h"
#include "model/contact_attachments.h"
#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "store/database.h"
#include "store/event_queue_store.h"
#include "store/event_store.h"
#include "store/record_service.h"
#include "store/user_store.h"
#include "store/webhook_store.h"

namespace sb::channels {
namespace {

constexpr const char* kDueType = "webhook_delivery.due";
constexpr std::size_t kAnswerExcerpt = 1024;
constexpr EpochMs kMaxBackoffMs = 6LL * 3600 * 1000;

// The due event has no subject: the bus would otherwise hold it behind every unrelated
// event of that subject still retrying (a contact's workflow backing off for minutes). The
// order of one subject's deliveries is kept here instead, under the subscription's lock.
void append_due(soci::session& s, const Dialect& dialect, const WebhookDelivery& d, EpochMs at) {
  Poco::JSON::Object p;
  p.set("delivery_id", d.id);
  p.set("subscription_id", d.subscription_id);
  EventStore(dialect).append(s, {.team_id = d.team_id,
                                 .type = kDueType,
                                 .subject_type = "",
                                 .subject_id = std::nullopt,
                                 .payload_json = json_text(p),
                                 .available_at = at});
}

// Deliveries are ordered per subscription and subject ("contact:12"; "" for none).
std::string subject_of(const StoredEvent& event) {
  return event.subject_id ? event.subject_type + ":" + std::to_string(*event.subject_id) : "";
}

// The oldest delivery waiting behind `done` goes out now. `order_locked`: the caller holds
// the subject's order lock already (one statement less per delivery).
void release_next(soci::session& s, const Dialect& dialect, const WebhookDelivery& done,
                  bool order_locked = false) {
  WebhookStore store(dialect);
  if (!order_locked) store.lock_subject(s, done.subscription_id, done.subject);
  auto next = store.next_waiting(s, done.subscription_id, done.subject);
  if (!next) return;
  auto d = store.delivery(s, done.team_id, *next);
  if (!d) return;
  d->status = "pending";
  d->next_attempt_at = now_ms();
  store.save_delivery(s, *d);
  append_due(s, dialect, *d, *d->next_attempt_at);
}

// Disabled after failing for too long: an event workflows can act on, and a notification
// for each active admin and owner of the team.
void disable(soci::session& s, const Dialect& dialect, WebhookSubscription& sub,
             const std::string& why) {
  sub.enabled = false;
  sub.disabled_reason = "failing since " + format_iso8601(*sub.failing_since) + ": " + why;
  WebhookStore(dialect).save(s, sub);
  Poco::JSON::Object p(Poco::JSON_PRESERVE_KEY_ORDER);
  p.set("subscription_id", sub.id);
  p.set("url", sub.url);
  p.set("reason", *sub.disabled_reason);
  EventStore(dialect).append(s, {.team_id = sub.team_id,
                                 .type = "webhook.disabled",
                                 .subject_type = "webhook_subscription",
                                 .subject_id = sub.id,
                                 .payload_json = json_text(p)});
  const RecordService notifications(crm::notification(), dialect);
  const EntitySchema& schema = crm::notification();
  for (const User& u : UserStore(dialect).list(s, sub.team_id, 0, 1000)) {
    if (!u.active || (u.role != Role::kAdmin && u.role != Role::kOwner)) continue;
    Record r;
    r.team_id = sub.team_id;
    r.values.resize(schema.fields.size());
    r.set(schema, "user_id", FieldValue(u.id));
    r.set(schema, "text",
          FieldValue("Webhook " + sub.url + " was disabled: " + *sub.disabled_reason +
                     ". Fix the receiver, then enable it."));
    r.set(schema, "source", FieldValue(std::string("webhooks")));
    r.set(schema, "read", FieldValue(std::int64_t{0}));
    notifications.insert(s, r, WriteContext{});
  }
}

}  // namespace

std::int64_t enqueue_webhook_delivery(soci::session& s, const Dialect& dialect, WebhookDelivery d,
                                      bool with_due_event, std::string* status, bool order_locked) {
  WebhookStore store(dialect);
  if (!order_locked) store.lock_subject(s, d.subscription_id, d.subject);
  std::tie(d.id, d.status) = store.add_delivery(s, d);
  if (d.status == "pending" && with_due_event) append_due(s, dialect, d, now_ms());
  if (status) *status = d.status;
  return d.id;
}

WebhookDeliverer::WebhookDeliverer(Messenger& messenger, Database& db)
    : messenger_(messenger), db_(db) {
  refresh();
}

void WebhookDeliverer::refresh() {
  auto patterns =
      db_.read([&](soci::session& s) { return WebhookStore(db_.dialect()).enabled_patterns(s); });
  std::lock_guard lock(mutex_);
  patterns_ = std::move(patterns);
}

bool WebhookDeliverer::wants(std::string_view type) const {
  if (type == kDueType) return true;
  if (type.substr(0, 17) == "webhook_delivery.") return false;
  std::lock_guard lock(mutex_);
  WebhookSubscription any;
  any.events = patterns_;
  return any.wants(type);
}

struct WebhookDeliverer::Attempt {
  WebhookDelivery delivery;
  WebhookSubscription sub;
};

Outcome WebhookDeliverer::handle(const StoredEvent& event, DeliveryContext& context) {
  return handle_batch(std::span<DeliveryContext>(&context, 1)).front();
}

// Due events are retries, one at a time. The other events of a batch are fanned out in one
// transaction, and each delivery that may go now is sent from here, without a due event of
// its own; the answers are recorded in one transaction. A crash between the fan-out and the
// record leaves the events not done: they come again, the fan-out is not repeated (its
// effect keys are taken), and the deliveries still pending are found by event and sent.
//
// A batch POSTs for at most the options' webhook_batch_budget: a receiver that hangs costs a
// timeout per attempt, and a batch must end well within the bus's lease (or another worker
// claims its events again). What is left goes out through due events, claimed afresh.
std::vector<Outcome> WebhookDeliverer::handle_batch(std::span<DeliveryContext> contexts) {
  const auto deadline =
      std::chrono::steady_clock::now() + messenger_.options().webhook_batch_budget;
  std::vector<Outcome> out(contexts.size());
  std::vector<DeliveryContext*> events;
  for (std::size_t i = 0; i < contexts.size(); ++i) {
    const StoredEvent& e = contexts[i].event();
    if (e.type == kDueType) {
      Poco::JSON::Parser parser;
      auto p = parser.parse(e.payload_json).extract<Poco::JSON::Object::Ptr>();
      out[i] = deliver(e.team_id, p->getValue<std::int64_t>("delivery_id"), deadline);
    } else {
      events.push_back(&contexts[i]);
    }
  }
  if (!events.empty()) send(fan_out(events), deadline);
  return out;
}

std::vector<WebhookDeliverer::Attempt> WebhookDeliverer::fan_out(
    const std::vector<DeliveryContext*>& events) {
  const Dialect& dialect = db_.dialect();
  WebhookStore store(dialect);
  std::vector<Attempt> now;
  std::vector<const StoredEvent*> again;  // fanned out before: their pending deliveries
  db_.write([&](soci::session& s) {
    // Rows only, which a redelivery writes again (see DeliveryContext::claim).
    EventQueueStore(dialect).relax_commit(s);
    now.clear();  // a retried transaction starts again
    again.clear();
    std::map<std::int64_t, std::vector<WebhookSubscription>> enabled;  // per team
    std::vector<const StoredEvent*> fresh;
    std::map<std::int32_t, std::pair<std::int64_t, std::string>> order;  // key -> (sub, subject)
    for (DeliveryContext* context : events) {
      const StoredEvent& event = context->event();
      if (!context->claim(s, "fanout:" + std::to_string(event.id))) {
        again.push_back(&event);
        continue;
      }
      fresh.push_back(&event);
      auto team = enabled.find(event.team_id);
      if (team == enabled.end()) {
        team = enabled.emplace(event.team_id, store.enabled(s, event.team_id)).first;
      }
      for (const WebhookSubscription& listed : team->second) {
        if (!listed.wants(event.type)) continue;
        const std::string subject = subject_of(event);
        order.emplace(WebhookStore::order_key(listed.id, subject), std::pair{listed.id, subject});
      }
    }
    // The order locks of every subject written to, in key order: two workers' batches (and
    // the record transactions, which do the same) cannot deadlock. enqueue takes each
    // again, which a lock already held allows.
    for (const auto& [key, target] : order) store.lock_subject(s, target.first, target.second);
    for (const StoredEvent* event : fresh) {
      std::string payload;
      for (const WebhookSubscription& listed : enabled.at(event->team_id)) {
        if (!listed.wants(event->type)) continue;
        if (payload.empty()) {
          payload = webhook_envelope("evt_" + std::to_string(event->id), event->type,
                                     event->created_at, event->team_id, event->payload_json);
        }
        WebhookDelivery d;
        d.team_id = event->team_id;
        d.subscription_id = listed.id;
        d.event_id = event->id;
        d.event_type = event->type;
        d.message_id = "msg_sb" + std::to_string(event->team_id) + "_e" +
                       std::to_string(event->id) + "_s" + std::to_string(listed.id);
        d.subject = subject_of(*event);
        d.payload = payload;
        d.id = enqueue_webhook_delivery(s, dialect, d, /*with_due_event=*/false, &d.status,
                                        /*order_locked=*/true);
        if (d.status == "pending") now.push_back({d, listed});
      }
    }
  });
  if (!again.empty()) {
    db_.read([&](soci::session& s) {
      for (const StoredEvent* event : again) {
        for (WebhookDelivery& d :
             store.pending_of_event(s, event->team_id, subject_of(*event), event->id)) {
          if (d.next_attempt_at && *d.next_attempt_at > now_ms() + 1000) continue;  // backing off
          auto sub = store.get(s, event->team_id, d.subscription_id, /*for_update=*/false);
          if (sub) now.push_back({std::move(d), std::move(*sub)});
        }
      }
    });
  }
  return now;
}

EpochMs webhook_backoff_ms(std::chrono::milliseconds base, int attempts) {
  EpochMs wait = base.count();
  for (int i = 1; i < attempts && wait < kMaxBackoffMs; ++i) wait *= 2;
  wait = std::min(wait, kMaxBackoffMs);
  std::random_device entropy;  // stateless: no generator shared between threads
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return static_cast<EpochMs>(static_cast<double>(wait) * jitter(entropy));
}

Outcome WebhookDeliverer::deliver(std::int64_t team_id, std::int64_t delivery_id,
                                  std::chrono::steady_clock::time_point deadline) {
  const Dialect& dialect = db_.dialect();
  WebhookStore store(dialect);
  // Usually a delivery that is due is simply sent: a read, with no lock and no commit to
  // wait for. A delivery became pending only when nothing older of its subject was open
  // (under the subscription's lock), and later rows are never older, so its order holds.
  auto attempt = db_.read([&](soci::session& s) -> std::optional<Attempt> {
    auto d = store.delivery(s, team_id, delivery_id);
    if (!d || d->status != "pending") return std::nullopt;  // done, waiting, or gone
    if (d->next_attempt_at && *d->next_attempt_at > now_ms() + 1000) return std::nullopt;
    auto sub = store.get(s, team_id, d->subscription_id, /*for_update=*/false);
    if (!sub) return std::nullopt;
    return Attempt{*d, *sub};
  });
  if (attempt) send({*attempt}, deadline);
  return Outcome::ok();
}

void WebhookDeliverer::send(const std::vector<Attempt>& attempts,
                            std::chrono::steady_clock::time_point deadline) {
  const Dialect& dialect = db_.dialect();
  WebhookStore store(dialect);
  struct Answer {
    const Attempt* attempt;
    WebhookResponse response;
    std::int64_t latency_ms;
  };
  std::vector<Answer> answers;
  std::vector<const Attempt*> deferred;  // past the batch's budget: not sent now
  for (const Attempt& attempt : attempts) {
    const WebhookDelivery& d = attempt.delivery;
    if (attempt.sub.enabled && std::chrono::steady_clock::now() >= deadline) {
      deferred.push_back(&attempt);
      continue;
    }
    if (!attempt.sub.enabled) {
      // Disabled since it was queued: dead, and the next of its subject goes (to die too).
      db_.write([&](soci::session& s) {
        store.lock_subject(s, d.subscription_id, d.subject);  // before the row: as recording
        auto cur = store.delivery(s, d.team_id, d.id);
        auto sub = store.get(s, d.team_id, d.subscription_id, /*for_update=*/true);
        if (!cur || !sub || cur->status != "pending" || sub->enabled) return;
        cur->status = "dead";
        cur->last_error = "the subscription is disabled";
        cur->next_attempt_at.reset();
        store.save_delivery(s, *cur);
        release_next(s, dialect, *cur, /*order_locked=*/true);
      });
      continue;
    }
    // The POST, outside any transaction. The same webhook-id on every attempt: receivers
    // drop what they have processed (a crash after the POST sends it again).
    const EpochMs sent_at = now_ms();
    const std::int64_t timestamp = sent_at / 1000;
    const WebhookSecrets secrets{attempt.sub.secret, attempt.sub.previous_secret,
                                 attempt.sub.previous_until};
    const auto started = std::chrono::steady_clock::now();
    WebhookResponse r = messenger_.webhooks().post(
        attempt.sub.url, d.payload,
        {{"webhook-id", d.message_id},
         {"webhook-timestamp", std::to_string(timestamp)},
         {"webhook-signature",
          webhook_signature_header(secrets, d.message_id, timestamp, d.payload, sent_at)}});
    const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
    answers.push_back({&attempt, std::move(r), latency});
  }
  if (answers.empty() && deferred.empty()) return;

  const auto& options = messenger_.options();
  db_.write([&](soci::session& s) {
    // The outcomes are bookkeeping of acts already done: lost in a crash, the events that
    // sent them (whose done marks commit after this) come again and the POSTs repeat with
    // the same webhook-ids, which receivers deduplicate. So the commit need not wait for
    // the WAL flush.
    EventQueueStore(dialect).relax_commit(s);
    std::map<std::int32_t, std::pair<std::int64_t, std::string>> order;  // as the fan-out
    for (const Answer& answer : answers) {
      const WebhookDelivery& d = answer.attempt->delivery;
      order.emplace(WebhookStore::order_key(d.subscription_id, d.subject),
                    std::pair{d.subscription_id, d.subject});
    }
    for (const Attempt* a : deferred) {
      order.emplace(WebhookStore::order_key(a->delivery.subscription_id, a->delivery.subject),
                    std::pair{a->delivery.subscription_id, a->delivery.subject});
    }
    for (const auto& [key, target] : order) store.lock_subject(s, target.first, target.second);
    // Not sent: still pending, each with a due event of its own, due now.
    for (const Attempt* a : deferred) {
      auto cur = store.delivery(s, a->delivery.team_id, a->delivery.id);
      if (cur && cur->status == "pending") append_due(s, dialect, *cur, now_ms());
    }
    // A subscription is read again, locked, only where the answer changes it (failing
    // since, disabled): most answers are successes of a healthy receiver.
    std::map<std::int64_t, std::optional<WebhookSubscription>> locked;
    for (const Answer& answer : answers) {
      const WebhookDelivery& d = answer.attempt->delivery;
      const WebhookResponse& r = answer.response;
      const bool success = r.status >= 200 && r.status < 300;
      std::optional<WebhookSubscription> as_sent = answer.attempt->sub;
      std::optional<WebhookSubscription>* current = &as_sent;
      if (!success || as_sent->failing_since) {
        auto it = locked.find(d.subscription_id);
        if (it == locked.end()) {
          it = locked
                   .emplace(d.subscription_id,
                            store.get(s, d.team_id, d.subscription_id, /*for_update=*/true))
                   .first;
        }
        current = &it->second;  // later answers of this batch see what this one changes
      }
      auto& sub = *current;
      auto cur = store.delivery(s, d.team_id, d.id);
      if (!sub || !cur || cur->status != "pending") continue;  // removed meanwhile
      const EpochMs now = now_ms();
      cur->attempts += 1;
      cur->latency_ms = answer.latency_ms;
      cur->response_status = r.status ? std::optional<int>(r.status) : std::nullopt;
      cur->response_body = r.body.substr(0, kAnswerExcerpt);
      if (success) {
        cur->status = "delivered";
        cur->delivered_at = now;
        cur->next_attempt_at.reset();
        cur->last_error.clear();
        store.save_delivery(s, *cur);
        if (sub->failing_since) {
          sub->failing_since.reset();
          store.save(s, *sub);
        }
        release_next(s, dialect, *cur, /*order_locked=*/true);
        continue;
      }
      cur->last_error = r.status ? "HTTP " + std::to_string(r.status) : r.error;
      if (!sub->failing_since) {
        sub->failing_since = now;
        store.save(s, *sub);
      } else if (sub->enabled &&
                 now - *sub->failing_since >= options.webhook_disable_hours * 3600'000LL) {
        disable(s, dialect, *sub, cur->last_error);
      }
      const EpochMs next = now + webhook_backoff_ms(options.webhook_backoff_base, cur->attempts);
      const EpochMs window_ends = cur->created_at + options.webhook_retry_hours * 3600'000LL;
      // Refused addresses and 410 Gone are final: retrying cannot help.
      if (r.refused || r.status == 410 || next > window_ends || !sub->enabled) {
        cur->status = "dead";
        cur->next_attempt_at.reset();
        store.save_delivery(s, *cur);
        release_next(s, dialect, *cur, /*order_locked=*/true);
        continue;
      }
      cur->next_attempt_at = next;
      store.save_delivery(s, *cur);
      append_due(s, dialect, *cur, next);
    }
  });
}

}  // namespace sb::channels
