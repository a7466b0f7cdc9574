// Token buckets per key: a request takes a token free now or is told when one will be.
#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "model/clock.h"

namespace sb {

bool RateLimiter::free_now(const PaceBucket& b, double now, int& retry_after_s) const {
  const double at = b.earliest(rate_, burst_);
  if (at <= now) return true;
  retry_after_s = std::max(1, static_cast<int>(std::ceil(at - now)));
  return false;
}

bool RateLimiter::allow(std::int64_t key, int& retry_after_s, Quota* quota) {
  if (rate_ <= 0) return true;
  const double now = steady_seconds();
  std::lock_guard lock(mutex_);
  sweep(now);
  PaceBucket& b = buckets_[key];
  const bool ok = free_now(b, now, retry_after_s);
  if (ok) b.take(now, rate_);
  if (quota) {
    // The bucket holds `burst` tokens when `due` is at or before now; each token owed
    // pushes `due` 1/rate further out.
    const double owed = std::max(0.0, b.due - now) * rate_;
    quota->limit = static_cast<int>(burst_);
    quota->remaining =
        std::clamp(static_cast<int>(std::floor(burst_ - owed + 1e-6)), 0, quota->limit);
    quota->reset_s = static_cast<int>(std::ceil(std::max(0.0, b.due - now)));
  }
  return ok;
}

bool RateLimiter::exhausted(std::int64_t key, int& retry_after_s) {
  if (rate_ <= 0) return false;
  const double now = steady_seconds();
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(key);
  return it != buckets_.end() && !free_now(it->second, now, retry_after_s);
}

void RateLimiter::charge(std::int64_t key) {
  if (rate_ <= 0) return;
  const double now = steady_seconds();
  std::lock_guard lock(mutex_);
  sweep(now);
  buckets_[key].take(now, rate_);
}

std::size_t RateLimiter::keys() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

void RateLimiter::sweep(double now) {
  if (buckets_.size() < next_sweep_) return;
  // Full buckets first: dropping one changes nothing. Then, if a flood of new addresses
  // still fills the map, the ones not limited right now: each could only have been a
  // fresh address anyway, which is what an attacker rotating addresses already gets.
  std::erase_if(buckets_, [&](const auto& kv) { return kv.second.due <= now; });
  if (buckets_.size() >= max_keys_) {
    std::erase_if(buckets_,
                  [&](const auto& kv) { return kv.second.earliest(rate_, burst_) <= now; });
  }
  // What is left is limited now; sweeping again at every insert would be quadratic.
  next_sweep_ = std::max(max_keys_, buckets_.size() * 2);
}

std::int64_t RateLimiter::address_key(std::string_view address) {
  return static_cast<std::int64_t>(std::hash<std::string_view>{}(address));
}

}  // namespace sb
