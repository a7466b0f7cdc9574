// /v1/workflows: Lua workflows over REST (create, update = new version, enable, disable,
// delete), their versions and run log. Sources are compiled before they are stored.
#include <soci/soci.h>

#include <Poco/JSON/Parser.h>

#include <limits>

#include "http/pagination.h"
#include "http/record_routes.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"
#include "store/workflow_store.h"
#include "workflows/workflow_registry.h"
#include "workflows/workflow_tester.h"

namespace sb {
namespace {

constexpr std::size_t kMaxSourceBytes = 256 * 1024;

wf::WorkflowRegistry& registry(ApiServices& sv) {
  if (!sv.workflows) throw Error(ErrorCode::kUnavailable, "workflows are not enabled here");
  return *sv.workflows;
}

std::string check_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 100;
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  }
  if (!ok) throw Error::validation("name", "1..100 characters of a-z, 0-9, _ and -");
  return name;
}

const char* kind_name(wf::HandlerKind k) {
  switch (k) {
    case wf::HandlerKind::kOn:
      return "on";
    case wf::HandlerKind::kEvery:
      return "every";
    case wf::HandlerKind::kBefore:
      return "before";
  }
  return "on";
}

Poco::JSON::Object workflow_json(ApiServices& sv, const WorkflowRow& r) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", r.id);
  o.set("name", r.name);
  o.set("description",
        r.description.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(r.description));
  o.set("origin", r.origin);
  o.set("enabled", r.enabled);
  o.set("version", r.version);
  wf::WorkflowDef def;
  def.team_id = r.team_id;
  def.id = r.id;
  def.name = r.name;
  def.version = r.version;
  def.source = r.source;
  std::string load_error;
  try {
    registry(sv).check(def);
  } catch (const Error& e) {
    load_error = e.what();
  }
  Poco::JSON::Array::Ptr handlers = new Poco::JSON::Array;
  for (const auto& h : def.handlers) {
    Poco::JSON::Object ho(Poco::JSON_PRESERVE_KEY_ORDER);
    ho.set("kind", std::string(kind_name(h.kind)));
    ho.set("pattern", h.pattern);
    ho.set("filter", h.has_filter);
    handlers->add(ho);
  }
  o.set("handlers", handlers);
  o.set("retries", def.retries >= 0 ? Poco::Dynamic::Var(def.retries) : Poco::Dynamic::Var());
  std::string err = r.last_error.empty() ? load_error : r.last_error;
  o.set("last_error", err.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(err));
  o.set("source", r.source);
  o.set("created_at", format_iso8601(r.created_at));
  o.set("updated_at", format_iso8601(r.updated_at));
  return o;
}

// Compiles and lints a source without storing it: what the editor shows at its lines.
Response check(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  wf::WorkflowDef def;
  def.team_id = req.auth().team_id;
  def.name = f.optional_string("name", 100).value_or("workflow");
  def.source = f.required_string("source", kMaxSourceBytes);
  f.reject_unknown();
  wf::LintResult lint = registry(sv).lint(def);
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("ok", lint.loads && lint.problems.empty());
  out.set("loads", lint.loads);
  Poco::JSON::Array::Ptr problems = new Poco::JSON::Array;
  for (const auto& p : lint.problems) {
    Poco::JSON::Object po(Poco::JSON_PRESERVE_KEY_ORDER);
    po.set("line", p.line);
    po.set("message", p.message);
    problems->add(po);
  }
  out.set("problems", problems);
  Poco::JSON::Array::Ptr handlers = new Poco::JSON::Array;
  for (const auto& h : def.handlers) handlers->add(wf::handler_label(h));
  out.set("handlers", handlers);
  return Response::json(200, out);
}

// The event: {type, contact_id?, payload?}; what a handler receives as `e`.
void read_test_event(JsonFields& body, wf::TestRun& run) {
  auto event = body.optional_object("event");
  if (!event) throw Error::validation("event", "is required: {type, contact_id?, payload?}");
  JsonFields f(*event);
  run.event_type = f.required_string("type", 200);
  run.contact_id = f.optional_int("contact_id", 1, std::numeric_limits<std::int64_t>::max());
  if (auto payload = f.optional_object("payload")) run.payload = *payload;
  f.reject_unknown_as("event", "unknown field (type, contact_id, payload)");
}

// Fixtures: [{resource, items: [REST body...]}], loaded in order on the scratch server.
constexpr std::size_t kMaxFixtureItems = 1000;

void read_test_fixtures(const Poco::JSON::Object::Ptr& body, wf::TestRun& run) {
  if (!body->has("fixtures")) return;
  Poco::Dynamic::Var v = body->get("fixtures");
  if (!v.isArray()) throw Error::validation("fixtures", "must be an array of {resource, items}");
  auto sets = v.extract<Poco::JSON::Array::Ptr>();
  std::size_t total = 0;
  for (std::size_t i = 0; i < sets->size(); ++i) {
    std::string label = "fixtures[" + std::to_string(i) + "]";
    auto set = sets->getObject(static_cast<unsigned>(i));
    if (!set) throw Error::validation(label, "must be an object {resource, items}");
    JsonFields f(set);
    wf::TestFixture fixture{.label = label, .resource = f.required_string("resource", 40)};
    f.allow({"items"});
    f.reject_unknown_as(label, "unknown field (resource, items)");
    Poco::Dynamic::Var items = set->get("items");
    if (!items.isArray()) throw Error::validation(label + ".items", "must be an array of bodies");
    fixture.items = items.extract<Poco::JSON::Array::Ptr>();
    total += fixture.items->size();
    if (total > kMaxFixtureItems) {
      throw Error::validation("fixtures",
                              "at most " + std::to_string(kMaxFixtureItems) + " items in all");
    }
    run.fixtures.push_back(std::move(fixture));
  }
}

// Runs a source against a sample event on a scratch server: the team's data is never read
// or written, and nothing is sent (no workers, no mail).
Response test_run(ApiServices& sv, Request& req) {
  if (!sv.workflow_tester) {
    throw Error(ErrorCode::kUnavailable, "workflow test runs are not available here");
  }
  Poco::JSON::Object::Ptr body = req.json();
  JsonFields f(body);
  wf::TestRun run;
  run.name = check_name(f.optional_string("name", 100).value_or("workflow"));
  run.source = f.required_string("source", kMaxSourceBytes);
  read_test_event(f, run);
  f.allow({"fixtures"});
  f.reject_unknown();
  read_test_fixtures(body, run);
  wf::TestReport report = sv.workflow_tester->run(run);
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("ok", report.ok);
  out.set("runs", report.runs);
  return Response::json(200, out);
}

WorkflowRow require(ApiServices& sv, soci::session& s, WorkflowStore& store, std::int64_t team,
                    std::int64_t id) {
  auto r = store.get(s, team, id);
  if (!r) throw Error::not_found("workflow", id);
  return *r;
}

void compile(ApiServices& sv, std::int64_t team, const std::string& name,
             const std::string& source) {
  wf::WorkflowDef def;
  def.team_id = team;
  def.name = name;
  def.source = source;
  registry(sv).check(def);
}

Response list(ApiServices& sv, Request& req) {
  WorkflowStore store(sv.db.dialect());
  auto rows = sv.db.read([&](soci::session& s) { return store.list(s, req.auth().team_id); });
  Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
  for (const auto& r : rows) data->add(workflow_json(sv, r));
  Poco::JSON::Object body;
  body.set("data", data);
  body.set("next_cursor", Poco::Dynamic::Var());
  return Response::json(200, body);
}

Response create(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  WorkflowRow r;
  r.team_id = req.auth().team_id;
  r.name = check_name(f.required_string("name", 100));
  r.description = f.optional_string("description", 2000).value_or("");
  r.source = f.required_string("source", kMaxSourceBytes);
  r.enabled = f.optional_bool("enabled").value_or(true);
  f.reject_unknown();
  compile(sv, r.team_id, r.name, r.source);
  WorkflowStore store(sv.db.dialect());
  sv.db.write([&](soci::session& s) { store.create(s, r); });
  registry(sv).refresh(true);
  return Response::json(201, workflow_json(sv, r));
}

Response get(ApiServices& sv, Request& req) {
  WorkflowStore store(sv.db.dialect());
  auto r = sv.db.read([&](soci::session& s) {
    return require(sv, s, store, req.auth().team_id, req.path_id("id"));
  });
  return Response::json(200, workflow_json(sv, r));
}

Response patch(ApiServices& sv, Request& req, std::optional<bool> force_enabled) {
  std::optional<std::string> name, description, source;
  std::optional<bool> enabled = force_enabled;
  if (!force_enabled) {
    JsonFields f(req.json());
    name = f.optional_string("name", 100);
    description = f.optional_string("description", 2000);
    source = f.optional_string("source", kMaxSourceBytes);
    enabled = f.optional_bool("enabled");
    f.reject_unknown();
  }
  WorkflowStore store(sv.db.dialect());
  std::int64_t team = req.auth().team_id, id = req.path_id("id");
  auto current = sv.db.read([&](soci::session& s) { return require(sv, s, store, team, id); });
  if (current.origin == "file" && (name || description || source)) {
    throw Error(ErrorCode::kConflict,
                "this workflow comes from the workflows directory: edit the file, or only "
                "enable/disable it here",
                {{"field", std::string(name          ? "name"
                                       : description ? "description"
                                                     : "source")}});
  }
  if (name) check_name(*name);
  if (source) compile(sv, team, name.value_or(current.name), *source);
  WorkflowRow r = sv.db.write([&](soci::session& s) {
    WorkflowRow row = require(sv, s, store, team, id);
    bool source_changed = source && *source != row.source;
    if (name) row.name = *name;
    if (description) row.description = *description;
    if (source) row.source = *source;
    if (enabled) row.enabled = *enabled;
    if (source_changed) row.last_error.clear();
    store.update(s, row, source_changed);
    return row;
  });
  registry(sv).refresh(true);
  return Response::json(200, workflow_json(sv, r));
}

Response remove(ApiServices& sv, Request& req) {
  WorkflowStore store(sv.db.dialect());
  std::int64_t team = req.auth().team_id, id = req.path_id("id");
  sv.db.write([&](soci::session& s) {
    WorkflowRow row = require(sv, s, store, team, id);
    if (row.origin == "file") {
      throw Error(ErrorCode::kConflict,
                  "this workflow comes from the workflows directory: remove the file, or disable "
                  "it here");
    }
    store.remove(s, team, id);
  });
  registry(sv).refresh(true);
  return Response::no_content();
}

Response runs(ApiServices& sv, Request& req) {
  PageRequest page{read_limit(req), 0};
  if (req.query_param("cursor")) page = read_page_request(req);
  WorkflowStore store(sv.db.dialect());
  std::int64_t team = req.auth().team_id, id = req.path_id("id");
  auto rows = sv.db.read([&](soci::session& s) {
    require(sv, s, store, team, id);
    return store.runs(s, team, id, page.after_id, page.limit + 1);
  });
  return id_page(std::move(rows), page.limit, [](const WorkflowRun& r) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("id", r.id);
    o.set("workflow_version", r.workflow_version);
    o.set("event_id", or_null(r.event_id));
    o.set("event_type", r.event_type);
    o.set("handler", r.handler);
    o.set("outcome", r.outcome);
    o.set("duration_us", r.duration_us);
    Poco::JSON::Parser parser;
    o.set("actions", parser.parse(r.actions_json));
    o.set("log", r.log.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(r.log));
    o.set("error", r.error.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(r.error));
    o.set("created_at", format_iso8601(r.created_at));
    return o;
  });
}

Response version(ApiServices& sv, Request& req) {
  WorkflowStore store(sv.db.dialect());
  std::int64_t team = req.auth().team_id, id = req.path_id("id");
  std::int64_t v = req.path_id("version");
  auto source = sv.db.read([&](soci::session& s) {
    require(sv, s, store, team, id);
    return store.version_source(s, team, id, static_cast<int>(v));
  });
  if (!source) throw Error::not_found("workflow version", v);
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("workflow_id", id);
  o.set("version", v);
  o.set("source", *source);
  return Response::json(200, o);
}

}  // namespace

void add_workflow_routes(Router& router, ApiServices& sv) {
  auto h = [&sv](Response (*fn)(ApiServices&, Request&)) {
    return [&sv, fn](Request& r) { return fn(sv, r); };
  };
  router.add(Route::get("/v1/workflows", Role::kAdmin, h(list)));
  router.add(Route::post("/v1/workflows", Role::kAdmin, h(create)).json_body());
  router.add(Route::get("/v1/workflows/{id}", Role::kAdmin, h(get)));
  router.add(Route::patch("/v1/workflows/{id}", Role::kAdmin, [&sv](Request& r) {
               return patch(sv, r, std::nullopt);
             }).json_body());
  router.add(Route::del("/v1/workflows/{id}", Role::kAdmin, h(remove)));
  router.add(Route::post("/v1/workflows/{id}/enable", Role::kAdmin,
                         [&sv](Request& r) { return patch(sv, r, true); }));
  router.add(Route::post("/v1/workflows/{id}/disable", Role::kAdmin,
                         [&sv](Request& r) { return patch(sv, r, false); }));
  router.add(Route::get("/v1/workflows/{id}/runs", Role::kAdmin, h(runs)));
  router.add(Route::post("/v1/workflows/check", Role::kAdmin, h(check)).json_body());
  router.add(Route::post("/v1/workflows/test", Role::kAdmin, h(test_run)).json_body());
  router.add(Route::get("/v1/workflows/{id}/versions/{version}", Role::kAdmin, h(version)));
  // What workflows act on and produce: user groups (assignment), staff notifications, and
  // the outbox of messages queued for the channel layer.
  add_record_routes(router, sv, sv.crm.groups,
                    {.base = "/v1/groups",
                     .item_param = "id",
                     .read_role = Role::kAgent,
                     .write_role = Role::kAdmin});
  add_record_routes(router, sv, sv.crm.notifications,
                    {.base = "/v1/notifications",
                     .item_param = "id",
                     .read_role = Role::kAgent,
                     .write_role = Role::kAgent,
                     .personal_field = "user_id"});
  add_record_routes(router, sv, sv.crm.outbox,
                    {.base = "/v1/outbox",
                     .item_param = "id",
                     .read_role = Role::kAdmin,
                     .write_role = Role::kAdmin,
                     .writable = false,
                     .deletable = false});
}

}  // namespace sb
