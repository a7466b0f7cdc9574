// What hangs off a contact and a team, as plain values: notes, file attachments, team
// members (users).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/actor.h"
#include "model/clock.h"
#include "model/role.h"

namespace sb {

// A note's body is Markdown source, stored verbatim.
struct Note {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  ActorRef author;
  std::string body;
  bool pinned = false;
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

// A file attached to a contact; the bytes live in content-addressed storage by sha256.
struct ContactFile {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  std::string name;
  std::string content_type;
  std::int64_t size = 0;
  std::string sha256;
  ActorRef uploaded_by;
  EpochMs created_at = 0;
};

// A team member contacts can be assigned to; deactivated, never deleted.
struct User {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::string name;
  std::string email;
  Role role = Role::kAgent;
  bool active = true;
  bool can_sign_in = false;  // has a password (read only: set through setup, invite, reset)
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

}  // namespace sb
