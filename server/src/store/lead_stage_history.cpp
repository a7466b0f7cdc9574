// Lead stage history rows.
#include "store/lead_stage_history.h"

#include "store/statement_cache.h"

#include <soci/soci.h>

namespace sb {

void LeadStageHistory::record(soci::session& s, const LeadStageEntry& e) const {
  long long team = e.team_id, lead = e.lead_id, pipeline = e.pipeline_id, to = e.to_stage_id,
            at = e.changed_at, from = e.from_stage_id.value_or(0),
            spent = e.time_in_previous_ms.value_or(0);
  soci::indicator from_ind = e.from_stage_id ? soci::i_ok : soci::i_null;
  soci::indicator spent_ind = e.time_in_previous_ms ? soci::i_ok : soci::i_null;
  run_cached(s,
             "INSERT INTO lead_stage_changes (team_id, lead_id, pipeline_id, from_stage_id, "
             "to_stage_id, time_in_previous_ms, changed_at) VALUES (:t, :l, :p, :f, :s, :ms, :at)",
             soci::use(team, "t"), soci::use(lead, "l"), soci::use(pipeline, "p"),
             soci::use(from, from_ind, "f"), soci::use(to, "s"), soci::use(spent, spent_ind, "ms"),
             soci::use(at, "at"));
}

}  // namespace sb
