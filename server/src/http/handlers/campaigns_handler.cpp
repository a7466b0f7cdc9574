// /v1/campaigns: CRUD while draft (record routes), the state moves schedule, pause, resume
// and cancel, and the stats. Sending itself is the campaign runner's (campaigns/).
#include <soci/soci.h>

#include "campaigns/campaign_runner.h"
#include "http/pagination.h"
#include "http/record_routes.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/json_body.h"
#include "store/campaign_store.h"

namespace sb {
namespace {

struct Move {
  const char* action;
  std::vector<std::string> from;
};

Response campaign_json(ApiServices& sv, soci::session& s, std::int64_t team, std::int64_t id) {
  Record r = sv.crm.campaigns.require(s, team, id);
  return Response::json(200, sv.crm.campaigns.to_json(s, r));
}

[[noreturn]] void refuse(const std::string& action, const std::string& status,
                         const std::vector<std::string>& from) {
  std::string allowed;
  for (const std::string& f : from) allowed += (allowed.empty() ? "" : ", ") + f;
  throw Error(ErrorCode::kConflict,
              "cannot " + action + " a campaign that is " + status + " (only " + allowed + ")",
              {{"status", status}});
}

// POST /v1/campaigns/{id}/schedule {"at"?: ISO time}: draft -> scheduled.
Response schedule(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  Patch<std::int64_t> at;
  {
    JsonFields f(req.json());
    f.read_time("at", at);
    f.reject_unknown();
  }
  Response out = sv.db.write([&](soci::session& s) {
    Record r = sv.crm.campaigns.require(s, team, id, 0, true);
    const EntitySchema& schema = crm::campaign();
    std::string status = r.text_or(schema, "status", "draft");
    if (status != "draft") refuse("schedule", status, {"draft"});
    if (at.present && at.value) {
      RecordInput in;
      in.values.emplace_back(schema.index("scheduled_at"), FieldValue(*at.value));
      sv.crm.campaigns.update(s, team, id, in, 0, WriteContext{req.auth().actor()});
    }
    CampaignStore(sv.db.dialect()).set_status(s, {team, id}, "scheduled", {"draft"});
    return campaign_json(sv, s, team, id);
  });
  if (sv.campaign_runner) sv.campaign_runner->poke();
  return out;
}

Response move(ApiServices& sv, Request& req, const std::string& action) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  Response out = sv.db.write([&](soci::session& s) {
    Record r = sv.crm.campaigns.require(s, team, id, 0, true);
    const EntitySchema& schema = crm::campaign();
    std::string status = r.text_or(schema, "status", "draft");
    CampaignStore store(sv.db.dialect());
    if (action == "pause") {
      if (!store.set_status(s, {team, id}, "paused", {"scheduled", "sending"})) {
        refuse(action, status, {"scheduled", "sending"});
      }
    } else if (action == "resume") {
      // Recipients exist once it started sending; before that it goes back to scheduled.
      std::string to = r.is_null(schema, "started_at") ? "scheduled" : "sending";
      if (!store.set_status(s, {team, id}, to, {"paused"})) refuse(action, status, {"paused"});
    } else {
      if (!store.set_status(s, {team, id}, "cancelled",
                            {"draft", "scheduled", "sending", "paused"})) {
        refuse(action, status, {"draft", "scheduled", "sending", "paused"});
      }
      store.skip_pending(s, {team, id}, "cancelled");
    }
    return campaign_json(sv, s, team, id);
  });
  if (sv.campaign_runner && action == "resume") sv.campaign_runner->poke();
  return out;
}

double rate(std::int64_t part, std::int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

Response stats(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  std::string status;
  CampaignStats st = sv.db.read([&](soci::session& s) {
    Record r = sv.crm.campaigns.require(s, team, id);
    status = r.text_or(crm::campaign(), "status", "");
    return CampaignStore(sv.db.dialect()).stats(s, {team, id});
  });
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER), rates(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("campaign_id", id);
  body.set("status", status);
  body.set("targeted", st.targeted);
  body.set("pending", st.pending);
  body.set("sent", st.sent);
  body.set("failed", st.failed);
  body.set("skipped", st.skipped);
  body.set("skipped_by_reason", counts_json(st.skipped_by_reason));
  body.set("failed_by_reason", counts_json(st.failed_by_reason));
  body.set("opened", st.opened);
  body.set("clicked", st.clicked);
  body.set("unsubscribed", st.unsubscribed);
  // Engagement rates are over messages sent; delivery over those that could be sent.
  rates.set("delivery", rate(st.sent, st.sent + st.failed));
  rates.set("open", rate(st.opened, st.sent));
  rates.set("click", rate(st.clicked, st.sent));
  rates.set("unsubscribe", rate(st.unsubscribed, st.sent));
  body.set("rates", rates);
  return Response::json(200, body);
}

Response recipients(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  req.allow_params({"status", "limit", "cursor"});
  PageRequest page = read_page_request(req);
  std::string status =
      req.choice_param("status", {"pending", "sending", "sent", "failed", "skipped"}).value_or("");
  auto rows = sv.db.read([&](soci::session& s) {
    sv.crm.campaigns.require(s, team, id);
    return CampaignStore(sv.db.dialect())
        .recipients(s, {team, id}, status, page.after_id, page.limit + 1);
  });
  return id_page(std::move(rows), page.limit, [&](const CampaignRecipient& r) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("contact_id", r.id);
    o.set("status", r.status);
    o.set("reason", or_null(r.reason));
    o.set("address", or_null(r.address));
    o.set("attempts", r.attempts);
    o.set("sent_at", time_or_null(r.sent_at));
    o.set("opened_at", time_or_null(r.opened_at));
    o.set("clicked_at", time_or_null(r.clicked_at));
    o.set("unsubscribed_at", time_or_null(r.unsubscribed_at));
    return o;
  });
}

}  // namespace

void add_campaign_routes(Router& router, ApiServices& sv) {
  add_record_routes(router, sv, sv.crm.campaigns,
                    {.base = "/v1/campaigns", .item_param = "id", .write_role = Role::kAdmin});
  router.add(Route::post("/v1/campaigns/{id}/schedule", Role::kAdmin, [&sv](Request& r) {
               return schedule(sv, r);
             }).json_body());
  for (const char* action : {"pause", "resume", "cancel"}) {
    std::string a = action;
    router.add(Route::post("/v1/campaigns/{id}/" + a, Role::kAdmin,
                           [&sv, a](Request& r) { return move(sv, r, a); }));
  }
  router.add(Route::get("/v1/campaigns/{id}/stats", Role::kViewer,
                        [&sv](Request& r) { return stats(sv, r); }));
  router.add(Route::get("/v1/campaigns/{id}/recipients", Role::kViewer,
                        [&sv](Request& r) { return recipients(sv, r); }));
}

}  // namespace sb
