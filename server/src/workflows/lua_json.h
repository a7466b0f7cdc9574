// JSON text <-> Lua values without an intermediate tree: events reach handlers as tables
// in microseconds, and what handlers pass to crm.* is checked and serialised in one pass.
#pragma once

#include <string>
#include <string_view>

#include "model/json_escape.h"  // json_quoted, used with these by every crm binding

struct lua_State;

namespace sb::wf {

// Pushes the JSON value (objects and arrays as tables, null as nil). Raises a Lua error on
// malformed text: call it only where a Lua error may unwind (inside a protected call).
void push_json(lua_State* L, std::string_view json);
// The JSON text of the value at `index`: a table with keys 1..n is an array, any other
// table an object with string keys; nil is null. Raises a Lua error naming `what` for
// functions, cycles, NaN, non-string keys or more than 64 levels.
std::string to_json(lua_State* L, int index, const char* what);

}  // namespace sb::wf
