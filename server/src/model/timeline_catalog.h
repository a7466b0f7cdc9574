// Every kind of timeline entry the server writes, in one list: the OpenAPI document's enum
// of timeline kinds is generated from it, and the API tests check every entry they cause
// is in it. Adding a kind means adding it here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sb {

// Sorted, unique.
const std::vector<std::string>& known_timeline_kinds();

bool is_known_timeline_kind(std::string_view kind);

}  // namespace sb
