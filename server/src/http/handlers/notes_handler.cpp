// /v1/contacts/{id}/notes: Markdown notes on a contact.
#include <soci/soci.h>

#include "http/http_conditions.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

Response list(ApiServices& sv, Request& req) {
  std::int64_t cid = req.path_id("id");
  auto notes = sv.db.read([&](soci::session& s) {
    sv.contacts.require(s, req.auth().team_id, cid);
    return sv.notes.list(s, req.auth().team_id, cid);
  });
  Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
  for (const auto& n : notes) data->add(note_to_json(n));
  Poco::JSON::Object body;
  body.set("data", data);
  return Response::json(200, body);
}

Response add(ApiServices& sv, Request& req) {
  std::int64_t cid = req.path_id("id");
  JsonFields f(req.json());
  std::string body = f.required_string("body", NoteStore::kMaxBodyBytes);
  bool pinned = f.optional_bool("pinned").value_or(false);
  f.reject_unknown();
  Note n = sv.db.write([&](soci::session& s) {
    sv.contacts.require(s, req.auth().team_id, cid);
    return sv.notes.add(s, req.auth().team_id, cid, body, pinned, req.auth().actor());
  });
  Response r = Response::json(201, note_to_json(n));
  r.headers.emplace_back("Location",
                         "/v1/contacts/" + std::to_string(cid) + "/notes/" + std::to_string(n.id));
  return r;
}

Response get(ApiServices& sv, Request& req) {
  std::int64_t cid = req.path_id("id"), nid = req.path_id("note_id");
  auto n =
      sv.db.read([&](soci::session& s) { return sv.notes.get(s, req.auth().team_id, cid, nid); });
  if (!n) throw Error::not_found("note", nid);
  return Response::json(200, note_to_json(*n));
}

Response edit(ApiServices& sv, Request& req) {
  std::int64_t cid = req.path_id("id"), nid = req.path_id("note_id");
  JsonFields f(req.json());
  auto body = f.optional_string("body", NoteStore::kMaxBodyBytes);
  auto pinned = f.optional_bool("pinned");
  f.reject_unknown();
  const std::string if_match = req.header("If-Match");
  Note n = sv.db.write([&](soci::session& s) {
    auto current = sv.notes.get(s, req.auth().team_id, cid, nid, !if_match.empty());
    if (!current) throw Error::not_found("note", nid);
    require_if_match(if_match, body_etag(to_json(note_to_json(*current))));
    if (body) current->body = *body;
    if (pinned) current->pinned = *pinned;
    return sv.notes.update(s, *current);
  });
  return Response::json(200, note_to_json(n));
}

Response remove(ApiServices& sv, Request& req) {
  std::int64_t cid = req.path_id("id"), nid = req.path_id("note_id");
  const std::string if_match = req.header("If-Match");
  bool removed = sv.db.write([&](soci::session& s) {
    if (!if_match.empty()) {
      auto current = sv.notes.get(s, req.auth().team_id, cid, nid, true);
      if (!current) return false;
      require_if_match(if_match, body_etag(to_json(note_to_json(*current))));
    }
    return sv.notes.remove(s, req.auth().team_id, cid, nid);
  });
  if (!removed) throw Error::not_found("note", nid);
  return Response::no_content();
}

}  // namespace

void add_note_routes(Router& router, ApiServices& sv) {
  auto h = [&sv](Response (*fn)(ApiServices&, Request&)) {
    return [&sv, fn](Request& r) { return fn(sv, r); };
  };
  router.add(Route::get("/v1/contacts/{id}/notes", Role::kViewer, h(list)));
  router.add(Route::post("/v1/contacts/{id}/notes", Role::kAgent, h(add)).json_body());
  router.add(Route::get("/v1/contacts/{id}/notes/{note_id}", Role::kViewer, h(get)));
  // Both compare If-Match under the note's row lock, in their own write.
  router.add(Route::patch("/v1/contacts/{id}/notes/{note_id}", Role::kAgent, h(edit))
                 .json_body()
                 .checks_if_match_itself());
  router.add(Route::del("/v1/contacts/{id}/notes/{note_id}", Role::kAgent, h(remove))
                 .checks_if_match_itself());
}

}  // namespace sb
