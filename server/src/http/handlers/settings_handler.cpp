// /v1/settings/contact-statuses: the team's list of contact statuses.
#include <soci/soci.h>

#include "channels/webhook_secrets.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

Response statuses_response(const std::vector<std::string>& statuses) {
  Poco::JSON::Object body;
  body.set("statuses", string_array(statuses));
  return Response::json(200, body);
}

Response get(ApiServices& sv, Request& req) {
  return statuses_response(sv.db.read(
      [&](soci::session& s) { return sv.settings.contact_statuses(s, req.auth().team_id); }));
}

Response put(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  if (!req.json()->has("statuses")) throw Error::validation("statuses", "is required");
  auto raw = f.string_array("statuses", 50);
  f.reject_unknown();
  std::vector<std::string> statuses;
  for (const auto& s : raw) {
    std::string t = require_text("statuses", s, 64);
    for (char c : t) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        throw Error::validation("statuses",
                                "use lower-case letters, digits, _ and - ('" + t + "')");
      }
    }
    if (std::find(statuses.begin(), statuses.end(), t) != statuses.end()) {
      throw Error::validation("statuses", "'" + t + "' is listed twice");
    }
    statuses.push_back(t);
  }
  if (statuses.empty())
    throw Error::validation("statuses", "needs at least one status; the first is the default");
  sv.db.write(
      [&](soci::session& s) { sv.settings.set_contact_statuses(s, req.auth().team_id, statuses); });
  return statuses_response(statuses);
}

// How long a rotated-out webhook secret keeps signing, so receivers can switch over.
constexpr EpochMs kSecretOverlapMs = 24LL * 3600 * 1000;

Response webhook_secret_response(const channels::WebhookSecrets& w) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("secret", w.current);
  const bool overlapping = !w.previous.empty() && now_ms() < w.previous_until;
  o.set("previous_secret_expires_at",
        overlapping ? Poco::Dynamic::Var(format_iso8601(w.previous_until)) : Poco::Dynamic::Var());
  return Response::json(200, o);
}

}  // namespace

void add_settings_routes(Router& router, ApiServices& sv) {
  // The team's signing secret of outgoing webhooks (crm.webhook.post), for receivers to
  // verify deliveries with (docs/messaging.md).
  router.add(Route::get("/v1/settings/webhooks", Role::kAdmin, [&sv](Request& r) {
               return webhook_secret_response(channels::webhook_secrets(sv.db, r.auth().team_id));
             }).answers_secret());
  router.add(Route::post("/v1/settings/webhooks/rotate", Role::kAdmin, [&sv](Request& r) {
               return webhook_secret_response(
                   channels::rotate_webhook_secret(sv.db, r.auth().team_id, kSecretOverlapMs));
             }).answers_secret());
  router.add(Route::get("/v1/settings/contact-statuses", Role::kViewer,
                        [&sv](Request& r) { return get(sv, r); }));
  router.add(Route::put("/v1/settings/contact-statuses", Role::kAdmin, [&sv](Request& r) {
               return put(sv, r);
             }).json_body());
}

}  // namespace sb
