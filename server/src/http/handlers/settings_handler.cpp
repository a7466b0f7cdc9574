// /v1/settings/contact-statuses: the team's list of contact statuses.
#include <soci/soci.h>

#include "http/routes.h"
#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

Response statuses_response(const std::vector<std::string>& statuses) {
  Poco::JSON::Object body;
  body.set("statuses", string_array(statuses));
  return Response::json(200, body);
}

Response get(ApiServices& sv, Request& req) {
  return statuses_response(sv.db.read(
      [&](soci::session& s) { return sv.settings.contact_statuses(s, req.auth().team_id); }));
}

Response put(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  if (!req.json()->has("statuses")) throw Error::validation("statuses", "is required");
  auto raw = f.string_array("statuses", 50);
  f.reject_unknown();
  std::vector<std::string> statuses;
  for (const auto& s : raw) {
    std::string t = require_text("statuses", s, 64);
    for (char c : t) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
        throw Error::validation("statuses",
                                "use lower-case letters, digits, _ and - ('" + t + "')");
      }
    }
    if (std::find(statuses.begin(), statuses.end(), t) != statuses.end()) {
      throw Error::validation("statuses", "'" + t + "' is listed twice");
    }
    statuses.push_back(t);
  }
  if (statuses.empty())
    throw Error::validation("statuses", "needs at least one status; the first is the default");
  sv.db.write(
      [&](soci::session& s) { sv.settings.set_contact_statuses(s, req.auth().team_id, statuses); });
  return statuses_response(statuses);
}

}  // namespace

void add_settings_routes(Router& router, ApiServices& sv) {
  router.add({"GET", "/v1/settings/contact-statuses", Role::kViewer,
              [&sv](Request& r) { return get(sv, r); }});
  router.add({"PUT", "/v1/settings/contact-statuses", Role::kAdmin,
              [&sv](Request& r) { return put(sv, r); }, true});
}

}  // namespace sb
