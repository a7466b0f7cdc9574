// JSON string literals written by hand, for the paths that build JSON text without a DOM
// (Lua tables, streamed exports).
#pragma once

#include <string>
#include <string_view>

namespace sb {

// Appends `text` as a quoted JSON string, escaped as Poco's stringifier does (\b \f \n \r \t,
// other control characters as \u00XX; bytes >= 0x80 as is), so both write the same text.
void append_json_string(std::string& out, std::string_view text);
std::string json_quoted(std::string_view text);

}  // namespace sb
