// Role names as they appear in the API, the CLI and the database.
#include "model/role.h"

namespace sb {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kOwner:
      return "owner";
    case Role::kAdmin:
      return "admin";
    case Role::kAgent:
      return "agent";
    case Role::kViewer:
      return "viewer";
    case Role::kAgentBot:
      return "agent-bot";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : {Role::kOwner, Role::kAdmin, Role::kAgent, Role::kViewer}) {
    if (role_name(r) == name) return r;
  }
  return std::nullopt;
}

std::optional<Role> parse_key_role(std::string_view name) {
  if (name == role_name(Role::kAgentBot)) return Role::kAgentBot;
  return parse_role(name);
}

}  // namespace sb
