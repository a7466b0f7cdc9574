// /v1/conversations (read-only: capture writes them), their transcripts, an explicit
// close, a contact's conversations, and the team's capture settings.
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include "http/pagination.h"
#include "http/record_routes.h"
#include "http/routes.h"
#include "model/capture_settings.h"
#include "model/contact_json.h"
#include "model/conversation_json.h"
#include "model/crm_schemas.h"
#include "model/json_body.h"

namespace sb {
namespace {

Response transcript(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  req.allow_params({"limit", "cursor", "order"});
  PageRequest page = read_page_request(req);
  const bool newest_first = req.choice_param("order", {"asc", "desc"}).value_or("asc") == "desc";
  auto rows = sv.db.read([&](soci::session& s) {
    sv.crm.conversations.require(s, req.auth().team_id, id);
    return sv.ingestor.conversations().transcript(s, req.auth().team_id, id, page.after_id,
                                                  page.limit + 1, newest_first);
  });
  return id_page(std::move(rows), page.limit, message_to_json);
}

Response close(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  return sv.db.write([&](soci::session& s) {
    sv.closer.close(s, req.auth().team_id, id, "closed", req.auth().actor());
    Record r = sv.crm.conversations.require(s, req.auth().team_id, id);
    return Response::json(200, sv.crm.conversations.to_json(s, r));
  });
}

Response contact_conversations(ApiServices& sv, Request& req) {
  std::int64_t contact = req.path_id("id");
  const auto& schema = crm::conversation();
  RecordQuery q = read_record_query(req, schema);
  if (!req.query_param("order")) q.newest_first = true;
  q.filters.push_back({schema.index("contact_id"), {contact}});
  return sv.db.read([&](soci::session& s) {
    sv.contacts.require(s, req.auth().team_id, contact);
    return record_page(sv, s, sv.crm.conversations,
                       sv.crm.conversations.list(s, req.auth().team_id, q), q);
  });
}

CaptureSettings stored_settings(ApiServices& sv, soci::session& s, std::int64_t team) {
  std::string json = sv.settings.get_json(s, team, "capture");
  if (json.empty()) return CaptureSettings::defaults();
  return CaptureSettings::from_json(
      Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>());
}

Response get_settings(ApiServices& sv, Request& req) {
  CaptureSettings settings =
      sv.db.read([&](soci::session& s) { return stored_settings(sv, s, req.auth().team_id); });
  return Response::json(200, settings.to_json());
}

// PUT replaces the keys it names; the others keep their stored or default values.
Response put_settings(ApiServices& sv, Request& req) {
  auto input = req.json();
  CaptureSettings::from_json(input);  // 422 naming the field before anything is written
  CaptureSettings saved = sv.db.write([&](soci::session& s) {
    std::string json = sv.settings.get_json(s, req.auth().team_id, "capture");
    Poco::JSON::Object::Ptr merged =
        json.empty() ? Poco::JSON::Object::Ptr(new Poco::JSON::Object)
                     : Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    for (const auto& [k, v] : *input) merged->set(k, v);
    CaptureSettings settings = CaptureSettings::from_json(merged);
    sv.settings.set_json(s, req.auth().team_id, "capture", json_text(*merged));
    return settings;
  });
  return Response::json(200, saved.to_json());
}

}  // namespace

void add_conversation_routes(Router& router, ApiServices& sv) {
  add_record_routes(
      router, sv, sv.crm.conversations,
      {.base = "/v1/conversations", .item_param = "id", .writable = false, .deletable = false});
  router.add(Route::get("/v1/conversations/{id}/messages", Role::kViewer,
                        [&sv](Request& r) { return transcript(sv, r); }));
  router.add(Route::post("/v1/conversations/{id}/close", Role::kAgent,
                         [&sv](Request& r) { return close(sv, r); }));
  router.add(Route::get("/v1/contacts/{id}/conversations", Role::kViewer,
                        [&sv](Request& r) { return contact_conversations(sv, r); }));
  router.add(Route::get("/v1/settings/capture", Role::kViewer,
                        [&sv](Request& r) { return get_settings(sv, r); }));
  router.add(Route::put("/v1/settings/capture", Role::kAdmin, [&sv](Request& r) {
               return put_settings(sv, r);
             }).json_body());
}

}  // namespace sb
