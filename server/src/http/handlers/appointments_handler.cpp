// /v1/appointments and a contact's booking aggregates.
#include <soci/soci.h>

#include "http/record_routes.h"
#include "http/routes.h"
#include "store/appointment_rules.h"

namespace sb {

void add_appointment_routes(Router& router, ApiServices& sv) {
  add_record_routes(router, sv, sv.crm.appointments,
                    {.base = "/v1/appointments", .item_param = "id"});
  router.add(Route::get("/v1/contacts/{id}/booking-stats", Role::kViewer, [&sv](Request& req) {
    std::int64_t contact = req.path_id("id");
    auto stats = sv.db.read([&](soci::session& s) {
      sv.contacts.require(s, req.auth().team_id, contact);
      return booking_stats(s, sv.db.dialect(), req.auth().team_id, contact, now_ms());
    });
    return Response::json(200, stats);
  }));
}

}  // namespace sb
