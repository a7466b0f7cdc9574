// Public forms: the field definitions an admin saves, and the checks a visitor's
// submission goes through. Error messages name only the form's own field keys, never
// echo what the visitor sent (no reflected input on a public endpoint).
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sb {

struct FormField {
  std::string key;  // [a-z][a-z0-9_]{0,63}
  std::string label;
  std::string type;  // text|textarea|email|phone|number|select|checkbox|date
  bool required = false;
  std::string maps_to;               // ""|name|email|phone|needs|custom.<key>|metadata.<key>
  std::vector<std::string> options;  // select
  int max_length = 1000;
};

// kJson check of forms.fields: 1..50 definitions with unique keys.
std::string check_form_fields(const Poco::Dynamic::Var& value, const std::string& field);
std::vector<FormField> parse_form_fields(const std::string& json);

// A visitor's values checked against the definitions: field key -> value (strings,
// numbers, booleans). Values the form does not define are ignored (browsers post buttons).
// Throws Error::validation naming the form field.
std::map<std::string, Poco::Dynamic::Var> check_submission(const std::vector<FormField>& fields,
                                                           const Poco::JSON::Object& values);

}  // namespace sb
