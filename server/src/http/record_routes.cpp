// Generic entity routes.
#include "http/record_routes.h"

#include <soci/soci.h>

#include <algorithm>
#include <charconv>
#include <mutex>

#include "http/http_conditions.h"
#include "http/pagination.h"
#include "model/clock.h"
#include "model/error.h"
#include "model/record_rules.h"

namespace sb {
namespace {

[[noreturn]] void bad_filter(const std::string& param, const std::string& message) {
  throw Error(ErrorCode::kInvalidFilter, param + ": " + message, {{"parameter", param}});
}

FieldValue filter_value(const FieldSpec& spec, const std::string& param, const std::string& text) {
  if (text == "null") return std::monostate{};
  switch (spec.type) {
    case FieldType::kInt:
    case FieldType::kRef: {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || end != text.data() + text.size())
        bad_filter(param, "takes integer ids");
      return n;
    }
    case FieldType::kBool:
      if (text == "true") return std::int64_t{1};
      if (text == "false") return std::int64_t{0};
      bad_filter(param, "takes true or false");
    case FieldType::kEnum:
      if (std::find(spec.options.begin(), spec.options.end(), text) == spec.options.end()) {
        std::string all;
        for (auto o : spec.options) all += (all.empty() ? "" : ", ") + std::string(o);
        bad_filter(param, "takes one of: " + all);
      }
      return text;
    default:
      if (text.size() > 253) bad_filter(param, "values are at most 253 bytes");
      if (spec.has(kLowercase)) {
        std::string lower = text;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return lower;
      }
      return text;
  }
}

std::string item_path(const RecordRouteOptions& o) {
  return o.base + "/{" + o.item_param + "}";
}

std::int64_t parent_of(const Request& req, const RecordRouteOptions& o) {
  return o.parent_param.empty() ? 0 : req.path_id(o.parent_param);
}

// If-Match against the record as GET shows it now: its ETag is that of its JSON body
// (the edge's body_etag), read under a row lock so no write slips in between.
void require_current(soci::session& s, const RecordService& records, const Request& req,
                     std::int64_t id, std::int64_t parent, const std::string& if_match) {
  Record current = records.require(s, req.auth().team_id, id, parent, true);
  require_if_match(if_match, body_etag(to_json(records.to_json(s, current))));
}

}  // namespace

namespace {

// "starts_at.gte=2026-03-02T00:00:00Z" on a kRange time field: one bound; nullopt when
// `name` is not <field>.<op>.
std::optional<RecordFilter> range_filter(const EntitySchema& schema, const std::string& name,
                                         const std::string& value) {
  static const std::pair<std::string_view, std::string_view> kOps[] = {
      {"gte", ">="}, {"gt", ">"}, {"lte", "<="}, {"lt", "<"}};
  std::size_t dot = name.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  std::string_view op = std::string_view(name).substr(dot + 1);
  const auto* found =
      std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& o) { return o.first == op; });
  int i = schema.index(name.substr(0, dot));
  if (found == std::end(kOps) || i < 0 || !schema.fields[static_cast<std::size_t>(i)].has(kRange)) {
    bad_filter(name, "is not a filter of " + std::string(schema.plural));
  }
  auto at = parse_iso8601(value);
  if (!at) bad_filter(name, "takes an ISO 8601 date-time, e.g. 2026-03-02T00:00:00Z");
  return RecordFilter{i, {FieldValue{*at}}, found->second};
}

}  // namespace

RecordQuery read_record_query(const Request& request, const EntitySchema& schema,
                              std::initializer_list<std::string_view> also_allowed) {
  PageRequest page = read_page_request(request);
  RecordQuery q;
  q.limit = page.limit + 1;  // one more row says whether there is a next page
  q.after_id = page.after_id;
  for (const auto& [name, value] : request.query) {
    if (name == "limit" || name == "cursor") continue;
    if (std::find(also_allowed.begin(), also_allowed.end(), name) != also_allowed.end()) continue;
    if (name == "order") {
      if (value != "asc" && value != "desc") bad_filter("order", "takes asc or desc");
      q.newest_first = value == "desc";
      continue;
    }
    if (auto range = range_filter(schema, name, value)) {
      q.filters.push_back(std::move(*range));
      continue;
    }
    int i = schema.index(name);
    if (i < 0 || !schema.fields[static_cast<std::size_t>(i)].has(kFilter))
      bad_filter(name, "is not a filter of " + std::string(schema.plural));
    const FieldSpec& spec = schema.fields[static_cast<std::size_t>(i)];
    RecordFilter f{i, {}};
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t comma = value.find(',', start);
      std::string item =
          value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (item.empty()) bad_filter(name, "has an empty value");
      f.any_of.push_back(filter_value(spec, name, item));
      if (f.any_of.size() > 50) bad_filter(name, "takes at most 50 values");
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    q.filters.push_back(std::move(f));
  }
  return q;
}

Response record_page(ApiServices&, soci::session& s, const RecordService& records,
                     std::vector<Record> rows, const RecordQuery& query) {
  return id_page(std::move(rows), query.limit - 1,
                 [&](const Record& r) { return records.to_json(s, r); });
}

namespace {
std::mutex docs_mutex;
std::vector<RecordRouteDoc>& docs() {
  static std::vector<RecordRouteDoc> d;
  return d;
}
// The person whose records alone the caller may touch under `o.personal_field`, if any.
std::optional<std::int64_t> personal_scope(const Request& req, const RecordRouteOptions& o) {
  if (o.personal_field.empty() || !req.auth().user_id || req.auth().role >= Role::kAdmin)
    return std::nullopt;
  return req.auth().user_id;
}

// 404, as for another team's record, when the record is not the caller's own.
void require_own(const Request& req, const RecordRouteOptions& o, const EntitySchema& schema,
                 const Record& r) {
  auto me = personal_scope(req, o);
  if (me && r.int_or(schema, o.personal_field, 0) != *me)
    throw Error::not_found(std::string(schema.name), r.id);
}

// The same before a write: the record is read only when the caller is scoped, so writes by
// keys and admins (every other record route) cost no extra query.
void require_own(soci::session& s, const Request& req, const RecordRouteOptions& o,
                 const RecordService& records, std::int64_t id, std::int64_t parent) {
  if (personal_scope(req, o))
    require_own(req, o, records.schema(), records.require(s, req.auth().team_id, id, parent));
}

}  // namespace

const std::vector<RecordRouteDoc>& record_route_docs() {
  return docs();
}

void add_record_routes(Router& router, ApiServices& sv, const RecordService& records,
                       const RecordRouteOptions& o) {
  const EntitySchema& schema = records.schema();
  {
    std::lock_guard lock(docs_mutex);
    bool known = std::any_of(docs().begin(), docs().end(),
                             [&](const RecordRouteDoc& d) { return d.options.base == o.base; });
    if (!known) docs().push_back({&schema, o});
  }
  router.add(Route::get(o.base, o.read_role, [&sv, &records, &schema, o](Request& req) {
    RecordQuery q = read_record_query(req, schema);
    if (auto me = personal_scope(req, o))
      q.filters.push_back({schema.index(o.personal_field), {FieldValue{*me}}, {}});
    std::int64_t parent = parent_of(req, o);
    return sv.db.read([&](soci::session& s) {
      return record_page(sv, s, records, records.list(s, req.auth().team_id, q, parent), q);
    });
  }));
  router.add(Route::get(item_path(o), o.read_role, [&sv, &records, &schema, o](Request& req) {
    std::int64_t parent = parent_of(req, o), id = req.path_id(o.item_param);
    return sv.db.read([&](soci::session& s) {
      Record r = records.require(s, req.auth().team_id, id, parent);
      require_own(req, o, schema, r);
      return Response::json(200, records.to_json(s, r));
    });
  }));
  if (o.writable) {
    router.add(Route::post(o.base, o.write_role, [&sv, &records, &schema, o](Request& req) {
                 RecordInput input = read_record_input(schema, *req.json(), InputMode::kCreate);
                 std::int64_t parent = parent_of(req, o);
                 return sv.db.write([&](soci::session& s) {
                   Record r =
                       records.create(s, req.auth().team_id, input, parent, {req.auth().actor()});
                   Response resp = Response::json(201, records.to_json(s, r));
                   std::string location = o.base;
                   if (!o.parent_param.empty()) {
                     auto at = location.find("{" + o.parent_param + "}");
                     location.replace(at, o.parent_param.size() + 2, std::to_string(parent));
                   }
                   resp.headers.emplace_back("Location", location + "/" + std::to_string(r.id));
                   return resp;
                 });
               }).json_body());
    router.add(Route::patch(item_path(o), o.write_role,
                            [&sv, &records, &schema, o](Request& req) {
                              RecordInput input =
                                  read_record_input(schema, *req.json(), InputMode::kUpdate);
                              std::int64_t parent = parent_of(req, o),
                                           id = req.path_id(o.item_param);
                              const std::string if_match = req.header("If-Match");
                              return sv.db.write([&](soci::session& s) {
                                require_own(s, req, o, records, id, parent);
                                if (!if_match.empty())
                                  require_current(s, records, req, id, parent, if_match);
                                Record r = records.update(s, req.auth().team_id, id, input, parent,
                                                          {req.auth().actor()});
                                return Response::json(200, records.to_json(s, r));
                              });
                            })
                   .json_body()
                   .checks_if_match_itself());
  }
  if (o.deletable) {
    router.add(Route::del(item_path(o), o.write_role, [&sv, &records, o](Request& req) {
                 std::int64_t parent = parent_of(req, o), id = req.path_id(o.item_param);
                 const std::string if_match = req.header("If-Match");
                 sv.db.write([&](soci::session& s) {
                   require_own(s, req, o, records, id, parent);
                   if (!if_match.empty()) require_current(s, records, req, id, parent, if_match);
                   records.remove(s, req.auth().team_id, id, parent, {req.auth().actor()});
                 });
                 return Response::no_content();
               }).checks_if_match_itself());
  }
}

}  // namespace sb
