// The contact filter language shared by the list, bulk actions and segments. A filter is a
// tree of all/any/not nodes over conditions {field, op, value}; it has a JSON form and a
// query-string form (docs/filters.md). Parsing checks the shape and the field/operator
// pairs; the store compiles a checked tree to SQL with bound parameters only.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace sb {

using FilterValue = std::variant<std::string, double, bool>;

struct FilterNode {
  enum class Kind { kAll, kAny, kNot, kCondition };
  Kind kind = Kind::kAll;
  std::vector<FilterNode> children;  // all/any: any number; not: exactly one
  std::string field;                 // "status", "tags", "custom.plan", "metadata.utm", "q"
  std::string op;                    // eq, ne, in, nin, contains, starts_with, exists, gt, ...
  std::vector<FilterValue> values;   // one value, or the list of in/nin/any/all/none
};

// What a field accepts; custom.<key> fields get their kind from the field's type.
// kAggregate: a number computed from related rows (bookings_count, lead_value, ...);
// kFlag: a computed true/false (unresolved_conversation); kSegment: membership of another
// segment, expanded to that segment's rule before compiling (store/segment_store.h).
enum class FilterFieldKind {
  kEnum,
  kText,
  kId,
  kNumber,
  kTime,
  kList,
  kMetadata,
  kSearch,
  kAggregate,
  kFlag,
  kSegment
};

// True when any condition of the tree is on `field` / compares a time relative to now
// ("now-30d"): such rules change with the clock, not only with writes.
bool filter_uses_field(const FilterNode& filter, const std::string& field);
bool filter_uses_relative_time(const FilterNode& filter);
// Whether an update of a contact that changed `changed` (the keys of contact.updated's
// `changes`: "name", "tags", "custom_fields", "metadata", ...) can change whether it matches
// `filter` (segment references expanded). Fields no contact update writes (aggregates,
// message counts, ids) cannot; time passing is the periodic re-evaluation's concern.
bool contact_change_can_affect(const FilterNode& filter, const std::vector<std::string>& changed);
// The JSON form of a checked tree (inverse of parse_filter_json).
Poco::JSON::Object::Ptr filter_to_json(const FilterNode& filter);

// Throws Error(kInvalidFilter) naming the field or operator.
FilterNode parse_filter_json(const Poco::JSON::Object::Ptr& object);
FilterNode parse_filter_json_text(const std::string& text);
// name=value pairs other than the reserved list parameters (limit, cursor, sort, filter):
// "status=new", "tags.any=a,b", "created_at.gte=2026-01-01T00:00:00Z", "custom.plan=pro",
// "q=ann". All pairs are joined with "all".
FilterNode parse_filter_query(const std::vector<std::pair<std::string, std::string>>& params);

// Operators allowed for a kind (custom fields: by their type).
const std::vector<std::string>& filter_ops(FilterFieldKind kind);
// Kind of a built-in field; false when there is no such field.
bool builtin_filter_field(const std::string& field, FilterFieldKind& kind);
// Every built-in field by name (custom.<key> and metadata.<key> are per team).
const std::map<std::string, FilterFieldKind>& builtin_filter_fields();

}  // namespace sb
