// Timer scheduling for crm.later().
#include "workflows/timer.h"

#include <soci/soci.h>

#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/sla.h"
#include "workflows/crm_api.h"
#include "workflows/lua_json.h"

namespace sb::wf {
namespace {

// The team's working hours: those of its default SLA policy (tickets and timers share one
// definition of "open").
std::optional<BusinessHours> team_hours(RunContext& ctx) {
  const RecordService& policies = ctx.sv.crm.sla_policies;
  RecordQuery q;
  q.filters.push_back({policies.schema().index("is_default"), {FieldValue(std::int64_t{1})}});
  q.limit = 1;
  auto rows = policies.list(ctx.s, ctx.def.team_id, q);
  if (rows.empty()) return std::nullopt;
  return parse_business_hours(rows.front().text_or(policies.schema(), "business_hours", "null"));
}

}  // namespace

EpochMs schedule_timer(RunContext& ctx, const TimerRequest& t) {
  std::int64_t team = ctx.def.team_id;
  EpochMs due = now_ms() + t.delay_ms;
  if (t.business_hours) {
    if (auto hours = team_hours(ctx)) due = add_business_minutes(due, 1, &*hours) - 60'000;
  }
  std::string dedupe =
      "wf:" + std::to_string(ctx.def.id) + ":" +
      (t.key.empty() ? "e" + std::to_string(ctx.event_id) + ":" + std::to_string(ctx.timers)
                     : "k:" + t.key);
  if (!t.key.empty()) {  // replaces the earlier timer of this key
    ctx.sv.queue.release_key(ctx.s, team, dedupe);
    ctx.sv.workflows.take_timer(ctx.s, team, dedupe);
  }
  bool tracked = !t.key.empty() || !t.cancel_on.empty();
  std::string payload =
      "{\"workflow_id\":" + std::to_string(ctx.def.id) + ",\"name\":" + json_quoted(t.name) +
      ",\"data\":" + t.data_json +
      ",\"contact_id\":" + (t.contact_id ? std::to_string(t.contact_id) : "null") +
      ",\"key\":" + (t.key.empty() ? "null" : json_quoted(t.key)) +
      ",\"dedupe_key\":" + json_quoted(dedupe) + ",\"due\":" + std::to_string(due) +
      ",\"tracked\":" + (tracked ? "true" : "false") + "}";
  NewEvent e{.team_id = team,
             .type = kTimerEvent,
             .subject_type = t.contact_id ? "contact" : "",
             .subject_id = t.contact_id ? std::optional<std::int64_t>(t.contact_id) : std::nullopt,
             .payload_json = payload,
             .available_at = due};
  ctx.sv.queue.schedule(ctx.s, e, dedupe);
  if (tracked) {
    std::string cancel = "[";
    for (const auto& c : t.cancel_on) cancel += (cancel.size() > 1 ? "," : "") + json_quoted(c);
    cancel += "]";
    ctx.sv.workflows.add_timer(ctx.s, team, dedupe, t.contact_id, cancel, due);
  }
  ctx.record("{\"action\":\"later\",\"name\":" + json_quoted(t.name) + ",\"due\":" +
             std::to_string(due) + (t.key.empty() ? "" : ",\"key\":" + json_quoted(t.key)) + "}");
  return due;
}

}  // namespace sb::wf
