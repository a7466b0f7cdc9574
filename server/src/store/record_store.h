// SQL for schema-described records (model/record.h): insert, get, update, delete and
// filtered keyset lists, always scoped by team. Column names come from the schemas, never
// from input; values travel as bound parameters.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "model/record.h"
#include "store/dialect.h"

namespace soci {
class session;
}

namespace sb {

// field IN (values) (kTags: contains any of the values); a null value matches NULL.
struct RecordFilter {
  int field = -1;
  std::vector<FieldValue> any_of;  // equality: any of these values ("IS NULL" for null)
  std::string_view bound;          // or a range bound: ">=", ">", "<=" or "<", one value
};

struct RecordQuery {
  std::vector<RecordFilter> filters;
  std::int64_t after_id = 0;  // keyset cursor: ids after (ascending) or before (descending)
  int limit = 50;
  bool newest_first = false;
};

class RecordStore {
 public:
  explicit RecordStore(const Dialect& dialect) : dialect_(dialect) {}

  // Sets id, created_at and updated_at (created_at kept when already set).
  void insert(soci::session& s, const EntitySchema& schema, Record& record) const;
  std::optional<Record> get(soci::session& s, const EntitySchema& schema, std::int64_t team_id,
                            std::int64_t id, bool for_update = false) const;
  // get(), or 404 naming the entity.
  Record require(soci::session& s, const EntitySchema& schema, std::int64_t team_id,
                 std::int64_t id, bool for_update = false) const;
  // Writes every field and sets updated_at.
  void update(soci::session& s, const EntitySchema& schema, Record& record) const;
  bool remove(soci::session& s, const EntitySchema& schema, std::int64_t team_id,
              std::int64_t id) const;
  std::vector<Record> list(soci::session& s, const EntitySchema& schema, std::int64_t team_id,
                           const RecordQuery& query) const;
  std::int64_t count(soci::session& s, const EntitySchema& schema, std::int64_t team_id,
                     const std::vector<RecordFilter>& filters) const;

  // Sets is_default = 0 on the team's other rows (entities with one default per team).
  void clear_default(soci::session& s, const EntitySchema& schema, std::int64_t team_id,
                     std::int64_t except_id) const;

  // Every non-null kRef field among `fields` (all when empty) names a row of this team;
  // 422 naming the field otherwise.
  void check_refs(soci::session& s, const EntitySchema& schema, const Record& record,
                  const std::vector<int>& fields = {}) const;
  // `extra_condition` is a fixed SQL fragment (" AND active = 1"), never input.
  bool exists(soci::session& s, std::string_view table, std::int64_t team_id, std::int64_t id,
              std::string_view extra_condition = "") const;

  const Dialect& dialect() const { return dialect_; }

 private:
  const Dialect& dialect_;
};

}  // namespace sb
