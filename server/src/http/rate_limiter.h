// Per-API-key token buckets: sustained requests per second plus a burst. In-process, so
// with N server processes a key gets up to N times the rate; documented in operations.md.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "model/pace_bucket.h"

namespace sb {

class RateLimiter {
 public:
  // rate_per_s <= 0 disables limiting.
  RateLimiter(double rate_per_s, double burst) : rate_(rate_per_s), burst_(burst) {}

  // True when the request may proceed; otherwise `retry_after_s` says when to come back.
  bool allow(std::int64_t key_id, int& retry_after_s);

 private:
  double rate_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, PaceBucket> buckets_;
};

}  // namespace sb
