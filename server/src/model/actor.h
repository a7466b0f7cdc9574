// Who made a change, as stored beside it: an API key, a signed-in person, or neither
// (workflows, plugins, the system). Reads add the actor's display name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sb {

struct Actor {
  std::optional<std::int64_t> key_id;
  std::optional<std::int64_t> user_id;

  static Actor key(std::int64_t id) { return {.key_id = id, .user_id = std::nullopt}; }
  static Actor none() { return {}; }
  bool empty() const { return !key_id && !user_id; }
};

// An actor as read back: ids plus the key's or person's name at read time (empty when
// neither is set, or the key or person is gone).
struct ActorRef {
  Actor actor;
  std::string name;
};

}  // namespace sb
