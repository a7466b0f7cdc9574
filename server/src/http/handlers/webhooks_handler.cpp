// /v1/webhooks: the team's webhook subscriptions (admins), their delivery log, test pings
// and replays. The use cases live in channels/webhook_subscriptions.h.
#include <Poco/JSON/Parser.h>

#include "channels/webhook_subscriptions.h"
#include "http/pagination.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

using channels::WebhookInput;
using channels::WebhookSubscriptions;

constexpr std::int64_t kMaxOverlapHours = 24 * 7;
const std::vector<std::string_view> kDeliveryStatuses = {"pending", "waiting", "delivered", "dead"};

WebhookSubscriptions& service(ApiServices& sv) {
  if (!sv.webhooks) throw Error(ErrorCode::kNotFound, "webhooks are not available here");
  return *sv.webhooks;
}

Poco::JSON::Object subscription_json(const WebhookSubscription& w, bool with_secret) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", w.id);
  o.set("url", w.url);
  o.set("events", string_array(w.events));
  o.set("description", w.description);
  o.set("enabled", w.enabled);
  o.set("disabled_reason", or_null(w.disabled_reason));
  o.set("failing_since", time_or_null(w.failing_since));
  const bool overlapping = !w.previous_secret.empty() && now_ms() < w.previous_until;
  o.set("previous_secret_expires_at",
        time_or_null(overlapping ? std::optional<std::int64_t>(w.previous_until) : std::nullopt));
  if (with_secret) o.set("secret", w.secret);
  o.set("created_at", format_iso8601(w.created_at));
  o.set("updated_at", format_iso8601(w.updated_at));
  return o;
}

Poco::JSON::Object delivery_json(const WebhookDelivery& d) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", d.id);
  o.set("subscription_id", d.subscription_id);
  o.set("event_id", or_null(d.event_id));
  o.set("event_type", d.event_type);
  o.set("message_id", d.message_id);
  o.set("status", d.status);
  o.set("attempts", d.attempts);
  o.set("next_attempt_at", time_or_null(d.next_attempt_at));
  o.set("response_status",
        d.response_status ? Poco::Dynamic::Var(*d.response_status) : Poco::Dynamic::Var());
  o.set("response_body", d.response_status || !d.response_body.empty()
                             ? Poco::Dynamic::Var(d.response_body)
                             : Poco::Dynamic::Var());
  o.set("latency_ms", or_null(d.latency_ms));
  o.set("last_error",
        d.last_error.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(d.last_error));
  o.set("replay_of", or_null(d.replay_of));
  o.set("payload", Poco::JSON::Parser().parse(d.payload));
  o.set("created_at", format_iso8601(d.created_at));
  o.set("updated_at", format_iso8601(d.updated_at));
  o.set("delivered_at", time_or_null(d.delivered_at));
  return o;
}

WebhookInput read_input(Request& req) {
  JsonFields f(req.json());
  WebhookInput in;
  in.url = f.optional_string("url", 2000);
  in.description = f.optional_string("description", 500);
  if (req.json()->has("events")) in.events = f.string_array("events", 50);
  in.enabled = f.optional_bool("enabled");
  f.reject_unknown();
  return in;
}

Response create(ApiServices& sv, Request& req) {
  WebhookSubscription w = service(sv).create(req.auth().team_id, read_input(req));
  Response r = Response::json(201, subscription_json(w, true));
  r.headers.emplace_back("Location", "/v1/webhooks/" + std::to_string(w.id));
  return r;
}

Response list(ApiServices& sv, Request& req) {
  Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
  for (const auto& w : service(sv).list(req.auth().team_id)) data->add(subscription_json(w, false));
  Poco::JSON::Object body;
  body.set("data", data);
  return Response::json(200, body);
}

Response rotate(ApiServices& sv, Request& req) {
  std::int64_t hours = 24;
  if (!req.body.empty()) {
    JsonFields f(req.json());
    hours = f.optional_int("overlap_hours", 0, kMaxOverlapHours).value_or(24);
    f.reject_unknown();
  }
  auto w = service(sv).rotate_secret(req.auth().team_id, req.path_id("id"), hours * 3600'000);
  return Response::json(200, subscription_json(w, true));
}

Response deliveries(ApiServices& sv, Request& req) {
  PageRequest page = read_page_request(req);
  std::string status = req.query_param("status").value_or("");
  if (!status.empty()) require_one_of("status", status, kDeliveryStatuses);
  // Newest first: the cursor is the last id seen, and the next page holds smaller ids.
  auto rows = service(sv).deliveries(req.auth().team_id, req.path_id("id"), page.after_id, status,
                                     page.limit + 1);
  return id_page(std::move(rows), page.limit, delivery_json);
}

}  // namespace

void add_webhook_routes(Router& router, ApiServices& sv) {
  auto h = [&sv](Response (*fn)(ApiServices&, Request&)) {
    return [&sv, fn](Request& r) { return fn(sv, r); };
  };
  router.add(Route::get("/v1/webhooks", Role::kAdmin, h(list)));
  router.add(Route::post("/v1/webhooks", Role::kAdmin, h(create)).json_body().answers_secret());
  router.add(Route::get("/v1/webhooks/{id}", Role::kAdmin, [&sv](Request& r) {
    return Response::json(
        200, subscription_json(service(sv).get(r.auth().team_id, r.path_id("id")), false));
  }));
  router.add(Route::patch("/v1/webhooks/{id}", Role::kAdmin, [&sv](Request& r) {
               auto w = service(sv).update(r.auth().team_id, r.path_id("id"), read_input(r));
               return Response::json(200, subscription_json(w, false));
             }).json_body());
  router.add(Route::del("/v1/webhooks/{id}", Role::kAdmin, [&sv](Request& r) {
    service(sv).remove(r.auth().team_id, r.path_id("id"));
    return Response::no_content();
  }));
  router.add(Route::post("/v1/webhooks/{id}/rotate-secret", Role::kAdmin, h(rotate))
                 .json_body()
                 .answers_secret());
  router.add(Route::post("/v1/webhooks/{id}/test", Role::kAdmin, [&sv](Request& r) {
    return Response::json(202, delivery_json(service(sv).test(r.auth().team_id, r.path_id("id"))));
  }));
  router.add(Route::get("/v1/webhooks/{id}/deliveries", Role::kAdmin, h(deliveries)));
  router.add(
      Route::get("/v1/webhooks/{id}/deliveries/{delivery_id}", Role::kAdmin, [&sv](Request& r) {
        return Response::json(200,
                              delivery_json(service(sv).delivery(r.auth().team_id, r.path_id("id"),
                                                                 r.path_id("delivery_id"))));
      }));
  router.add(Route::post(
      "/v1/webhooks/{id}/deliveries/{delivery_id}/replay", Role::kAdmin, [&sv](Request& r) {
        return Response::json(202,
                              delivery_json(service(sv).replay(r.auth().team_id, r.path_id("id"),
                                                               r.path_id("delivery_id"))));
      }));
}

}  // namespace sb
