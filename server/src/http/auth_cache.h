// A short-lived cache of authenticated keys (hash -> Principal), so a request does not pay
// a database round trip to learn who is calling. Revocation through this process evicts at
// once; another process may honour a revoked key until the TTL (SB_AUTH_CACHE_TTL_MS,
// default 2 s) runs out. Unknown keys are never cached.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "model/team.h"

namespace sb {

class AuthCache {
 public:
  AuthCache(std::chrono::milliseconds ttl, std::size_t max_entries = 10000)
      : ttl_(ttl), max_entries_(max_entries) {}

  bool enabled() const { return ttl_.count() > 0; }
  std::optional<Principal> find(const std::string& key_hash) const;
  void put(const std::string& key_hash, const Principal& principal);
  // Drops every entry of this key (called when it is revoked).
  void evict(std::int64_t team_id, std::int64_t key_id);

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    Principal principal;
    Clock::time_point expires;
  };
  std::chrono::milliseconds ttl_;
  std::size_t max_entries_;
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace sb
