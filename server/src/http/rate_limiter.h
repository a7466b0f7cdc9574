// Per-API-key token buckets: sustained requests per second plus a burst. In-process, so
// with N server processes a key gets up to N times the rate; documented in operations.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>

namespace sb {

class RateLimiter {
 public:
  // rate_per_s <= 0 disables limiting.
  RateLimiter(double rate_per_s, double burst) : rate_(rate_per_s), burst_(burst) {}

  // True when the request may proceed; otherwise `retry_after_s` says when to come back.
  bool allow(std::int64_t key_id, int& retry_after_s);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point updated;
  };
  double rate_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::int64_t, Bucket> buckets_;
};

}  // namespace sb
