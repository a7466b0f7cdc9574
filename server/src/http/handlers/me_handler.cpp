// GET /v1/me: who the caller is (team, key, role).
#include <soci/soci.h>

#include "http/routes.h"
#include "model/error.h"

namespace sb {
namespace {

Response me(ApiServices& services, Request& request) {
  const Principal& p = request.auth();
  auto team = services.db.read([&](soci::session& s) { return services.teams.get(s, p.team_id); });
  auto key =
      services.db.read([&](soci::session& s) { return services.keys.get(s, p.team_id, p.key_id); });
  if (!team || !key) throw Error(ErrorCode::kUnauthorized, "invalid or revoked API key");
  Poco::JSON::Object t(Poco::JSON_PRESERVE_KEY_ORDER);
  t.set("id", team->id);
  t.set("name", team->name);
  Poco::JSON::Object k(Poco::JSON_PRESERVE_KEY_ORDER);
  k.set("id", key->id);
  k.set("name", key->name);
  k.set("prefix", key->prefix);
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("team", t);
  body.set("api_key", k);
  body.set("role", std::string(role_name(p.role)));
  return Response::json(200, body);
}

}  // namespace

void add_me_routes(Router& router, ApiServices& services) {
  router.add({"GET", "/v1/me", Role::kViewer, [&services](Request& r) { return me(services, r); }});
}

}  // namespace sb
