// Webhook secrets in team settings ("webhooks": {secret, previous, previous_until}).
#include "channels/webhook_secrets.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "model/contact_json.h"
#include "model/standard_webhooks.h"
#include "store/database.h"
#include "store/team_settings_store.h"

namespace sb::channels {
namespace {

constexpr const char* kKey = "webhooks";

WebhookSecrets parse(const std::string& json) {
  WebhookSecrets out;
  if (json.empty()) return out;
  Poco::JSON::Parser parser;
  auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  out.current = o->optValue<std::string>("secret", "");
  out.previous = o->optValue<std::string>("previous", "");
  out.previous_until = o->optValue<Poco::Int64>("previous_until", 0);
  return out;
}

std::string to_text(const WebhookSecrets& w) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("secret", w.current);
  if (!w.previous.empty()) {
    o.set("previous", w.previous);
    o.set("previous_until", static_cast<Poco::Int64>(w.previous_until));
  }
  return json_text(o);
}

}  // namespace

WebhookSecrets webhook_secrets(Database& db, std::int64_t team_id) {
  TeamSettingsStore settings(db.dialect());
  WebhookSecrets found =
      db.read([&](soci::session& s) { return parse(settings.get_json(s, team_id, kKey)); });
  if (!found.current.empty()) return found;
  return db.write([&](soci::session& s) {
    WebhookSecrets first;
    first.current = new_webhook_secret();
    settings.insert_json_if_absent(s, team_id, kKey, to_text(first));
    return parse(settings.get_json(s, team_id, kKey));  // ours, or a concurrent first's
  });
}

WebhookSecrets rotate_webhook_secret(Database& db, std::int64_t team_id, EpochMs overlap_ms) {
  TeamSettingsStore settings(db.dialect());
  return db.write([&](soci::session& s) {
    WebhookSecrets old = parse(settings.get_json(s, team_id, kKey));
    WebhookSecrets next;
    next.current = new_webhook_secret();
    if (!old.current.empty()) {
      next.previous = old.current;
      next.previous_until = now_ms() + overlap_ms;
    }
    settings.set_json(s, team_id, kKey, to_text(next));
    return next;
  });
}

std::string webhook_signature_header(const WebhookSecrets& secrets, const std::string& id,
                                     std::int64_t timestamp_s, const std::string& body,
                                     EpochMs now) {
  std::string header = webhook_signature(secrets.current, id, timestamp_s, body);
  if (!secrets.previous.empty() && now < secrets.previous_until) {
    header += " " + webhook_signature(secrets.previous, id, timestamp_s, body);
  }
  return header;
}

}  // namespace sb::channels
