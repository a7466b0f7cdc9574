// Domain rules of pipelines, stages, leads and lead activities: one default pipeline per
// team, stage order and won/lost flags, lead stage moves (lead.stage_changed with the time
// spent in the previous stage), and the pipeline board.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>

#include "store/record_service.h"

namespace sb {

class PipelineHooks : public RecordHooks {
 public:
  explicit PipelineHooks(const Dialect& dialect) : store_(dialect) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void before_remove(soci::session& s, const Record& record) const override;
  void decorate(soci::session& s, const Record& record, Poco::JSON::Object& json) const override;

 private:
  RecordStore store_;
};

class StageHooks : public RecordHooks {
 public:
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void before_remove(soci::session& s, const Record& record) const override;
};

class LeadHooks : public RecordHooks {
 public:
  explicit LeadHooks(const RecordService& leads) : leads_(leads) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void after_write(soci::session& s, const Record* before, const Record& after,
                   const std::vector<int>& changed, const WriteContext& ctx) const override;

 private:
  const RecordService& leads_;
};

class ActivityHooks : public RecordHooks {
 public:
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
};

// The stages of a pipeline in order, each with up to `leads_per_stage` leads (highest
// value first) and totals per currency: count, value, probability-weighted value.
Poco::JSON::Object pipeline_board(soci::session& s, const Dialect& dialect, std::int64_t team_id,
                                  std::int64_t pipeline_id, int leads_per_stage);

// A new team's "Sales" pipeline with the default stages.
void create_default_pipeline(soci::session& s, const Dialect& dialect, std::int64_t team_id);
// The team's default pipeline (the one leads go to when none is named), if it has one.
std::optional<std::int64_t> default_pipeline_id(soci::session& s, std::int64_t team_id);

}  // namespace sb
