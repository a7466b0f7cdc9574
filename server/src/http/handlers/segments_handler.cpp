// /v1/segments: CRUD (record routes), a segment's contacts and count evaluated live, its
// history of entries and exits, a preview of an unsaved rule, and /v1/contacts/{id}/segments.
#include <soci/soci.h>

#include "http/contact_list_page.h"
#include "http/pagination.h"
#include "http/record_routes.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"
#include "store/segment_store.h"

namespace sb {
namespace {

FilterNode segment_condition(std::int64_t id) {
  FilterNode n;
  n.kind = FilterNode::Kind::kCondition;
  n.field = "segment";
  n.op = "eq";
  n.values.emplace_back(std::in_place_index<1>, static_cast<double>(id));  // the double
  return n;
}

FilterNode both(FilterNode a, FilterNode b) {
  FilterNode n;
  n.kind = FilterNode::Kind::kAll;
  n.children.push_back(std::move(a));
  n.children.push_back(std::move(b));
  return n;
}

// 404 unless the team has the segment (another team's id is simply not found).
SegmentInfo require_segment(ApiServices& sv, soci::session& s, std::int64_t team, std::int64_t id) {
  auto seg = SegmentStore(sv.db.dialect()).get(s, team, id);
  if (!seg) throw Error::not_found("segment", id);
  return *seg;
}

Poco::JSON::Object segment_ref(const SegmentInfo& seg) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", seg.id);
  o.set("name", seg.name);
  o.set("builtin", seg.builtin ? Poco::Dynamic::Var(*seg.builtin) : Poco::Dynamic::Var());
  return o;
}

// GET /v1/segments/{id}/contacts: the contacts list (sort, cursor, limit, extra filters)
// restricted to the segment.
Response contacts(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  sv.db.read([&](soci::session& s) { require_segment(sv, s, team, id); });
  ContactListParams params = read_list_query(req);
  params.filter = both(segment_condition(id), std::move(params.filter));
  return contact_list_page(sv, team, params);
}

Response count(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  sv.db.read([&](soci::session& s) {
    require_segment(sv, s, team, id);
    body.set("segment_id", id);
    body.set("count", sv.contacts.count(s, team, segment_condition(id)));
  });
  return Response::json(200, body);
}

// POST /v1/segments/preview {"rule": {...}, "limit": 10}: count and first contacts of a
// rule not saved yet, checked exactly as a saved one would be.
Response preview(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  auto rule_json = f.optional_object("rule");
  auto limit = f.optional_int("limit", 1, 100).value_or(10);
  f.reject_unknown();
  if (!rule_json) throw Error::validation("rule", "is required");
  FilterNode rule = parse_filter_json(*rule_json);
  const std::int64_t team = req.auth().team_id;
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  sv.db.read([&](soci::session& s) {
    FilterNode expanded = SegmentStore(sv.db.dialect()).expand(s, team, rule);
    body.set("count", sv.contacts.count(s, team, expanded));
    ContactPage page =
        sv.contacts.list(s, team, expanded, ContactSort{}, std::nullopt, static_cast<int>(limit));
    Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
    for (const Contact& c : page.contacts) data->add(contact_to_json(c));
    body.set("data", data);
  });
  return Response::json(200, body);
}

Response of_contact(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
  sv.db.read([&](soci::session& s) {
    sv.contacts.require(s, team, id);
    for (const SegmentInfo& seg : SegmentStore(sv.db.dialect()).of_contact(s, team, id)) {
      data->add(segment_ref(seg));
    }
  });
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("data", data);
  return Response::json(200, body);
}

// GET /v1/segments/{id}/history: who entered and left, newest first (cursor: older).
Response history(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  PageRequest page{read_limit(req), 0};
  if (req.query_param("cursor")) page = read_page_request(req);
  SegmentStore store(sv.db.dialect());
  auto rows = sv.db.read([&](soci::session& s) {
    require_segment(sv, s, team, id);
    return store.history(s, team, id, page.after_id, page.limit + 1);
  });
  return id_page(std::move(rows), page.limit, [](const SegmentChange& c) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("id", c.id);
    o.set("contact_id", c.contact_id);
    o.set("change", std::string(c.entered ? "entered" : "exited"));
    o.set("at", format_iso8601(c.at));
    return o;
  });
}

}  // namespace

void add_segment_routes(Router& router, ApiServices& sv) {
  auto h = [&sv](Response (*fn)(ApiServices&, Request&)) {
    return [&sv, fn](Request& r) { return fn(sv, r); };
  };
  // Before the record routes: "preview" is not an {id}.
  router.add(Route::post("/v1/segments/preview", Role::kViewer, h(preview)).json_body());
  add_record_routes(router, sv, sv.crm.segments,
                    {.base = "/v1/segments",
                     .item_param = "id",
                     .read_role = Role::kViewer,
                     .write_role = Role::kAdmin});
  router.add(Route::get("/v1/segments/{id}/contacts", Role::kViewer, h(contacts)));
  router.add(Route::get("/v1/segments/{id}/count", Role::kViewer, h(count)));
  router.add(Route::get("/v1/segments/{id}/history", Role::kViewer, h(history)));
  router.add(Route::get("/v1/contacts/{id}/segments", Role::kViewer, h(of_contact)));
}

}  // namespace sb
