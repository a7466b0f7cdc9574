// /v1/events and /v1/dead-letters: what the event bus did, and replaying what it gave up on.
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include "http/pagination.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"

namespace sb {
namespace {

Poco::JSON::Object event_json(const StoredEvent& e) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", e.id);
  o.set("type", e.type);
  o.set("subject_type",
        e.subject_type.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(e.subject_type));
  o.set("subject_id", or_null(e.subject_id));
  Poco::JSON::Parser parser;
  o.set("payload", parser.parse(e.payload_json));
  o.set("status", e.status);
  o.set("attempts", e.attempts);
  o.set("available_at", format_iso8601(e.available_at));
  o.set("created_at", format_iso8601(e.created_at));
  o.set("last_error",
        e.last_error.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(e.last_error));
  return o;
}

Response list_events(ApiServices& sv, Request& req, std::optional<std::string> forced_status) {
  PageRequest page{read_limit(req), 0};
  if (auto cursor = req.query_param("cursor")) page = read_page_request(req);
  EventFilter f;
  f.type = req.query_param("type");
  f.status =
      forced_status ? forced_status : req.choice_param("status", {"pending", "done", "dead"});
  f.subject_type = req.query_param("subject_type");
  if (auto sid = req.int_param("subject_id")) f.subject_id = *sid;
  req.allow_params({"type", "status", "subject_type", "subject_id", "limit", "cursor"});
  auto rows = sv.db.read([&](soci::session& s) {
    return sv.queue.list(s, req.auth().team_id, f, page.after_id, page.limit + 1);
  });
  return id_page(std::move(rows), page.limit, event_json);
}

Response get_event(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  auto [event, deliveries] = sv.db.read([&](soci::session& s) {
    return std::make_pair(sv.queue.get(s, req.auth().team_id, id),
                          sv.queue.deliveries(s, req.auth().team_id, id));
  });
  if (!event) throw Error::not_found("event", id);
  Poco::JSON::Object body = event_json(*event);
  Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
  for (const auto& d : deliveries) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("subscriber", d.subscriber);
    o.set("status", d.status);
    o.set("attempts", d.attempts);
    o.set("last_error",
          d.last_error.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(d.last_error));
    o.set("duration_us", d.duration_us);
    o.set("updated_at", format_iso8601(d.updated_at));
    list->add(o);
  }
  body.set("deliveries", list);
  return Response::json(200, body);
}

Response replay(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  bool replayed =
      sv.db.write([&](soci::session& s) { return sv.queue.replay(s, req.auth().team_id, id); });
  if (!replayed) throw Error(ErrorCode::kNotFound, "no dead event with this id", {{"id", id}});
  auto event =
      sv.db.read([&](soci::session& s) { return sv.queue.get(s, req.auth().team_id, id); });
  return Response::json(202, event_json(*event));
}

}  // namespace

void add_event_routes(Router& router, ApiServices& sv) {
  router.add(Route::get("/v1/events", Role::kAdmin,
                        [&sv](Request& r) { return list_events(sv, r, std::nullopt); }));
  router.add(
      Route::get("/v1/events/{id}", Role::kAdmin, [&sv](Request& r) { return get_event(sv, r); }));
  router.add(Route::get("/v1/dead-letters", Role::kAdmin,
                        [&sv](Request& r) { return list_events(sv, r, "dead"); }));
  router.add(Route::post("/v1/dead-letters/{id}/replay", Role::kAdmin,
                         [&sv](Request& r) { return replay(sv, r); }));
}

}  // namespace sb
