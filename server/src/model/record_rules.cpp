// Record input checks, shared by REST, workflows and plugins.
#include "model/record_rules.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>
#include <sstream>

#include "model/contact_rules.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

std::string joined(const std::vector<std::string_view>& items) {
  std::string out;
  for (auto item : items) out += (out.empty() ? "" : ", ") + std::string(item);
  return out;
}

std::string read_string(const Poco::Dynamic::Var& v, const std::string& name, std::size_t max) {
  if (!v.isString()) throw Error::validation(name, "must be a string");
  std::string s = v.extract<std::string>();
  if (s.find('\0') != std::string::npos) throw Error::validation(name, "must not contain NUL");
  if (s.size() > max) {
    throw Error::validation(name, "must be at most " + std::to_string(max) + " bytes");
  }
  return s;
}

std::string tags_json(const Poco::Dynamic::Var& v, const FieldSpec& spec, const std::string& name) {
  if (!v.isArray()) throw Error::validation(name, "must be an array of strings");
  auto arr = v.extract<Poco::JSON::Array::Ptr>();
  std::size_t max_items = spec.max > 0 ? static_cast<std::size_t>(spec.max) : 100;
  if (arr->size() > max_items) {
    throw Error::validation(name, "must hold at most " + std::to_string(max_items) + " items");
  }
  Poco::JSON::Array out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    std::string item = trim(
        read_string(arr->get(static_cast<unsigned>(i)), name + "[" + std::to_string(i) + "]", 100));
    if (item.empty()) throw Error::validation(name, "items must not be empty");
    if (seen.insert(item).second) out.add(item);
  }
  std::ostringstream text;
  out.stringify(text);
  return text.str();
}

}  // namespace

FieldValue read_field_value(const FieldSpec& spec, const Poco::Dynamic::Var& v,
                            const std::string& name) {
  if (v.isEmpty()) {
    if (spec.has(kRequired) || spec.has(kNotNull))
      throw Error::validation(name, "must not be null");
    return std::monostate{};
  }
  switch (spec.type) {
    case FieldType::kText: {
      std::size_t max = spec.max > 0 ? static_cast<std::size_t>(spec.max) : 200;
      std::string s = read_string(v, name, max);
      if (spec.has(kLowercase)) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      }
      if (spec.has(kRequired) && trim(s).empty())
        throw Error::validation(name, "must not be empty");
      return s;
    }
    case FieldType::kInt:
    case FieldType::kRef: {
      auto i = json_int64(v);
      if (!i) {
        throw Error::validation(name, spec.type == FieldType::kRef ? "must be an id (integer)"
                                                                   : "must be an integer (64-bit)");
      }
      std::int64_t n = *i;
      std::int64_t min = spec.type == FieldType::kRef ? 1 : spec.min;
      std::int64_t max = spec.type == FieldType::kRef ? INT64_MAX : spec.max;
      if (n < min || n > max) {
        throw Error::validation(
            name, spec.type == FieldType::kRef
                      ? "must be a positive id"
                      : "must be between " + std::to_string(min) + " and " + std::to_string(max));
      }
      return n;
    }
    case FieldType::kReal: {
      if (!v.isNumeric()) throw Error::validation(name, "must be a number");
      double d = v.convert<double>();
      if (!std::isfinite(d)) throw Error::validation(name, "must be a finite number");
      if (spec.max > spec.min &&
          (d < static_cast<double>(spec.min) || d > static_cast<double>(spec.max))) {
        throw Error::validation(name, "must be between " + std::to_string(spec.min) + " and " +
                                          std::to_string(spec.max));
      }
      return d;
    }
    case FieldType::kBool:
      if (!v.isBoolean()) throw Error::validation(name, "must be true or false");
      return static_cast<std::int64_t>(v.extract<bool>() ? 1 : 0);
    case FieldType::kTime: {
      auto ms = v.isString() ? parse_iso8601(v.extract<std::string>()) : std::nullopt;
      if (!ms) throw Error::validation(name, "must be an ISO-8601 time, e.g. 2026-11-21T14:00:00Z");
      return *ms;
    }
    case FieldType::kDate: {
      std::string s = read_string(v, name, 10);
      if (!is_valid_date(s)) throw Error::validation(name, "must be a date, YYYY-MM-DD");
      return s;
    }
    case FieldType::kEnum: {
      std::string s = read_string(v, name, 64);
      if (std::find(spec.options.begin(), spec.options.end(), s) == spec.options.end()) {
        throw Error::validation(name, "must be one of: " + joined(spec.options));
      }
      return s;
    }
    case FieldType::kTags:
      return tags_json(v, spec, name);
    case FieldType::kJson:
      return spec.check_json(v, name);
  }
  return std::monostate{};
}

RecordInput read_record_input(const EntitySchema& schema, const Poco::JSON::Object& object,
                              InputMode mode, const std::string& prefix) {
  RecordInput input;
  for (const auto& [key, value] : object) {
    std::string name = prefix.empty() ? key : prefix + "." + key;
    int i = schema.index(key);
    if (i < 0) {
      if (key == "id" || key == "created_at" || key == "updated_at" || key == "team_id")
        throw Error::validation(name, "is read-only");
      throw Error::validation(name, "unknown field");
    }
    const FieldSpec& spec = schema.fields[static_cast<std::size_t>(i)];
    if (spec.has(kReadOnly) || spec.has(kParent)) throw Error::validation(name, "is read-only");
    if (mode == InputMode::kUpdate && spec.has(kCreateOnly)) {
      throw Error::validation(name, "cannot be changed after creation");
    }
    input.values.emplace_back(i, read_field_value(spec, value, name));
  }
  return input;
}

Record make_record(const EntitySchema& schema, const RecordInput& input) {
  Record r;
  for (const auto& f : schema.fields) r.values.push_back(f.fallback);
  for (const auto& [i, value] : input.values) r.values[static_cast<std::size_t>(i)] = value;
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    const FieldSpec& f = schema.fields[i];
    if (f.has(kRequired) && !f.has(kParent) &&
        std::holds_alternative<std::monostate>(r.values[i])) {
      throw Error::validation(std::string(f.name), "is required");
    }
  }
  return r;
}

std::vector<int> apply_record_input(const EntitySchema& schema, Record& record,
                                    const RecordInput& input) {
  (void)schema;
  std::vector<int> changed;
  for (const auto& [i, value] : input.values) {
    auto& slot = record.values[static_cast<std::size_t>(i)];
    if (slot != value) {
      slot = value;
      changed.push_back(i);
    }
  }
  return changed;
}

}  // namespace sb
