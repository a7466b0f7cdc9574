// Validation of schema-described records: JSON input -> typed RecordInput (wrong types,
// unknown, read-only and create-only fields refused with 422 naming the field), and the
// create/update rules (fallbacks, required fields).
#pragma once

#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

#include "model/record.h"

namespace sb {

enum class InputMode { kCreate, kUpdate };

// `prefix` names nested objects in errors ("stages[2]").
RecordInput read_record_input(const EntitySchema& schema, const Poco::JSON::Object& object,
                              InputMode mode, const std::string& prefix = "");

// One value checked and converted for its field (null allowed unless the flags refuse it).
FieldValue read_field_value(const FieldSpec& spec, const Poco::Dynamic::Var& value,
                            const std::string& name);

// A new record: fallbacks, then the input; 422 when a required field is missing.
Record make_record(const EntitySchema& schema, const RecordInput& input);
// Applies the input; returns the indexes of the fields whose value changed.
std::vector<int> apply_record_input(const EntitySchema& schema, Record& record,
                                    const RecordInput& input);

}  // namespace sb
