// GET /v1/me: who the caller is (team, key or signed-in person, role), straight from the
// authenticated key or session.
#include "http/routes.h"

namespace sb {
namespace {

Response me(Request& request) {
  const Principal& p = request.auth();
  Poco::JSON::Object t(Poco::JSON_PRESERVE_KEY_ORDER);
  t.set("id", p.team_id);
  t.set("name", p.team_name);
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("team", t);
  if (p.user_id) {
    Poco::JSON::Object u(Poco::JSON_PRESERVE_KEY_ORDER);
    u.set("id", *p.user_id);
    u.set("name", p.user_name);
    u.set("email", p.user_email);
    body.set("api_key", Poco::Dynamic::Var());
    body.set("user", u);
  } else {
    Poco::JSON::Object k(Poco::JSON_PRESERVE_KEY_ORDER);
    k.set("id", p.key_id);
    k.set("name", p.key_name);
    k.set("prefix", p.key_prefix);
    body.set("api_key", k);
    body.set("user", Poco::Dynamic::Var());
  }
  body.set("role", std::string(role_name(p.role)));
  return Response::json(200, body);
}

}  // namespace

void add_me_routes(Router& router, ApiServices&) {
  router.add(Route::get("/v1/me", Role::kViewer, [](Request& r) { return me(r); }));
}

}  // namespace sb
