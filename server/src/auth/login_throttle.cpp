#include "auth/login_throttle.h"

namespace sb::auth {

int LoginThrottle::retry_after(const std::string& account) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(account);
  if (it == entries_.end() || it->second.failures < max_failures_) return 0;
  auto left = it->second.window_start + window_ - Clock::now();
  if (left <= Clock::duration::zero()) {
    entries_.erase(it);
    return 0;
  }
  return static_cast<int>(std::chrono::ceil<std::chrono::seconds>(left).count());
}

void LoginThrottle::failed(const std::string& account) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  // Bounded memory under a spray of made-up emails: forget windows that ended.
  if (entries_.size() > 100000) {
    std::erase_if(entries_, [&](const auto& e) { return e.second.window_start + window_ < now; });
  }
  Entry& e = entries_[account];
  if (e.failures == 0 || e.window_start + window_ < now) {
    e.failures = 0;
    e.window_start = now;
  }
  ++e.failures;
}

void LoginThrottle::succeeded(const std::string& account) {
  std::lock_guard lock(mutex_);
  entries_.erase(account);
}

}  // namespace sb::auth
