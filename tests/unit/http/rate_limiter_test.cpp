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

TEST(RateLimiter, FailuresAloneEmptyTheBucket) {
  RateLimiter failures(0.001, 2);
  int retry = 0;
  EXPECT_FALSE(failures.exhausted(7, retry)) << "an address never seen is not limited";
  failures.charge(7);
  EXPECT_FALSE(failures.exhausted(7, retry));
  failures.charge(7);
  EXPECT_TRUE(failures.exhausted(7, retry));
  EXPECT_GE(retry, 1);
  EXPECT_FALSE(failures.exhausted(8, retry));
}

TEST(RateLimiter, AFloodOfAddressesStaysBoundedAndKeepsTheLimitedOnes) {
  RateLimiter limiter(0.001, 3, /*max_keys=*/100);
  int retry = 0;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.allow(-1, retry));
  ASSERT_FALSE(limiter.allow(-1, retry));
  for (std::int64_t a = 0; a < 100000; ++a) limiter.allow(a, retry);
  EXPECT_LE(limiter.keys(), 200u);
  EXPECT_FALSE(limiter.allow(-1, retry)) << "a limited address must not be swept away";
}

TEST(RateLimiter, ZeroRateDisablesLimiting) {
  RateLimiter limiter(0, 1);
  int retry = 0;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.allow(1, retry));
}

}  // namespace
}  // namespace sb
