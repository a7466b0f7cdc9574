#include "store/segment_rules.h"

#include "model/crm_schemas.h"
#include "model/error.h"
#include "store/contact_filter_sql.h"
#include "store/contact_store.h"

namespace sb {

void SegmentHooks::before_write(soci::session& s, const Record* before, Record& after,
                                std::vector<int>& changed, const WriteContext&) const {
  const EntitySchema& schema = crm::segment();
  if (before && !was_changed(changed, schema, "rule")) return;
  FilterNode rule = parse_filter_json_text(after.text_or(schema, "rule", "{}"));
  // Compiling checks what parsing cannot: the team's custom fields, referenced segments
  // (present in this team, no cycle through this one), value types.
  SqlParams unused;
  ContactStore(dialect_).match_sql(s, after.team_id,
                                   segments_.expand(s, after.team_id, rule, after.id), unused);
}

void SegmentHooks::before_remove(soci::session& s, const Record& record) const {
  const EntitySchema& schema = crm::segment();
  if (!record.text_or(schema, "builtin", "").empty()) {
    throw Error(ErrorCode::kConflict,
                "built-in segments cannot be deleted; change their rule instead",
                {{"builtin", record.text_or(schema, "builtin", "")}});
  }
  segments_.before_remove(s, record.team_id, record.id);
}

}  // namespace sb
