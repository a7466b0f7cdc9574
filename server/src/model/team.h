// Tenants and their API keys as plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/actor.h"
#include "model/clock.h"
#include "model/role.h"

namespace sb {

struct Team {
  std::int64_t id = 0;
  std::string name;
  EpochMs created_at = 0;
};

struct ApiKey {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::string name;
  Role role = Role::kViewer;
  std::string prefix;  // first characters of the secret, enough to recognise it in a list
  EpochMs created_at = 0;
  std::optional<EpochMs> revoked_at;
  std::optional<std::int64_t> agent_id;  // agent-bot keys: the chatbot they belong to
};

// Who is calling: resolved from the bearer key (or a person's session cookie) on every
// authenticated request (keys cached briefly, see http/auth_cache.h), with what /v1/me shows.
struct Principal {
  std::int64_t team_id = 0;
  std::int64_t key_id = 0;
  Role role = Role::kViewer;
  std::string team_name;
  std::string key_name;
  std::string key_prefix;
  std::optional<std::int64_t> agent_id;  // agent-bot keys only
  // A person signed in through a session (key_id is then 0): who, and which session.
  std::optional<std::int64_t> user_id;
  std::int64_t session_id = 0;
  std::string user_name;
  std::string user_email;

  // Who this principal's writes are attributed to.
  Actor actor() const {
    return {.key_id = key_id ? std::optional<std::int64_t>(key_id) : std::nullopt,
            .user_id = user_id};
  }
};

}  // namespace sb
