// A small validating JSON scanner.
#include "model/json_syntax.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace sb {

std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) {
  unsigned char c = static_cast<unsigned char>(text[pos]);
  std::size_t len = 0;
  std::uint32_t cp = 0;
  if (c < 0x80) return 1;
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
    return 0;
  }
  if (pos + len > text.size()) return 0;
  for (std::size_t i = 1; i < len; ++i) {
    unsigned char cc = static_cast<unsigned char>(text[pos + i]);
    if ((cc & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  if (overlong || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return len;
}

bool valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = utf8_sequence_length(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}
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
    std::size_t len = utf8_sequence_length(s_, pos_);
    if (len == 0) return failed("invalid UTF-8 sequence");
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

}  // namespace

std::optional<JsonSyntaxError> check_json_syntax(std::string_view text, int max_depth) {
  return Scanner(text, max_depth).run();
}

}  // namespace sb
