// /v1/tickets (with comments), /v1/sla-policies, and a contact's tickets for bots.
#include <soci/soci.h>

#include "http/record_routes.h"
#include "http/routes.h"
#include "model/crm_schemas.h"

namespace sb {

void add_ticket_routes(Router& router, ApiServices& sv) {
  add_record_routes(router, sv, sv.crm.tickets, {.base = "/v1/tickets", .item_param = "id"});
  add_record_routes(
      router, sv, sv.crm.comments,
      {.base = "/v1/tickets/{id}/comments", .item_param = "comment_id", .parent_param = "id"});
  add_record_routes(router, sv, sv.crm.sla_policies,
                    {.base = "/v1/sla-policies", .item_param = "id", .write_role = Role::kAdmin});
  // "Show my recent tickets": newest first, filters as on /v1/tickets.
  router.add(Route::get("/v1/contacts/{id}/tickets", Role::kViewer, [&sv](Request& req) {
    std::int64_t contact = req.path_id("id");
    const auto& schema = crm::ticket();
    RecordQuery q = read_record_query(req, schema);
    if (!req.query_param("order")) q.newest_first = true;
    q.filters.push_back({schema.index("contact_id"), {contact}});
    return sv.db.read([&](soci::session& s) {
      sv.contacts.require(s, req.auth().team_id, contact);
      return record_page(sv, s, sv.crm.tickets, sv.crm.tickets.list(s, req.auth().team_id, q), q);
    });
  }));
}

}  // namespace sb
