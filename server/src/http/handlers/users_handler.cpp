// /v1/users: team members contacts are assigned to (admin to change; deactivate, never delete).
#include <soci/soci.h>

#include "http/http_conditions.h"
#include "http/pagination.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"
#include "store/sign_in_store.h"

namespace sb {
namespace {}  // namespace

// Users can sign in with their role: only an owner may make, change or invite an owner
// (otherwise an admin could invite an owner account to their own address).
void require_owner_for(const Request& req, Role role) {
  if (role == Role::kOwner && req.auth().role != Role::kOwner) {
    throw Error(ErrorCode::kForbidden, "only an owner may create, change or invite an owner",
                {{"required_role", std::string("owner")},
                 {"role", std::string(role_name(req.auth().role))}});
  }
}

namespace {

Response list(ApiServices& sv, Request& req) {
  PageRequest page = read_page_request(req);
  auto users = sv.db.read([&](soci::session& s) {
    return sv.users.list(s, req.auth().team_id, page.after_id, page.limit + 1);
  });
  return id_page(std::move(users), page.limit, user_to_json);
}

Response create(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  User u;
  u.team_id = req.auth().team_id;
  u.name = f.required_string("name", 200);
  u.email = f.required_string("email", 254);
  u.role = *parse_role(f.required_enum("role", {"owner", "admin", "agent", "viewer"}));
  f.reject_unknown();
  require_owner_for(req, u.role);
  User created = sv.db.write([&](soci::session& s) { return sv.users.create(s, u); });
  Response r = Response::json(201, user_to_json(created));
  r.headers.emplace_back("Location", "/v1/users/" + std::to_string(created.id));
  return r;
}

Response get(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  auto u = sv.db.read([&](soci::session& s) { return sv.users.get(s, req.auth().team_id, id); });
  if (!u) throw Error::not_found("user", id);
  return Response::json(200, user_to_json(*u));
}

Response update(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  JsonFields f(req.json());
  auto name = f.optional_string("name", 200);
  auto email = f.optional_string("email", 254);
  std::optional<std::string> role;
  if (req.json()->has("role"))
    role = f.required_enum("role", {"owner", "admin", "agent", "viewer"});
  auto active = f.optional_bool("active");
  f.reject_unknown();
  const std::string if_match = req.header("If-Match");
  User u = sv.db.write([&](soci::session& s) {
    auto current = sv.users.get(s, req.auth().team_id, id, !if_match.empty());
    if (!current) throw Error::not_found("user", id);
    require_if_match(if_match, body_etag(to_json(user_to_json(*current))));
    require_owner_for(req, current->role);
    if (role) require_owner_for(req, *parse_role(*role));
    if (name) current->name = *name;
    if (email) current->email = *email;
    if (role) current->role = *parse_role(*role);
    const bool disabling = active && !*active && current->active;
    if (active) current->active = *active;
    User updated = sv.users.update(s, *current);
    // A disabled person is signed out everywhere at once (and stays out if re-enabled).
    if (disabling) SignInStore{}.revoke_sessions(s, updated.team_id, updated.id, now_ms());
    return updated;
  });
  return Response::json(200, user_to_json(u));
}

}  // namespace

void add_user_routes(Router& router, ApiServices& sv) {
  auto h = [&sv](Response (*fn)(ApiServices&, Request&)) {
    return [&sv, fn](Request& r) { return fn(sv, r); };
  };
  router.add(Route::get("/v1/users", Role::kViewer, h(list)));
  router.add(Route::post("/v1/users", Role::kAdmin, h(create)).json_body());
  router.add(Route::get("/v1/users/{id}", Role::kViewer, h(get)));
  router.add(Route::patch("/v1/users/{id}", Role::kAdmin, h(update))
                 .json_body()
                 .checks_if_match_itself());  // compared under the user's row lock
}

}  // namespace sb
