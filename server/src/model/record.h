// Schema-described records: the CRM entities beyond contacts (pipelines, leads, accounts,
// tickets, appointments, forms, ...) are declared once as an EntitySchema, and one
// generic path validates input, stores, filters and renders them (as Kong's DAO schemas).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/clock.h"

namespace Poco::Dynamic {
class Var;
}

namespace sb {

// null | integer (ids, times, booleans as 0/1) | real | text (also enums, dates, JSON).
using FieldValue = std::variant<std::monostate, std::int64_t, double, std::string>;

enum class FieldType {
  kText,  // UTF-8 string, max = bytes
  kInt,   // integer in [min, max]
  kReal,  // finite number in [min, max] when max > min
  kBool,  // true/false, stored 0/1
  kTime,  // ISO-8601 in JSON, epoch ms stored
  kDate,  // YYYY-MM-DD
  kEnum,  // one of options
  kRef,   // id of a row of `ref` in the same team
  kTags,  // array of short strings, max = items; stored as a JSON array
  kJson,  // any JSON checked by `check_json`; stored as JSON text
};

enum FieldFlag : unsigned {
  kRequired = 1,    // must be given (and not null) on create
  kReadOnly = 2,    // set by the server only; refused in input
  kFilter = 4,      // usable as ?name=value on the list route
  kCreateOnly = 8,  // given on create, refused on update
  kParent = 16,     // the id of the parent resource, taken from the path
  kNotNull = 32,    // may be omitted on create (default applies) but never null
  kLowercase = 64,  // text is lower-cased before checks
  kRange = 128,     // kTime: also ?name.gte=, .gt=, .lte=, .lt= (ISO 8601) on the list route
};

// Normalises a JSON value for a kJson field and returns its JSON text; throws
// Error::validation naming `field` when it does not fit.
using JsonCheck = std::string (*)(const Poco::Dynamic::Var& value, const std::string& field);

struct FieldSpec {
  std::string_view name;
  FieldType type = FieldType::kText;
  unsigned flags = 0;
  std::int64_t min = 0;
  std::int64_t max = 0;
  std::vector<std::string_view> options;  // kEnum
  std::string_view ref;                   // kRef: table of the referenced rows
  FieldValue fallback;                    // value on create when absent
  JsonCheck check_json = nullptr;         // kJson

  bool has(FieldFlag f) const { return (flags & f) != 0; }
};

struct EntitySchema {
  std::string_view name;    // singular, "ticket": events are "<name>.created", errors name it
  std::string_view table;   // SQL table
  std::string_view plural;  // path segment and OpenAPI tag, "tickets"
  std::vector<FieldSpec> fields;

  // Index of `field` in fields, or -1.
  int index(std::string_view field) const;
  const FieldSpec& field(std::string_view name) const;  // must exist
  int parent_index() const;                             // the kParent field, or -1
};

struct Record {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
  std::vector<FieldValue> values;  // one per schema field, in order

  // Typed access by field name (the schema must hold it); null reads as the fallback given.
  const FieldValue& at(const EntitySchema& schema, std::string_view field) const;
  void set(const EntitySchema& schema, std::string_view field, FieldValue value);
  std::int64_t int_or(const EntitySchema& schema, std::string_view field,
                      std::int64_t otherwise) const;
  double real_or(const EntitySchema& schema, std::string_view field, double otherwise) const;
  std::string text_or(const EntitySchema& schema, std::string_view field,
                      std::string otherwise) const;
  bool is_null(const EntitySchema& schema, std::string_view field) const;
};

// Input for create or update: (field index, value) pairs, already type-checked.
struct RecordInput {
  std::vector<std::pair<int, FieldValue>> values;
  bool has(const EntitySchema& schema, std::string_view field) const;
  const FieldValue* get(const EntitySchema& schema, std::string_view field) const;
};

}  // namespace sb
