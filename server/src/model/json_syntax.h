// Strict JSON syntax checking with the position of the first error: Poco's parser reports
// no position, echoes raw bytes in its messages and recurses without a depth limit, so
// every untrusted JSON text goes through this first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sb {

struct JsonSyntaxError {
  std::size_t offset = 0;  // byte offset of the offending character
  std::size_t line = 1;
  std::size_t column = 1;  // in bytes, 1-based
  std::string message;
};

// Length of the UTF-8 sequence starting at text[pos] (1 for ASCII), 0 when it is invalid
// (overlong, surrogate, beyond U+10FFFF, truncated).
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos);
bool valid_utf8(std::string_view text);

// RFC 8259 with limits: nesting depth, valid UTF-8, no duplicate keys in an object.
std::optional<JsonSyntaxError> check_json_syntax(std::string_view text, int max_depth = 64);

}  // namespace sb
