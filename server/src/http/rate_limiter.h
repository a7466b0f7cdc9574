// Token buckets keyed by API key or client address: sustained requests per second plus a
// burst. In-process, so with N server processes a key gets up to N times the rate;
// documented in operations.md. Memory is bounded: idle buckets are dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "model/pace_bucket.h"

namespace sb {

class RateLimiter {
 public:
  // rate_per_s <= 0 disables limiting. Past `max_keys` buckets, the full (idle) ones are
  // dropped: a full bucket is the same as no bucket.
  RateLimiter(double rate_per_s, double burst, std::size_t max_keys = 100000)
      : rate_(rate_per_s), burst_(burst), max_keys_(max_keys), next_sweep_(max_keys) {}

  // What a client is told in RateLimit-* headers: the burst, the tokens left after this
  // request, and the seconds until the bucket is full again.
  struct Quota {
    int limit = 0;
    int remaining = 0;
    int reset_s = 0;
  };
  // True when the request may proceed (a token is taken); otherwise `retry_after_s` says
  // when to come back. `quota`, when given and limiting is on, is filled either way.
  bool allow(std::int64_t key, int& retry_after_s, Quota* quota = nullptr);
  bool enabled() const { return rate_ > 0; }
  // Whether the bucket is empty, without taking a token (failed-auth throttling: only
  // failures take tokens, and a key with none left is refused before it is even checked).
  bool exhausted(std::int64_t key, int& retry_after_s);
  // Takes a token even when none is free (the debt delays the next one).
  void charge(std::int64_t key);

  std::size_t keys() const;

  // Client addresses as keys.
  static std::int64_t address_key(std::string_view address);

 private:
  bool free_now(const PaceBucket& b, double now, int& retry_after_s) const;
  void sweep(double now);  // mutex held

  double rate_;
  double burst_;
  std::size_t max_keys_;
  std::size_t next_sweep_;
  mutable std::mutex mutex_;
  std::unordered_map<std::int64_t, PaceBucket> buckets_;
};

}  // namespace sb
