// Sorted lists of names (event types, timeline kinds): built once, looked up by binary
// search.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

// Sorts `names` and drops repeats.
inline std::vector<std::string> sorted_unique(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// Whether sorted `names` holds `name`.
inline bool has_name(const std::vector<std::string>& names, std::string_view name) {
  return std::binary_search(names.begin(), names.end(), name, std::less<>());
}

}  // namespace sb
