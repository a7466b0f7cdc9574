// TTL cache of principals.
#include "http/auth_cache.h"

#include <mutex>

namespace sb {

std::optional<Principal> AuthCache::find(const std::string& key_hash) const {
  if (!enabled()) return std::nullopt;
  std::shared_lock lock(mutex_);
  auto it = entries_.find(key_hash);
  if (it == entries_.end() || it->second.expires < Clock::now()) return std::nullopt;
  return it->second.principal;
}

void AuthCache::put(const std::string& key_hash, const Principal& principal) {
  if (!enabled()) return;
  std::unique_lock lock(mutex_);
  // Bounded: a flood of distinct valid keys cannot grow memory; clearing is rare and cheap.
  if (entries_.size() >= max_entries_) entries_.clear();
  entries_[key_hash] = Entry{principal, Clock::now() + ttl_};
}

void AuthCache::evict(std::int64_t team_id, std::int64_t key_id) {
  std::unique_lock lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.principal.team_id == team_id && it->second.principal.key_id == key_id) {
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace sb
