// A small validating JSON scanner (Poco's parser reports no position and recurses without
// a depth limit) and typed field access for request bodies.
#include "http/json_body.h"

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

class Scanner {
 public:
  Scanner(std::string_view text, int max_depth) : s_(text), max_depth_(max_depth) {}

  std::optional<JsonSyntaxError> run() {
    skip_ws();
    if (at_end()) return fail("empty body: expected a JSON value");
    if (!value(0)) return error_;
    skip_ws();
    if (!at_end()) return fail("unexpected data after the JSON value");
    return std::nullopt;
  }

 private:
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return s_[pos_]; }

  std::optional<JsonSyntaxError> fail(std::string message) {
    JsonSyntaxError e;
    e.offset = pos_;
    for (std::size_t i = 0; i < pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++e.line;
        e.column = 1;
      } else {
        ++e.column;
      }
    }
    e.message = std::move(message);
    error_ = e;
    return error_;
  }
  bool failed(std::string message) {
    fail(std::move(message));
    return false;
  }

  void skip_ws() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
      ++pos_;
  }

  bool value(int depth) {
    if (at_end()) return failed("unexpected end of input: expected a value");
    switch (peek()) {
      case '{':
        return object(depth + 1);
      case '[':
        return array(depth + 1);
      case '"': {
        std::string_view ignored;
        return string(ignored);
      }
      case 't':
        return literal("true");
      case 'f':
        return literal("false");
      case 'n':
        return literal("null");
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
        return failed(std::string("unexpected character '") + describe(peek()) + "'");
    }
  }

  static std::string describe(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      return buf;
    }
    return std::string(1, c);
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) {
      return failed("invalid literal: expected '" + std::string(word) + "'");
    }
    pos_ += word.size();
    return true;
  }

  bool digits() {
    std::size_t start = pos_;
    while (!at_end() && peek() >= '0' && peek() <= '9') ++pos_;
    return pos_ > start;
  }

  bool number() {
    if (peek() == '-') ++pos_;
    if (at_end()) return failed("invalid number: expected a digit");
    if (peek() == '0') {
      ++pos_;
    } else if (!digits()) {
      return failed("invalid number: expected a digit");
    }
    if (!at_end() && peek() == '.') {
      ++pos_;
      if (!digits()) return failed("invalid number: expected a digit after '.'");
    }
    if (!at_end() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!at_end() && (peek() == '+' || peek() == '-')) ++pos_;
      if (!digits()) return failed("invalid number: expected a digit in the exponent");
    }
    return true;
  }

  // Validates a string; `raw` is the text between the quotes (escapes not decoded), which
  // is enough to compare object keys for duplicates.
  bool string(std::string_view& raw) {
    ++pos_;  // opening quote
    std::size_t start = pos_;
    while (true) {
      if (at_end()) return failed("unterminated string");
      unsigned char c = static_cast<unsigned char>(peek());
      if (c == '"') break;
      if (c < 0x20) return failed("control character in string: escape it");
      if (c == '\\') {
        ++pos_;
        if (at_end()) return failed("unterminated string");
        char e = peek();
        if (e == 'u') {
          for (int i = 1; i <= 4; ++i) {
            if (pos_ + i >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[pos_ + i]))) {
              return failed("invalid \\u escape: expected 4 hex digits");
            }
          }
          pos_ += 5;
          continue;
        }
        if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
          return failed(std::string("invalid escape '\\") + describe(e) + "'");
        }
        ++pos_;
        continue;
      }
      if (c < 0x80) {
        ++pos_;
        continue;
      }
      if (!utf8_sequence()) return false;
    }
    raw = s_.substr(start, pos_ - start);
    ++pos_;  // closing quote
    return true;
  }

  bool utf8_sequence() {
    unsigned char c = static_cast<unsigned char>(peek());
    int len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return failed("invalid UTF-8 byte");
    }
    if (pos_ + len > s_.size()) return failed("truncated UTF-8 sequence");
    for (int i = 1; i < len; ++i) {
      unsigned char cc = static_cast<unsigned char>(s_[pos_ + i]);
      if ((cc & 0xc0) != 0x80) return failed("invalid UTF-8 sequence");
      cp = (cp << 6) | (cc & 0x3f);
    }
    bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return failed("invalid UTF-8 sequence");
    }
    pos_ += len;
    return true;
  }

  bool object(int depth) {
    if (depth > max_depth_) return failed("nesting deeper than " + std::to_string(max_depth_));
    ++pos_;
    skip_ws();
    std::vector<std::string_view> keys;
    if (!at_end() && peek() == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_ws();
      if (at_end() || peek() != '"') return failed("expected a string key");
      std::size_t key_pos = pos_;
      std::string_view key;
      if (!string(key)) return false;
      for (std::string_view k : keys) {
        if (k == key) {
          pos_ = key_pos;
          return failed("duplicate key \"" + std::string(key) + "\"");
        }
      }
      keys.push_back(key);
      skip_ws();
      if (at_end() || peek() != ':') return failed("expected ':' after the key");
      ++pos_;
      skip_ws();
      if (!value(depth)) return false;
      skip_ws();
      if (at_end()) return failed("unexpected end of input: expected ',' or '}'");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      return failed("expected ',' or '}'");
    }
  }

  bool array(int depth) {
    if (depth > max_depth_) return failed("nesting deeper than " + std::to_string(max_depth_));
    ++pos_;
    skip_ws();
    if (!at_end() && peek() == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      skip_ws();
      if (!value(depth)) return false;
      skip_ws();
      if (at_end()) return failed("unexpected end of input: expected ',' or ']'");
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      return failed("expected ',' or ']'");
    }
  }

  std::string_view s_;
  int max_depth_;
  std::size_t pos_ = 0;
  std::optional<JsonSyntaxError> error_;
};

Error wrong_type(const std::string& key, std::string_view expected) {
  return Error::validation(key, "must be " + std::string(expected));
}

}  // namespace

std::optional<JsonSyntaxError> check_json_syntax(std::string_view text, int max_depth) {
  return Scanner(text, max_depth).run();
}

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
  if (!v.isInteger()) throw wrong_type(key, "an integer");
  std::int64_t n = v.convert<std::int64_t>();
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
    if (!item.isInteger() || item.convert<std::int64_t>() <= 0)
      throw wrong_type(key, "an array of positive integer ids");
    out.push_back(item.convert<std::int64_t>());
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
