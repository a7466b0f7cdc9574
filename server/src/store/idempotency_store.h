// Idempotency keys: a POST carrying `Idempotency-Key` reserves the key before it runs; a
// retry with the same key and body gets the stored response instead of a second effect.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/clock.h"

namespace sb {

class Database;

struct StoredResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class IdempotencyStore {
 public:
  explicit IdempotencyStore(Database& db) : db_(db) {}

  static constexpr EpochMs kRetentionMs = 24LL * 3600 * 1000;

  enum class Outcome { kReserved, kReplay, kMismatch, kInProgress };
  struct Reservation {
    Outcome outcome = Outcome::kReserved;
    StoredResponse stored;  // kReplay
  };

  // Reserves (team, key) for a request whose method, path and body hash to `request_hash`.
  Reservation reserve(std::int64_t team_id, const std::string& key,
                      const std::string& request_hash) const;
  void complete(std::int64_t team_id, const std::string& key, const StoredResponse& response) const;
  // Frees the key after a failure that changed nothing the client could rely on (5xx).
  void release(std::int64_t team_id, const std::string& key) const;

 private:
  Database& db_;
};

}  // namespace sb
