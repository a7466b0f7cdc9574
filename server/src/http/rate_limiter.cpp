// Token buckets per key: a request takes a token free now or is told when one will be.
#include "http/rate_limiter.h"

#include <cmath>

#include "model/clock.h"

namespace sb {

bool RateLimiter::allow(std::int64_t key_id, int& retry_after_s) {
  if (rate_ <= 0) return true;
  const double now = steady_seconds();
  std::lock_guard lock(mutex_);
  PaceBucket& b = buckets_[key_id];
  const double at = b.earliest(rate_, burst_);
  if (at <= now) {
    b.take(now, rate_);
    return true;
  }
  retry_after_s = std::max(1, static_cast<int>(std::ceil(at - now)));
  return false;
}

}  // namespace sb
