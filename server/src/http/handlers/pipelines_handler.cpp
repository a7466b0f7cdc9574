// /v1/pipelines (with stages and the board) and /v1/leads (with activities).
#include <soci/soci.h>

#include "http/pagination.h"
#include "http/record_routes.h"
#include "http/routes.h"
#include "store/pipeline_rules.h"

namespace sb {

void add_pipeline_routes(Router& router, ApiServices& sv) {
  add_record_routes(router, sv, sv.crm.pipelines,
                    {.base = "/v1/pipelines", .item_param = "id", .write_role = Role::kAdmin});
  add_record_routes(router, sv, sv.crm.stages,
                    {.base = "/v1/pipelines/{id}/stages",
                     .item_param = "stage_id",
                     .parent_param = "id",
                     .write_role = Role::kAdmin});
  router.add(Route::get("/v1/pipelines/{id}/board", Role::kViewer, [&sv](Request& req) {
    int per_stage = read_limit(req);
    std::int64_t id = req.path_id("id");
    auto board = sv.db.read([&](soci::session& s) {
      return pipeline_board(s, sv.db.dialect(), req.auth().team_id, id, per_stage);
    });
    return Response::json(200, board);
  }));
  add_record_routes(router, sv, sv.crm.leads, {.base = "/v1/leads", .item_param = "id"});
  add_record_routes(
      router, sv, sv.crm.activities,
      {.base = "/v1/leads/{id}/activities", .item_param = "activity_id", .parent_param = "id"});
}

}  // namespace sb
