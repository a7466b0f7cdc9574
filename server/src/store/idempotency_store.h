// Idempotency keys: a POST carrying `Idempotency-Key` runs once; a retry with the same key
// and body gets the stored response instead of a second effect.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/clock.h"

namespace soci {
class session;
}

namespace sb {

class Database;

struct StoredResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The key is taken in the same transaction as the request's effects (Database::CommitClaim),
// so a crash or a lost database between the effects and the stored response can never let
// a retry apply them twice; at worst the retry learns that the response was not kept.
class IdempotencyStore {
 public:
  explicit IdempotencyStore(Database& db) : db_(db) {}

  static constexpr EpochMs kRetentionMs = 24LL * 3600 * 1000;
  // A key taken with no response stored this long after is taken as lost (its process
  // died, or the database went away, between the commit and storing the response).
  static constexpr EpochMs kResponseGraceMs = 10'000;

  enum class Outcome { kNew, kReplay, kMismatch, kInProgress, kLost };
  struct Lookup {
    Outcome outcome = Outcome::kNew;
    StoredResponse stored;  // kReplay
  };

  // What a request with (team, key) and this method+path+body hash should do.
  Lookup lookup(std::int64_t team_id, const std::string& key,
                const std::string& request_hash) const;
  // Takes the key inside the caller's write transaction. Throws Error(kConflict) when a
  // concurrent request with the same key committed first (the caller's transaction then
  // rolls back, effects included).
  void claim(soci::session& s, std::int64_t team_id, const std::string& key,
             const std::string& request_hash) const;
  // Stores the response of a request that claimed the key, or records key and response
  // together for one that wrote nothing.
  void complete(std::int64_t team_id, const std::string& key, const std::string& request_hash,
                const StoredResponse& response) const;

 private:
  Database& db_;
};

}  // namespace sb
