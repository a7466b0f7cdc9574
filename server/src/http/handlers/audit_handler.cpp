// GET /v1/audit: the team's audit log, newest first (admin+). No route edits or deletes
// entries; the table's triggers refuse it too.
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include "http/pagination.h"
#include "http/routes.h"
#include "model/contact_json.h"

namespace sb {
namespace {

Poco::JSON::Object entry_json(const AuditEntry& e) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", e.id);
  o.set("at", format_iso8601(e.at));
  Poco::JSON::Object actor(Poco::JSON_PRESERVE_KEY_ORDER);
  actor.set("type", e.actor_type);
  actor.set("id", or_null(e.actor_id));
  o.set("actor", actor);
  o.set("action", e.action);
  o.set("subject_type", or_null(e.subject_type));
  o.set("subject_id", or_null(e.subject_id));
  o.set("status", e.status ? Poco::Dynamic::Var(*e.status) : Poco::Dynamic::Var());
  o.set("origin", or_null(e.origin));
  o.set("request_id", or_null(e.request_id));
  o.set("detail",
        e.detail_json ? Poco::JSON::Parser().parse(*e.detail_json) : Poco::Dynamic::Var());
  return o;
}

Response list_audit(ApiServices& sv, Request& req) {
  req.allow_params({"actor_type", "actor_id", "action", "subject_type", "subject_id", "since",
                    "until", "limit", "cursor"});
  PageRequest page = read_page_request(req);
  AuditQuery q;
  q.team_id = req.auth().team_id;
  q.before_id = page.after_id;  // newest first: the cursor is the last id seen
  q.limit = page.limit + 1;
  q.actor_type =
      req.choice_param("actor_type", {"api_key", "user", "workflow", "plugin", "cli", "system"});
  q.actor_id = req.query_param("actor_id");
  q.action_prefix = req.query_param("action");
  q.subject_type = req.query_param("subject_type");
  q.subject_id = req.int_param("subject_id");
  q.since = req.time_param("since");
  q.until = req.time_param("until");
  auto rows = sv.db.read([&](soci::session& s) { return sv.audit.list(s, q); });
  return id_page(std::move(rows), page.limit, entry_json);
}

}  // namespace

void add_audit_routes(Router& router, ApiServices& sv) {
  router.add(
      Route::get("/v1/audit", Role::kAdmin, [&sv](Request& r) { return list_audit(sv, r); }));
}

}  // namespace sb
