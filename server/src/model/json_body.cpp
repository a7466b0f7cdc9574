// Request bodies: syntax check (model/json_syntax) then typed field access.
#include "model/json_body.h"

#include <Poco/JSON/Parser.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "model/clock.h"

#include "model/error.h"

namespace sb {
namespace {

Error wrong_type(const std::string& key, std::string_view expected) {
  return Error::validation(key, "must be " + std::string(expected));
}

}  // namespace

Poco::JSON::Object::Ptr parse_json_object(std::string_view body) {
  if (auto err = check_json_syntax(body)) {
    throw Error(ErrorCode::kInvalidJson,
                "malformed JSON at line " + std::to_string(err->line) + ", column " +
                    std::to_string(err->column) + ": " + err->message,
                {{"line", static_cast<std::int64_t>(err->line)},
                 {"column", static_cast<std::int64_t>(err->column)},
                 {"offset", static_cast<std::int64_t>(err->offset)}});
  }
  std::size_t first = body.find_first_not_of(" \t\r\n");
  if (body[first] != '{') {
    throw Error(ErrorCode::kValidationFailed, "the body must be a JSON object",
                {{"field", std::string("(body)")}, {"reason", std::string("not an object")}});
  }
  try {
    Poco::JSON::Parser parser;
    return parser.parse(std::string(body)).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    // What the scanner lets through and Poco refuses: lone UTF-16 surrogates in \u escapes.
    throw Error(ErrorCode::kInvalidJson, "malformed JSON: " + e.message());
  }
}

std::optional<std::int64_t> json_int64(const Poco::Dynamic::Var& v) {
  if (!v.isInteger()) return std::nullopt;
  if (v.type() == typeid(Poco::UInt64) &&
      v.extract<Poco::UInt64>() > static_cast<Poco::UInt64>(INT64_MAX)) {
    return std::nullopt;
  }
  try {
    return v.convert<std::int64_t>();
  } catch (const Poco::Exception&) {
    return std::nullopt;  // any other unsigned type out of range
  }
}

bool JsonFields::present(const std::string& key) {
  known_.insert(key);
  return object_->has(key) && !object_->isNull(key);
}

std::optional<std::string> JsonFields::optional_string(const std::string& key,
                                                       std::size_t max_len) {
  if (!present(key)) return std::nullopt;
  Poco::Dynamic::Var v = object_->get(key);
  if (!v.isString()) throw wrong_type(key, "a string");
  std::string s = v.extract<std::string>();
  if (s.find('\0') != std::string::npos) {
    throw Error::validation(key, "must not contain NUL characters");
  }
  if (s.size() > max_len) {
    throw Error::validation(key, "must be at most " + std::to_string(max_len) + " bytes");
  }
  return s;
}

std::string JsonFields::required_string(const std::string& key, std::size_t max_len) {
  auto s = optional_string(key, max_len);
  if (!s || s->empty()) throw Error::validation(key, "is required");
  return *s;
}

std::string JsonFields::required_enum(const std::string& key,
                                      std::initializer_list<std::string_view> allowed) {
  std::string joined;
  for (std::string_view a : allowed) joined += (joined.empty() ? "" : ", ") + std::string(a);
  auto s = optional_string(key, 64);
  if (!s) throw Error::validation(key, "is required (one of: " + joined + ")");
  for (std::string_view a : allowed) {
    if (a == *s) return *s;
  }
  throw Error::validation(key, "must be one of: " + joined);
}

std::optional<std::int64_t> JsonFields::optional_int(const std::string& key, std::int64_t min,
                                                     std::int64_t max) {
  if (!present(key)) return std::nullopt;
  Poco::Dynamic::Var v = object_->get(key);
  auto i = json_int64(v);
  if (!i && v.isInteger()) {  // an integer, but beyond 64 bits
    throw Error::validation(
        key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  if (!i) throw wrong_type(key, "an integer");
  std::int64_t n = *i;
  if (n < min || n > max) {
    throw Error::validation(
        key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return n;
}

std::optional<bool> JsonFields::optional_bool(const std::string& key) {
  if (!present(key)) return std::nullopt;
  Poco::Dynamic::Var v = object_->get(key);
  if (!v.isBoolean()) throw wrong_type(key, "true or false");
  return v.extract<bool>();
}

namespace {
bool is_null(const Poco::JSON::Object::Ptr& o, const std::string& key) {
  return o->isNull(key);
}
}  // namespace

void JsonFields::read(const std::string& key, Patch<std::string>& out, std::size_t max_len) {
  known_.insert(key);
  if (!object_->has(key)) return;
  if (is_null(object_, key)) return out.set(std::nullopt);
  out.set(optional_string(key, max_len));
}

std::vector<std::string> JsonFields::string_array(const std::string& key, std::size_t max_items) {
  known_.insert(key);
  std::vector<std::string> items;
  if (!object_->has(key) || is_null(object_, key)) return items;
  Poco::Dynamic::Var v = object_->get(key);
  if (!v.isArray()) throw wrong_type(key, "an array of strings");
  auto arr = v.extract<Poco::JSON::Array::Ptr>();
  if (arr->size() > max_items) {
    throw Error::validation(
        key, "at most " + std::to_string(max_items) + " items, got " + std::to_string(arr->size()));
  }
  for (std::size_t i = 0; i < arr->size(); ++i) {
    auto item = arr->get(static_cast<unsigned>(i));
    if (!item.isString()) throw wrong_type(key, "an array of strings");
    std::string s = item.extract<std::string>();
    if (s.find('\0') != std::string::npos)
      throw Error::validation(key, "must not contain NUL characters");
    items.push_back(std::move(s));
  }
  return items;
}

void JsonFields::read(const std::string& key, Patch<std::vector<std::string>>& out,
                      std::size_t max_items) {
  known_.insert(key);
  if (!object_->has(key)) return;
  if (is_null(object_, key)) return out.set(std::nullopt);
  out.set(string_array(key, max_items));
}

void JsonFields::read(const std::string& key, Patch<double>& out) {
  known_.insert(key);
  if (!object_->has(key)) return;
  if (is_null(object_, key)) return out.set(std::nullopt);
  Poco::Dynamic::Var v = object_->get(key);
  if (!v.isNumeric()) throw wrong_type(key, "a number");
  double d = v.convert<double>();
  if (!std::isfinite(d)) throw wrong_type(key, "a finite number");
  out.set(d);
}

void JsonFields::read(const std::string& key, Patch<std::int64_t>& out) {
  known_.insert(key);
  if (!object_->has(key)) return;
  if (is_null(object_, key)) return out.set(std::nullopt);
  out.set(optional_int(key, 1, std::numeric_limits<std::int64_t>::max()));
}

void JsonFields::read(const std::string& key, Patch<std::map<std::string, std::string>>& out) {
  known_.insert(key);
  if (!object_->has(key)) return;
  if (is_null(object_, key)) return out.set(std::nullopt);
  Poco::Dynamic::Var v = object_->get(key);
  if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw wrong_type(key, "an object of strings");
  std::map<std::string, std::string> m;
  for (const auto& [k, item] : *v.extract<Poco::JSON::Object::Ptr>()) {
    if (!item.isString()) throw Error::validation(key + "." + k, "must be a string");
    std::string s = item.extract<std::string>();
    if (s.find('\0') != std::string::npos || k.find('\0') != std::string::npos) {
      throw Error::validation(key + "." + k, "must not contain NUL characters");
    }
    m[k] = s;
  }
  out.set(std::move(m));
}

void JsonFields::read_time(const std::string& key, Patch<std::int64_t>& out) {
  known_.insert(key);
  if (!object_->has(key)) return;
  if (is_null(object_, key)) return out.set(std::nullopt);
  auto s = optional_string(key, 64);
  auto ms = s ? parse_iso8601(*s) : std::nullopt;
  if (!ms) throw Error::validation(key, "must be an ISO-8601 time, e.g. 2026-11-21T14:00:00Z");
  out.set(*ms);
}

void JsonFields::read_object(const std::string& key, Patch<std::string>& out) {
  known_.insert(key);
  if (!object_->has(key)) return;
  if (is_null(object_, key)) return out.set(std::nullopt);
  Poco::Dynamic::Var v = object_->get(key);
  if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw wrong_type(key, "an object");
  std::ostringstream text;
  v.extract<Poco::JSON::Object::Ptr>()->stringify(text);
  out.set(text.str());
}

std::optional<Poco::JSON::Object::Ptr> JsonFields::optional_object(const std::string& key) {
  if (!present(key)) return std::nullopt;
  Poco::Dynamic::Var v = object_->get(key);
  if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw wrong_type(key, "an object");
  return v.extract<Poco::JSON::Object::Ptr>();
}

std::optional<std::vector<std::int64_t>> JsonFields::optional_id_array(const std::string& key,
                                                                       std::size_t max_items) {
  if (!present(key)) return std::nullopt;
  Poco::Dynamic::Var v = object_->get(key);
  if (!v.isArray()) throw wrong_type(key, "an array of ids");
  auto arr = v.extract<Poco::JSON::Array::Ptr>();
  if (arr->size() == 0 || arr->size() > max_items) {
    throw Error::validation(key, "must hold 1 to " + std::to_string(max_items) + " ids");
  }
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    auto item = arr->get(static_cast<unsigned>(i));
    auto id = json_int64(item);
    if (!id || *id <= 0) throw wrong_type(key, "an array of positive integer ids");
    out.push_back(*id);
  }
  return out;
}

void JsonFields::reject_unknown_as(const std::string& prefix, const std::string& reason) const {
  for (const auto& [key, value] : *object_) {
    if (!known_.count(key)) throw Error::validation(prefix + "." + key, reason);
  }
}

void JsonFields::reject_unknown() const {
  for (const auto& [key, value] : *object_) {
    if (!known_.count(key)) throw Error::validation(key, "unknown field");
  }
}

}  // namespace sb
