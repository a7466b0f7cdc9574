// GET /v1/me: who the caller is (team, key, role), straight from the authenticated key.
#include "http/routes.h"

namespace sb {
namespace {

Response me(Request& request) {
  const Principal& p = request.auth();
  Poco::JSON::Object t(Poco::JSON_PRESERVE_KEY_ORDER);
  t.set("id", p.team_id);
  t.set("name", p.team_name);
  Poco::JSON::Object k(Poco::JSON_PRESERVE_KEY_ORDER);
  k.set("id", p.key_id);
  k.set("name", p.key_name);
  k.set("prefix", p.key_prefix);
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("team", t);
  body.set("api_key", k);
  body.set("role", std::string(role_name(p.role)));
  return Response::json(200, body);
}

}  // namespace

void add_me_routes(Router& router, ApiServices&) {
  router.add({"GET", "/v1/me", Role::kViewer, [](Request& r) { return me(r); }});
}

}  // namespace sb
