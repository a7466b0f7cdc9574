// /v1/api-keys: list, issue, show and revoke the team's API keys (admin and above).
#include <soci/soci.h>

#include "http/pagination.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

Poco::JSON::Object key_json(const ApiKey& key) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", key.id);
  o.set("name", key.name);
  o.set("role", std::string(role_name(key.role)));
  o.set("prefix", key.prefix);
  o.set("agent_id", key.agent_id ? Poco::Dynamic::Var(*key.agent_id) : Poco::Dynamic::Var());
  o.set("created_at", format_iso8601(key.created_at));
  o.set("revoked_at", time_or_null(key.revoked_at));
  return o;
}

void require_not_above_caller(const Principal& caller, Role role, std::string_view action) {
  if (!role_at_least(caller.role, role)) {
    throw Error(ErrorCode::kForbidden,
                "a " + std::string(role_name(caller.role)) + " key cannot " + std::string(action) +
                    " a key with the " + std::string(role_name(role)) + " role",
                {{"role", std::string(role_name(role))}});
  }
}

Response list_keys(ApiServices& services, Request& request) {
  PageRequest page = read_page_request(request);
  auto keys = services.db.read([&](soci::session& s) {
    return services.keys.list(s, request.auth().team_id, page.after_id, page.limit + 1);
  });
  return id_page(std::move(keys), page.limit, key_json);
}

Response create_key(ApiServices& services, Request& request) {
  JsonFields fields(request.json());
  std::string name = fields.required_string("name", 100);
  std::string role_str = fields.required_enum("role", {"owner", "admin", "agent", "viewer"});
  fields.reject_unknown();
  Role role = *parse_role(role_str);
  require_not_above_caller(request.auth(), role, "create");
  IssuedKey issued = services.db.write(
      [&](soci::session& s) { return services.keys.issue(s, request.auth().team_id, name, role); });
  Poco::JSON::Object body = key_json(issued.key);
  body.set("key", issued.secret);  // shown once; only the hash is stored
  Response r = Response::json(201, body);
  r.headers.emplace_back("Location", "/v1/api-keys/" + std::to_string(issued.key.id));
  return r;
}

// An ingest key for one chatbot: role agent-bot, usable only under /v1/agents/{its id}/.
Response create_agent_key(ApiServices& services, Request& request) {
  std::int64_t agent_id = request.path_id("id");
  std::optional<std::string> name;
  if (!request.body.empty()) {
    JsonFields fields(request.json());
    name = fields.optional_string("name", 100);
    fields.reject_unknown();
  }
  IssuedKey issued = services.db.write([&](soci::session& s) {
    Record agent = services.crm.agents.require(s, request.auth().team_id, agent_id);
    std::string label =
        name.value_or(agent.text_or(services.crm.agents.schema(), "name", "agent") + " ingest key");
    return services.keys.issue(s, request.auth().team_id, label, Role::kAgentBot, std::nullopt,
                               agent_id);
  });
  Poco::JSON::Object body = key_json(issued.key);
  body.set("key", issued.secret);  // shown once; only the hash is stored
  Response r = Response::json(201, body);
  r.headers.emplace_back("Location", "/v1/api-keys/" + std::to_string(issued.key.id));
  return r;
}

Response get_key(ApiServices& services, Request& request) {
  std::int64_t id = request.path_id("id");
  auto key = services.db.read(
      [&](soci::session& s) { return services.keys.get(s, request.auth().team_id, id); });
  if (!key) throw Error::not_found("API key", id);
  return Response::json(200, key_json(*key));
}

Response revoke_key(ApiServices& services, Request& request) {
  std::int64_t id = request.path_id("id");
  const Principal& caller = request.auth();
  services.db.write([&](soci::session& s) {
    auto key = services.keys.get(s, caller.team_id, id);
    if (!key) throw Error::not_found("API key", id);
    require_not_above_caller(caller, key->role, "revoke");
    services.keys.revoke(s, caller.team_id, id);  // false when already revoked: still 204
  });
  services.auth_cache.evict(caller.team_id, id);
  return Response::no_content();
}

}  // namespace

void add_api_key_routes(Router& router, ApiServices& services) {
  router.add(Route::get("/v1/api-keys", Role::kAdmin,
                        [&services](Request& r) { return list_keys(services, r); }));
  router.add(Route::post("/v1/api-keys", Role::kAdmin,
                         [&services](Request& r) { return create_key(services, r); })
                 .json_body()
                 .answers_secret());
  router.add(Route::get("/v1/api-keys/{id}", Role::kAdmin,
                        [&services](Request& r) { return get_key(services, r); }));
  router.add(Route::del("/v1/api-keys/{id}", Role::kAdmin,
                        [&services](Request& r) { return revoke_key(services, r); }));
  router.add(Route::post("/v1/agents/{id}/keys", Role::kAdmin,
                         [&services](Request& r) { return create_agent_key(services, r); })
                 .json_body()
                 .answers_secret());
}

}  // namespace sb
