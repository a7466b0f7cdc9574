// Compiles a checked contact filter (model/contact_filter.h) to a SQL condition over the
// alias `c` (contacts). Values only ever travel as bound parameters; field names come from
// the fixed catalogue, never from input.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "model/contact_filter.h"
#include "model/custom_field.h"
#include "store/dialect.h"

namespace soci {
class statement;
}

namespace sb {

using SqlParam = std::variant<std::string, double, long long>;

// Parameters are named :p0, :p1, ... in order; bind them with bind_params().
class SqlParams {
 public:
  std::string add(SqlParam value);
  // ":p3, :p4, ..." for an IN list of ids.
  std::string add_ids(const std::vector<std::int64_t>& ids);
  void bind(soci::statement& st);  // the values must outlive the statement's execution
  std::size_t size() const { return values_.size(); }

 private:
  std::vector<SqlParam> values_;
  std::vector<std::string> names_;
};

// Throws Error(kInvalidFilter) for a custom field that does not exist or an operator its
// type does not support, and for values of the wrong type. `team_id`: the team whose
// related rows (appointments, tickets, ...) aggregates read.
std::string compile_contact_filter(const FilterNode& filter, const Dialect& dialect,
                                   const std::map<std::string, CustomField>& custom_fields,
                                   SqlParams& params, std::int64_t team_id);

}  // namespace sb
