// /v1/contacts: CRUD, list and search, stats, duplicates, bulk, merge/unmerge, timeline.
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <ctime>

#include "http/contact_input.h"
#include "http/contact_list_page.h"
#include "http/pagination.h"
#include "http/privacy.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"
#include "store/contact_bulk.h"

namespace sb {
namespace {

Response contact_response(int status, const Contact& c) {
  Response r = Response::json(status, contact_to_json(c));
  r.headers.emplace_back("ETag", "\"" + std::to_string(c.version) + "\"");
  return r;
}

Contact load(ApiServices& sv, const Request& req, std::int64_t id) {
  return sv.db.read(
      [&](soci::session& s) { return sv.contacts.require(s, req.auth().team_id, id); });
}

Response create(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  ContactPatch patch = read_contact_patch(f);
  f.reject_unknown();
  Contact c = sv.db.write([&](soci::session& s) {
    return sv.contacts.create(s, req.auth().team_id, patch, req.auth().actor());
  });
  Response r = contact_response(201, c);
  r.headers.emplace_back("Location", "/v1/contacts/" + std::to_string(c.id));
  return r;
}

Response update(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  std::optional<int> version = read_if_match(req);
  JsonFields f(req.json());
  ContactPatch patch = read_contact_patch(f);
  f.reject_unknown();
  Contact c = sv.db.write([&](soci::session& s) {
    return sv.contacts.update(s, req.auth().team_id, id, patch, version, req.auth().actor());
  });
  return contact_response(200, c);
}

Response remove(ApiServices& sv, Request& req) {
  req.allow_params({"erase", "conversations"});
  std::int64_t id = req.path_id("id");
  bool erase = req.choice_param("erase", {"true", "false"}).value_or("false") == "true";
  auto conversations = req.choice_param("conversations", {"anonymise", "delete"});
  if (conversations && !erase)
    throw Error::validation("conversations", "applies only with erase=true");
  if (erase) return erase_contact(sv, req, id, conversations);
  bool removed = sv.db.write([&](soci::session& s) {
    return sv.contacts.remove(s, req.auth().team_id, id, req.auth().actor());
  });
  if (!removed) throw Error::not_found("contact", id);
  return Response::no_content();
}

EpochMs start_of_month_utc(EpochMs now) {
  std::time_t secs = static_cast<std::time_t>(now / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  tm.tm_mday = 1;
  tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
  return static_cast<EpochMs>(timegm(&tm)) * 1000;
}

// The counts follow the list's filter parameters (the console's stat cards show the
// filtered list's numbers).
Response stats(ApiServices& sv, Request& req) {
  for (const char* paging : {"limit", "cursor", "sort"}) {
    if (req.query_param(paging)) {
      throw Error::validation(paging, "stats take the list's filters, not its paging or order");
    }
  }
  const FilterNode filter = read_list_query(req).filter;
  ContactStats st = sv.db.read([&](soci::session& s) {
    return sv.contacts.stats(s, req.auth().team_id, start_of_month_utc(now_ms()), filter);
  });
  auto counts = [](const std::map<std::string, std::int64_t>& m) {
    Poco::JSON::Object o;
    for (const auto& [k, v] : m) o.set(k, v);
    return o;
  };
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("total", st.total);
  body.set("new_this_month", st.new_this_month);
  body.set("by_platform", counts(st.by_platform));
  body.set("by_intent", counts(st.by_intent));
  body.set("by_status", counts(st.by_status));
  return Response::json(200, body);
}

Response duplicates(ApiServices& sv, Request& req) {
  int limit = read_limit(req);
  auto pairs = sv.db.read(
      [&](soci::session& s) { return sv.contacts.duplicates(s, req.auth().team_id, limit); });
  Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
  for (const auto& p : pairs) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("contact_ids", Poco::JSON::Array::Ptr([&] {
            Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
            a->add(p.a);
            a->add(p.b);
            return a;
          }()));
    o.set("reason", p.reason);
    o.set("value", p.value);
    data->add(o);
  }
  Poco::JSON::Object body;
  body.set("data", data);
  return Response::json(200, body);
}

Response bulk(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  BulkAction action;
  std::optional<std::vector<std::int64_t>> ids = f.optional_id_array("ids", kBulkMaxIds);
  std::optional<FilterNode> filter;
  if (auto o = f.optional_object("filter")) filter = parse_filter_json(*o);
  if (ids.has_value() == filter.has_value())
    throw Error::validation("ids", "give exactly one of ids or filter");
  if (auto set = f.optional_object("set")) {
    JsonFields s(*set);
    s.read("status", action.set.status, 64);
    s.read("purchase_intent", action.set.purchase_intent, 32);
    s.read("owner_id", action.set.owner_id);
    s.read("stage", action.set.stage, contact_limits::kMaxTextBytes);
    s.reject_unknown_as("set", "bulk can set status, purchase_intent, owner_id and stage");
  }
  action.add_tags = f.string_array("add_tags", contact_limits::kMaxListItems);
  action.remove_tags = f.string_array("remove_tags", contact_limits::kMaxListItems);
  f.reject_unknown();
  if (!action.set.status.present && !action.set.purchase_intent.present &&
      !action.set.owner_id.present && !action.set.stage.present && action.add_tags.empty() &&
      action.remove_tags.empty()) {
    throw Error::validation("set", "nothing to do: give set, add_tags or remove_tags");
  }
  BulkResult result =
      run_bulk(sv.db, sv.contacts, req.auth().team_id, action, ids ? &*ids : nullptr,
               filter ? &*filter : nullptr, req.auth().actor());
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("matched", result.matched);
  body.set("updated", result.updated);
  body.set("unchanged", result.unchanged);
  Poco::JSON::Array::Ptr failed = new Poco::JSON::Array;
  for (const auto& fl : result.failed) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("id", fl.id);
    o.set("code", fl.code);
    o.set("message", fl.message);
    failed->add(o);
  }
  body.set("failed", failed);
  return Response::json(200, body);
}

Response merge(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  JsonFields f(req.json());
  auto dup = f.optional_int("duplicate_id", 1, std::numeric_limits<std::int64_t>::max());
  if (!dup) throw Error::validation("duplicate_id", "is required");
  bool force = f.optional_bool("force").value_or(false);
  f.reject_unknown();
  MergeResult m = sv.db.write([&](soci::session& s) {
    return sv.merger.merge(s, req.auth().team_id, id, *dup, force, req.auth().actor());
  });
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("merge_id", m.merge_id);
  body.set("duplicate_id", m.duplicate_id);
  body.set("filled", string_array(m.filled));
  body.set("contact", contact_to_json(m.survivor));
  return Response::json(200, body);
}

Response unmerge(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  std::int64_t merge_id = 0;
  if (!req.body.empty()) {
    JsonFields f(req.json());
    merge_id = f.optional_int("merge_id", 1, std::numeric_limits<std::int64_t>::max()).value_or(0);
    f.reject_unknown();
  }
  UnmergeResult u = sv.db.write([&](soci::session& s) {
    return sv.merger.unmerge(s, req.auth().team_id, id, merge_id, req.auth().actor());
  });
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("contact", contact_to_json(u.survivor));
  body.set("restored", contact_to_json(u.restored));
  return Response::json(200, body);
}

Response timeline(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  PageRequest page = read_page_request(req);
  auto entries = sv.db.read([&](soci::session& s) {
    sv.contacts.require(s, req.auth().team_id, id);
    return sv.contacts.timeline().list(s, req.auth().team_id, id, page.after_id, page.limit + 1);
  });
  return id_page(std::move(entries), page.limit, [](const TimelineEntry& e) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("id", e.id);
    o.set("kind", e.kind);
    Poco::JSON::Parser parser;
    o.set("data", parser.parse(e.data_json));
    set_actor(o, "actor", e.actor);
    o.set("created_at", format_iso8601(e.created_at));
    return o;
  });
}

}  // namespace

void add_contact_routes(Router& router, ApiServices& sv) {
  auto h = [&sv](Response (*fn)(ApiServices&, Request&)) {
    return [&sv, fn](Request& r) { return fn(sv, r); };
  };
  router.add(Route::get("/v1/contacts", Role::kViewer, [&sv](Request& r) {
    return contact_list_page(sv, r.auth().team_id, read_list_query(r));
  }));
  router.add(Route::post("/v1/contacts", Role::kAgent, h(create)).json_body());
  router.add(Route::post("/v1/contacts/search", Role::kViewer, [&sv](Request& r) {
               return contact_list_page(sv, r.auth().team_id, read_list_body(r));
             }).json_body());
  router.add(Route::get("/v1/contacts/stats", Role::kViewer, h(stats)));
  router.add(Route::get("/v1/contacts/duplicates", Role::kViewer, h(duplicates)));
  router.add(Route::post("/v1/contacts/bulk", Role::kAdmin, h(bulk)).json_body());
  router.add(Route::get("/v1/contacts/{id}", Role::kViewer, [&sv](Request& r) {
               return contact_response(200, load(sv, r, r.path_id("id")));
             }).reads_personal_data());
  router.add(Route::patch("/v1/contacts/{id}", Role::kAgent, h(update))
                 .json_body()
                 .checks_if_match_itself());
  router.add(Route::del("/v1/contacts/{id}", Role::kAdmin, h(remove)));
  router.add(Route::post("/v1/contacts/{id}/merge", Role::kAgent, h(merge)).json_body());
  router.add(Route::post("/v1/contacts/{id}/unmerge", Role::kAgent, h(unmerge)).json_body());
  router.add(Route::get("/v1/contacts/{id}/timeline", Role::kViewer, h(timeline)));
}

}  // namespace sb
