// Record rendering.
#include "model/record_json.h"

#include <Poco/JSON/Parser.h>

namespace sb {

Poco::Dynamic::Var parse_json_value(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text);
}

Poco::Dynamic::Var field_to_json(const FieldSpec& spec, const FieldValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return Poco::Dynamic::Var();
  switch (spec.type) {
    case FieldType::kBool:
      return std::get<std::int64_t>(value) != 0;
    case FieldType::kTime:
      return format_iso8601(std::get<std::int64_t>(value));
    case FieldType::kTags:
    case FieldType::kJson:
      return parse_json_value(std::get<std::string>(value));
    case FieldType::kReal:
      if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<double>(*i);
      return std::get<double>(value);
    default:
      break;
  }
  if (const auto* i = std::get_if<std::int64_t>(&value)) return *i;
  if (const auto* d = std::get_if<double>(&value)) return *d;
  return std::get<std::string>(value);
}

Poco::JSON::Object record_to_json(const EntitySchema& schema, const Record& record) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", record.id);
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    o.set(std::string(schema.fields[i].name), field_to_json(schema.fields[i], record.values[i]));
  }
  o.set("created_at", format_iso8601(record.created_at));
  o.set("updated_at", format_iso8601(record.updated_at));
  return o;
}

Poco::JSON::Object record_changes_json(const EntitySchema& schema, const Record& before,
                                       const Record& after, const std::vector<int>& changed) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  for (int i : changed) {
    const auto& spec = schema.fields[static_cast<std::size_t>(i)];
    Poco::JSON::Object change(Poco::JSON_PRESERVE_KEY_ORDER);
    change.set("old", field_to_json(spec, before.values[static_cast<std::size_t>(i)]));
    change.set("new", field_to_json(spec, after.values[static_cast<std::size_t>(i)]));
    o.set(std::string(spec.name), change);
  }
  return o;
}

}  // namespace sb
