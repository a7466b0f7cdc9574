// JSON form of schema-described records: API responses and event payloads.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "model/record.h"

namespace sb {

// {"id", <fields in schema order>, "created_at", "updated_at"}.
Poco::JSON::Object record_to_json(const EntitySchema& schema, const Record& record);
// One value as JSON: times as ISO-8601, booleans as true/false, lists and objects parsed.
Poco::Dynamic::Var field_to_json(const FieldSpec& spec, const FieldValue& value);
// {"field": {"old": .., "new": ..}} for the changed field indexes.
Poco::JSON::Object record_changes_json(const EntitySchema& schema, const Record& before,
                                       const Record& after, const std::vector<int>& changed);
// Parses JSON text stored in a kJson/kTags field.
Poco::Dynamic::Var parse_json_value(const std::string& text);

}  // namespace sb
