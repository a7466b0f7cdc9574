// API keys: issued as "sb_<random>", shown once, stored only as a SHA-256 hash.
// A plain hash (not bcrypt) is enough because the secret carries ~238 random bits: no
// dictionary to attack, and authentication stays one indexed lookup per request.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/team.h"
#include "store/event_store.h"

namespace soci {
class session;
}

namespace sb {

struct IssuedKey {
  ApiKey key;
  std::string secret;  // the only time the plain key exists outside the caller
};

class ApiKeyStore {
 public:
  explicit ApiKeyStore(const Dialect& dialect) : events_(dialect) {}

  static std::string generate_secret();
  static std::string hash_secret(std::string_view secret);
  // Shape check before any lookup: "sb_" + 20..200 characters of [A-Za-z0-9_-].
  static bool well_formed(std::string_view secret);

  // Inside a write transaction; also appends an api_key.created event. `secret` is for
  // SB_BOOTSTRAP_API_KEY; otherwise one is generated. Throws Error(kConflict) when the
  // secret is already in use.
  IssuedKey issue(soci::session& s, std::int64_t team_id, std::string_view name, Role role,
                  std::optional<std::string> secret = std::nullopt,
                  std::optional<std::int64_t> agent_id = std::nullopt) const;

  // The active (not revoked) key with this secret, across all teams; one indexed query.
  std::optional<Principal> authenticate(soci::session& s, std::string_view secret) const;
  // Same, for a secret already hashed with hash_secret().
  std::optional<Principal> authenticate_hash(soci::session& s, const std::string& hash) const;

  std::optional<ApiKey> get(soci::session& s, std::int64_t team_id, std::int64_t id) const;
  // Keys of one team with id > after_id, oldest first.
  std::vector<ApiKey> list(soci::session& s, std::int64_t team_id, std::int64_t after_id,
                           int limit) const;
  // Inside a write transaction; appends api_key.revoked. False when no active key of this
  // team has the id.
  bool revoke(soci::session& s, std::int64_t team_id, std::int64_t id) const;

 private:
  EventStore events_;
};

}  // namespace sb
