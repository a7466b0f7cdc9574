// /v1/templates (record routes + preview with a sample or real contact),
// /v1/settings/messaging, a contact's do-not-contact entries, and inbound SMS replies
// (STOP/START keywords).
#include <soci/soci.h>

#include "channels/inbound_sms.h"
#include "channels/messenger.h"
#include "http/record_routes.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/json_body.h"
#include "model/message_template.h"
#include "model/messaging_settings.h"
#include "store/messaging_store.h"
#include "store/record_store.h"

namespace sb {
namespace {

// A stand-in for previews without a contact: every common variable has a value.
Contact sample_contact() {
  Contact c;
  c.name = "Alex Sample";
  c.email = "alex@example.com";
  c.phone = "+15550100";
  c.status = "active";
  c.stage = "lead";
  c.platform = "web";
  c.source = "manual";
  return c;
}

// POST /v1/templates/{id}/preview {"contact_id"?, "vars"?}
Response preview(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  JsonFields f(req.json());
  auto contact_id = f.optional_int("contact_id", 1, INT64_MAX);
  std::string vars = "{}";
  if (auto v = f.optional_object("vars")) vars = json_text(**v);
  f.reject_unknown();
  const EntitySchema& schema = crm::message_template();
  Record tmpl;
  Contact contact = sample_contact();
  MessagingSettings settings;
  sv.db.read([&](soci::session& s) {
    tmpl = RecordStore(sv.db.dialect()).require(s, schema, team, id);
    if (contact_id) contact = sv.contacts.require(s, team, *contact_id);
    settings = parse_messaging_settings_text(sv.settings.get_json(s, team, "messaging"));
  });
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("channel", tmpl.text_or(schema, "channel", ""));
  body.set("contact_id", contact_id ? Poco::Dynamic::Var(*contact_id) : Poco::Dynamic::Var());
  if (tmpl.text_or(schema, "channel", "") == "email") {
    channels::Messenger local(sv.db, {}, nullptr);
    channels::Messenger& m = sv.messenger ? *sv.messenger : local;
    channels::EmailContent e = m.compose_email(tmpl, contact, vars, settings, std::nullopt);
    body.set("from",
             e.from_name.empty() ? e.from_address : e.from_name + " <" + e.from_address + ">");
    body.set("to", e.to_address);
    body.set("subject", e.subject);
    body.set("html", e.html);
    body.set("text", e.text);
  } else {
    std::string text = channels::Messenger::compose_text(tmpl, contact, vars);
    body.set("to", contact.phone ? Poco::Dynamic::Var(*contact.phone) : Poco::Dynamic::Var());
    body.set("text", text);
    body.set("bytes", static_cast<std::int64_t>(text.size()));
  }
  return Response::json(200, body);
}

Response get_settings(ApiServices& sv, Request& req) {
  std::string json = sv.db.read(
      [&](soci::session& s) { return sv.settings.get_json(s, req.auth().team_id, "messaging"); });
  Response r;
  r.body = messaging_settings_json(parse_messaging_settings_text(json));
  return r;
}

Response put_settings(ApiServices& sv, Request& req) {
  MessagingSettings settings = parse_messaging_settings(*req.json());
  std::string json = messaging_settings_json(settings);
  sv.db.write(
      [&](soci::session& s) { sv.settings.set_json(s, req.auth().team_id, "messaging", json); });
  Response r;
  r.body = json;
  return r;
}

Poco::JSON::Object suppression_json(const Suppression& row) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("channel", row.channel);
  o.set("reason", row.reason);
  o.set("note", row.note ? Poco::Dynamic::Var(*row.note) : Poco::Dynamic::Var());
  o.set("created_at", format_iso8601(row.created_at));
  return o;
}

Response list_suppressions(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, contact = req.path_id("id");
  auto rows = sv.db.read([&](soci::session& s) {
    sv.contacts.require(s, team, contact);
    return MessagingStore(sv.db.dialect()).suppressions(s, team, contact);
  });
  Poco::JSON::Array items;
  for (const Suppression& row : rows) items.add(suppression_json(row));
  Poco::JSON::Object body;
  body.set("items", items);
  return Response::json(200, body);
}

std::string channel_param(const Request& req) {
  std::string channel = req.path_params.at("channel");
  if (std::find(kSuppressionChannels.begin(), kSuppressionChannels.end(), channel) ==
      kSuppressionChannels.end()) {
    throw Error::validation("channel", "must be email, sms or all");
  }
  return channel;
}

// PUT /v1/contacts/{id}/do-not-contact/{channel} {"reason", "note"?}
Response put_suppression(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, contact = req.path_id("id");
  std::string channel = channel_param(req);
  JsonFields f(req.json());
  std::string reason = f.optional_string("reason", 40).value_or("manual");
  if (std::find(kSuppressionReasons.begin(), kSuppressionReasons.end(), reason) ==
      kSuppressionReasons.end()) {
    throw Error::validation("reason",
                            "must be unsubscribed, bounced, complained, manual or stop_reply");
  }
  auto note = f.optional_string("note", 2000);
  f.reject_unknown();
  bool created = sv.db.write([&](soci::session& s) {
    sv.contacts.require(s, team, contact);
    return MessagingStore(sv.db.dialect()).suppress(s, team, contact, channel, reason, note);
  });
  Suppression row{contact, channel, reason, note, now_ms()};
  return Response::json(created ? 201 : 200, suppression_json(row));
}

Response delete_suppression(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, contact = req.path_id("id");
  std::string channel = channel_param(req);
  bool removed = sv.db.write([&](soci::session& s) {
    sv.contacts.require(s, team, contact);
    return MessagingStore(sv.db.dialect()).unsuppress(s, team, contact, channel);
  });
  if (!removed) {
    throw Error(ErrorCode::kNotFound, "the contact has no do-not-contact entry for " + channel,
                {{"channel", channel}});
  }
  return Response::no_content();
}

// POST /v1/sms/inbound {"from", "text"}: a reply an SMS gateway or provider received.
Response inbound_sms(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  std::string from = normalize_phone("from", f.required_string("from", 40));
  std::string text = f.required_string("text", 1600);
  f.reject_unknown();
  auto r = channels::receive_sms(sv.db, req.auth().team_id, from, text);
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("contact_id", or_null(r.contact_id));
  body.set("keyword", r.keyword == channels::SmsKeyword::kStop    ? Poco::Dynamic::Var("stop")
                      : r.keyword == channels::SmsKeyword::kStart ? Poco::Dynamic::Var("start")
                                                                  : Poco::Dynamic::Var());
  body.set("do_not_contact_changed", r.changed);
  return Response::json(200, body);
}

}  // namespace

void add_messaging_routes(Router& router, ApiServices& sv) {
  add_record_routes(router, sv, sv.crm.templates,
                    {.base = "/v1/templates", .item_param = "id", .write_role = Role::kAdmin});
  router.add(Route::post("/v1/templates/{id}/preview", Role::kViewer, [&sv](Request& r) {
               return preview(sv, r);
             }).json_body());
  router.add(Route::get("/v1/settings/messaging", Role::kViewer,
                        [&sv](Request& r) { return get_settings(sv, r); }));
  router.add(Route::put("/v1/settings/messaging", Role::kAdmin, [&sv](Request& r) {
               return put_settings(sv, r);
             }).json_body());
  router.add(Route::post("/v1/sms/inbound", Role::kAgent, [&sv](Request& r) {
               return inbound_sms(sv, r);
             }).json_body());
  router.add(Route::get("/v1/contacts/{id}/do-not-contact", Role::kViewer,
                        [&sv](Request& r) { return list_suppressions(sv, r); }));
  router.add(
      Route::put("/v1/contacts/{id}/do-not-contact/{channel}", Role::kAgent, [&sv](Request& r) {
        return put_suppression(sv, r);
      }).json_body());
  router.add(Route::del("/v1/contacts/{id}/do-not-contact/{channel}", Role::kAgent,
                        [&sv](Request& r) { return delete_suppression(sv, r); }));
}

}  // namespace sb
