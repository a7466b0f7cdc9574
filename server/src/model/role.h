// Team roles, ordered by power: owner > admin > agent > viewer.
#pragma once

#include <optional>
#include <string_view>

namespace sb {

enum class Role { kViewer = 0, kAgent = 1, kAdmin = 2, kOwner = 3 };

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);
// True when `have` may do what needs `need`.
inline bool role_at_least(Role have, Role need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

}  // namespace sb
