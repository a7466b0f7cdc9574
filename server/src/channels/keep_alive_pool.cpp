// Idle connections per target, newest reused first.
#include "channels/keep_alive_pool.h"

#include <Poco/Net/HTTPClientSession.h>

namespace sb::channels {

KeepAlivePool::KeepAlivePool(std::size_t per_target, std::chrono::milliseconds max_idle)
    : per_target_(per_target), max_idle_(max_idle) {}

KeepAlivePool::~KeepAlivePool() = default;

KeepAlivePool::Session KeepAlivePool::take(const std::string& target) {
  const auto now = std::chrono::steady_clock::now();
  std::vector<Idle> stale;  // closed outside the lock
  Session found;
  {
    std::lock_guard lock(mutex_);
    auto it = idle_.find(target);
    if (it == idle_.end()) return nullptr;
    auto& list = it->second;
    while (!list.empty() && !found) {
      Idle last = std::move(list.back());
      list.pop_back();
      if (now - last.since < max_idle_) {
        found = std::move(last.session);
      } else {
        stale.push_back(std::move(last));
      }
    }
    if (list.empty()) idle_.erase(it);
  }
  return found;
}

void KeepAlivePool::give_back(const std::string& target, Session session) {
  const auto now = std::chrono::steady_clock::now();
  std::vector<Idle> dropped;  // closed outside the lock
  std::lock_guard lock(mutex_);
  if (!idle_.count(target) && idle_.size() >= kMaxTargets) {
    // Many receivers: forget the targets whose newest connection is oldest.
    for (auto it = idle_.begin(); it != idle_.end();) {
      if (now - it->second.back().since >= max_idle_) {
        for (auto& i : it->second) dropped.push_back(std::move(i));
        it = idle_.erase(it);
      } else {
        ++it;
      }
    }
    if (idle_.size() >= kMaxTargets) return;  // `session` closes
  }
  auto& list = idle_[target];
  if (list.size() >= per_target_) {
    dropped.push_back(std::move(list.front()));
    list.erase(list.begin());
  }
  list.push_back({std::move(session), now});
}

}  // namespace sb::channels
