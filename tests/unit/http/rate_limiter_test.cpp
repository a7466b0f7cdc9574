// Token bucket behaviour (no clocks asserted: only the burst boundary).
#include "http/rate_limiter.h"

#include <gtest/gtest.h>

namespace sb {
namespace {

TEST(RateLimiter, AllowsTheBurstThenRefusesWithRetryAfter) {
  RateLimiter limiter(0.001, 3);  // refill far slower than the test runs
  int retry = 0;
  EXPECT_TRUE(limiter.allow(1, retry));
  EXPECT_TRUE(limiter.allow(1, retry));
  EXPECT_TRUE(limiter.allow(1, retry));
  EXPECT_FALSE(limiter.allow(1, retry));
  EXPECT_GE(retry, 1);
  EXPECT_TRUE(limiter.allow(2, retry)) << "each key has its own bucket";
}

TEST(RateLimiter, ZeroRateDisablesLimiting) {
  RateLimiter limiter(0, 1);
  int retry = 0;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.allow(1, retry));
}

}  // namespace
}  // namespace sb
