// JSON string literals written by hand, for the paths that build JSON text without a DOM
// (Lua tables, streamed exports).
#pragma once

#include <string>
#include <string_view>

namespace sb {

// Appends `text` as a quoted JSON string (control characters escaped; bytes >= 0x80 as is).
void append_json_string(std::string& out, std::string_view text);
std::string json_quoted(std::string_view text);

}  // namespace sb
