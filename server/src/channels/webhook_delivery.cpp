// Webhook subscriptions' deliveries through the bus.
#include "channels/webhook_delivery.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <algorithm>
#include <chrono>
#include <random>

#include "channels/messenger.h"
#include "channels/webhook_secrets.h"
#include "model/contact_attachments.h"
#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "store/database.h"
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

// The oldest delivery waiting behind `done` goes out now.
void release_next(soci::session& s, const Dialect& dialect, const WebhookDelivery& done) {
  WebhookStore store(dialect);
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

std::int64_t enqueue_webhook_delivery(soci::session& s, const Dialect& dialect, WebhookDelivery d) {
  WebhookStore store(dialect);
  d.status = "pending";
  d.next_attempt_at = now_ms();
  d.id = store.add_delivery(s, d);
  if (store.older_open(s, d)) {
    d.status = "waiting";
    d.next_attempt_at.reset();
    store.save_delivery(s, d);
  } else {
    append_due(s, dialect, d, *d.next_attempt_at);
  }
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

Outcome WebhookDeliverer::handle(const StoredEvent& event, DeliveryContext& context) {
  const Dialect& dialect = db_.dialect();
  if (event.type == kDueType) {
    Poco::JSON::Parser parser;
    auto p = parser.parse(event.payload_json).extract<Poco::JSON::Object::Ptr>();
    return deliver(event.team_id, p->getValue<std::int64_t>("delivery_id"));
  }
  context.once("fanout:" + std::to_string(event.id), [&](soci::session& s) {
    WebhookStore store(dialect);
    const std::string subject =
        event.subject_id ? event.subject_type + ":" + std::to_string(*event.subject_id) : "";
    std::string payload;
    for (const WebhookSubscription& listed : store.enabled(s, event.team_id)) {
      if (!listed.wants(event.type)) continue;
      store.get(s, event.team_id, listed.id, /*for_update=*/true);  // orders its deliveries
      if (payload.empty()) {
        payload = webhook_envelope("evt_" + std::to_string(event.id), event.type, event.created_at,
                                   event.team_id, event.payload_json);
      }
      WebhookDelivery d;
      d.team_id = event.team_id;
      d.subscription_id = listed.id;
      d.event_id = event.id;
      d.event_type = event.type;
      d.message_id = "msg_sb" + std::to_string(event.team_id) + "_e" + std::to_string(event.id) +
                     "_s" + std::to_string(listed.id);
      d.subject = subject;
      d.payload = payload;
      enqueue_webhook_delivery(s, dialect, d);
    }
  });
  return Outcome::ok();
}

EpochMs webhook_backoff_ms(std::chrono::milliseconds base, int attempts) {
  EpochMs wait = base.count();
  for (int i = 1; i < attempts && wait < kMaxBackoffMs; ++i) wait *= 2;
  wait = std::min(wait, kMaxBackoffMs);
  std::random_device entropy;  // stateless: no generator shared between threads
  std::uniform_real_distribution<double> jitter(0.8, 1.2);
  return static_cast<EpochMs>(static_cast<double>(wait) * jitter(entropy));
}

Outcome WebhookDeliverer::deliver(std::int64_t team_id, std::int64_t delivery_id) {
  const Dialect& dialect = db_.dialect();
  WebhookStore store(dialect);
  struct Attempt {
    WebhookDelivery delivery;
    WebhookSubscription sub;
  };
  auto attempt = db_.write([&](soci::session& s) -> std::optional<Attempt> {
    auto d = store.delivery(s, team_id, delivery_id);
    if (!d || d->status != "pending") return std::nullopt;  // done, waiting, or gone
    auto sub = store.get(s, team_id, d->subscription_id, /*for_update=*/true);
    if (!sub) return std::nullopt;
    if (d->next_attempt_at && *d->next_attempt_at > now_ms() + 1000) return std::nullopt;
    if (!sub->enabled) {
      d->status = "dead";
      d->last_error = "the subscription is disabled";
      d->next_attempt_at.reset();
      store.save_delivery(s, *d);
      release_next(s, dialect, *d);
      return std::nullopt;
    }
    if (store.older_open(s, *d)) {
      d->status = "waiting";
      d->next_attempt_at.reset();
      store.save_delivery(s, *d);
      return std::nullopt;
    }
    return Attempt{*d, *sub};
  });
  if (!attempt) return Outcome::ok();

  // The POST, outside any transaction. The same webhook-id on every attempt: receivers
  // drop what they have processed (a crash after the POST sends it again).
  const WebhookDelivery& d = attempt->delivery;
  const EpochMs sent_at = now_ms();
  const std::int64_t timestamp = sent_at / 1000;
  const WebhookSecrets secrets{attempt->sub.secret, attempt->sub.previous_secret,
                               attempt->sub.previous_until};
  const auto started = std::chrono::steady_clock::now();
  WebhookResponse r = messenger_.webhooks().post(
      attempt->sub.url, d.payload,
      {{"webhook-id", d.message_id},
       {"webhook-timestamp", std::to_string(timestamp)},
       {"webhook-signature",
        webhook_signature_header(secrets, d.message_id, timestamp, d.payload, sent_at)}});
  const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();

  const auto& options = messenger_.options();
  db_.write([&](soci::session& s) {
    auto sub = store.get(s, team_id, d.subscription_id, /*for_update=*/true);
    auto cur = store.delivery(s, team_id, delivery_id);
    if (!sub || !cur || cur->status != "pending") return;  // removed meanwhile
    const EpochMs now = now_ms();
    cur->attempts += 1;
    cur->latency_ms = latency;
    cur->response_status = r.status ? std::optional<int>(r.status) : std::nullopt;
    cur->response_body = r.body.substr(0, kAnswerExcerpt);
    if (r.status >= 200 && r.status < 300) {
      cur->status = "delivered";
      cur->delivered_at = now;
      cur->next_attempt_at.reset();
      cur->last_error.clear();
      store.save_delivery(s, *cur);
      if (sub->failing_since) {
        sub->failing_since.reset();
        store.save(s, *sub);
      }
      release_next(s, dialect, *cur);
      return;
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
      release_next(s, dialect, *cur);
      return;
    }
    cur->next_attempt_at = next;
    store.save_delivery(s, *cur);
    append_due(s, dialect, *cur, next);
  });
  return Outcome::ok();
}

}  // namespace sb::channels
