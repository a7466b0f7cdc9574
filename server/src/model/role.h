// Team roles, ordered by power: owner > admin > agent > viewer. An agent-bot key belongs to
// one chatbot (agent) and ranks below viewer: only routes that admit bots accept it.
#pragma once

#include <optional>
#include <string_view>

namespace sb {

enum class Role { kAgentBot = -1, kViewer = 0, kAgent = 1, kAdmin = 2, kOwner = 3 };

std::string_view role_name(Role role);
// Team roles only (users, keys created over /v1/api-keys).
std::optional<Role> parse_role(std::string_view name);
// Any stored key role, including agent-bot.
std::optional<Role> parse_key_role(std::string_view name);
// True when `have` may do what needs `need`.
inline bool role_at_least(Role have, Role need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

}  // namespace sb
