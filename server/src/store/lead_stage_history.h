// Each stage a lead entered (lead_stage_changes), written in the lead's write transaction:
// what funnels count once the bus has pruned lead.stage_changed.
#pragma once

#include <cstdint>
#include <optional>

#include "model/clock.h"
#include "store/dialect.h"

namespace soci {
class session;
}

namespace sb {

struct LeadStageEntry {
  std::int64_t team_id = 0, lead_id = 0, pipeline_id = 0;
  std::optional<std::int64_t> from_stage_id;  // none: the lead was created in to_stage
  std::int64_t to_stage_id = 0;
  std::optional<std::int64_t> time_in_previous_ms;  // how long it stayed in from_stage
  EpochMs changed_at = 0;
};

class LeadStageHistory {
 public:
  explicit LeadStageHistory(const Dialect& dialect) : dialect_(dialect) {}
  void record(soci::session& s, const LeadStageEntry& entry) const;

 private:
  Dialect dialect_;
};

}  // namespace sb
