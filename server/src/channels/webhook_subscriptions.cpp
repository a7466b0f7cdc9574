// Webhook subscription use cases.
#include "channels/webhook_subscriptions.h"

#include <Poco/JSON/Object.h>
#include <Poco/URI.h>
#include <soci/soci.h>

#include "channels/webhook_delivery.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/standard_webhooks.h"
#include "store/database.h"
#include "store/webhook_store.h"

namespace sb::channels {

void WebhookSubscriptions::check_url(const std::string& url) const {
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception&) {
    throw Error::validation("url", "is not a URL");
  }
  if (url.size() > 2000 || uri.getHost().empty() || !uri.getUserInfo().empty() ||
      !uri.getFragment().empty()) {
    throw Error::validation("url", "must be an https:// URL with a host, no user or fragment");
  }
  if (uri.getScheme() == "https") return;
  if (uri.getScheme() != "http") throw Error::validation("url", "must be https://");
  // Plain http only inside the ranges the operator allows (an internal receiver).
  std::vector<Poco::Net::IPAddress> addresses;
  try {
    addresses = resolve_host(uri.getHost());
  } catch (const Poco::Exception&) {  // unresolvable: not inside any range
  }
  const bool inside =
      !addresses.empty() && std::all_of(addresses.begin(), addresses.end(), [&](const auto& a) {
        return std::any_of(allowed_.begin(), allowed_.end(),
                           [&](const AddressRange& r) { return r.contains(a); });
      });
  if (!inside) {
    throw Error::validation(
        "url", "must be https:// (http:// only to addresses SB_WEBHOOK_ALLOW_PRIVATE lists)");
  }
}

WebhookSubscription WebhookSubscriptions::create(std::int64_t team_id, const WebhookInput& in) {
  if (!in.url) throw Error::validation("url", "is required");
  if (!in.events) throw Error::validation("events", "is required");
  check_url(*in.url);
  check_webhook_event_patterns(*in.events);
  WebhookSubscription sub;
  sub.team_id = team_id;
  sub.url = *in.url;
  sub.events = *in.events;
  sub.description = in.description.value_or("");
  sub.enabled = in.enabled.value_or(true);
  sub.secret = new_webhook_secret();
  WebhookStore store(db_.dialect());
  auto made = db_.write([&](soci::session& s) { return store.create(s, sub); });
  changed();
  return made;
}

WebhookSubscription WebhookSubscriptions::update(std::int64_t team_id, std::int64_t id,
                                                 const WebhookInput& in) {
  if (in.url) check_url(*in.url);
  if (in.events) check_webhook_event_patterns(*in.events);
  WebhookStore store(db_.dialect());
  auto sub = db_.write([&](soci::session& s) {
    auto sub = store.get(s, team_id, id, true);
    if (!sub) throw Error::not_found("webhook", id);
    if (in.url) sub->url = *in.url;
    if (in.events) sub->events = *in.events;
    if (in.description) sub->description = *in.description;
    if (in.enabled) {
      if (*in.enabled && !sub->enabled) {
        sub->disabled_reason.reset();
        sub->failing_since.reset();
      }
      if (!*in.enabled && sub->enabled) sub->disabled_reason = "disabled by an admin";
      sub->enabled = *in.enabled;
    }
    store.save(s, *sub);
    return *sub;
  });
  changed();
  return sub;
}

WebhookSubscription WebhookSubscriptions::rotate_secret(std::int64_t team_id, std::int64_t id,
                                                        EpochMs overlap_ms) {
  WebhookStore store(db_.dialect());
  return db_.write([&](soci::session& s) {
    auto sub = store.get(s, team_id, id, true);
    if (!sub) throw Error::not_found("webhook", id);
    if (overlap_ms > 0) {
      sub->previous_secret = sub->secret;
      sub->previous_until = now_ms() + overlap_ms;
    } else {
      sub->previous_secret.clear();
      sub->previous_until = 0;
    }
    sub->secret = new_webhook_secret();
    store.save(s, *sub);
    return *sub;
  });
}

void WebhookSubscriptions::remove(std::int64_t team_id, std::int64_t id) {
  WebhookStore store(db_.dialect());
  if (!db_.write([&](soci::session& s) { return store.remove(s, team_id, id); }))
    throw Error::not_found("webhook", id);
  changed();
}

WebhookSubscription WebhookSubscriptions::get(std::int64_t team_id, std::int64_t id) {
  WebhookStore store(db_.dialect());
  auto sub = db_.read([&](soci::session& s) { return store.get(s, team_id, id); });
  if (!sub) throw Error::not_found("webhook", id);
  return *sub;
}

std::vector<WebhookSubscription> WebhookSubscriptions::list(std::int64_t team_id) {
  WebhookStore store(db_.dialect());
  return db_.read([&](soci::session& s) { return store.list(s, team_id); });
}

WebhookDelivery WebhookSubscriptions::test(std::int64_t team_id, std::int64_t id) {
  WebhookStore store(db_.dialect());
  return db_.write([&](soci::session& s) {
    // Not locked: the delivery's order lock (taken by enqueue) is what orders it.
    auto sub = store.get(s, team_id, id, false);
    if (!sub) throw Error::not_found("webhook", id);
    const EpochMs now = now_ms();
    Poco::JSON::Object data;
    data.set("subscription_id", id);
    WebhookDelivery d;
    d.team_id = team_id;
    d.subscription_id = id;
    d.event_type = "webhook.test";
    d.message_id = "msg_sb" + std::to_string(team_id) + "_test" + std::to_string(id) + "_" +
                   std::to_string(now);
    d.subject = d.message_id;  // a ping waits for nothing
    d.payload = webhook_envelope(d.message_id, d.event_type, now, team_id, json_text(data));
    return *store.delivery(s, team_id, enqueue_webhook_delivery(s, db_.dialect(), d));
  });
}

WebhookDelivery WebhookSubscriptions::replay(std::int64_t team_id, std::int64_t id,
                                             std::int64_t delivery_id) {
  WebhookStore store(db_.dialect());
  return db_.write([&](soci::session& s) {
    // Not locked: the delivery's order lock (taken by enqueue) is what orders it.
    if (!store.get(s, team_id, id, false)) throw Error::not_found("webhook", id);
    auto d = store.delivery(s, team_id, delivery_id);
    if (!d || d->subscription_id != id) throw Error::not_found("delivery", delivery_id);
    if (d->status == "pending" || d->status == "waiting") {
      throw Error(ErrorCode::kConflict, "the delivery is still to go out", {{"status", d->status}});
    }
    WebhookDelivery again;
    again.team_id = team_id;
    again.subscription_id = id;
    again.event_id = d->event_id;
    again.event_type = d->event_type;
    again.message_id = d->message_id;
    again.subject = d->subject;
    again.payload = d->payload;
    again.replay_of = d->id;
    return *store.delivery(s, team_id, enqueue_webhook_delivery(s, db_.dialect(), again));
  });
}

std::vector<WebhookDelivery> WebhookSubscriptions::deliveries(std::int64_t team_id, std::int64_t id,
                                                              std::int64_t before_id,
                                                              const std::string& status,
                                                              int limit) {
  WebhookStore store(db_.dialect());
  return db_.read([&](soci::session& s) {
    if (!store.get(s, team_id, id)) throw Error::not_found("webhook", id);
    return store.deliveries(s, team_id, id, before_id, status, limit);
  });
}

WebhookDelivery WebhookSubscriptions::delivery(std::int64_t team_id, std::int64_t id,
                                               std::int64_t delivery_id) {
  WebhookStore store(db_.dialect());
  auto d = db_.read([&](soci::session& s) { return store.delivery(s, team_id, delivery_id); });
  if (!d || d->subscription_id != id) throw Error::not_found("delivery", delivery_id);
  return *d;
}

}  // namespace sb::channels
