// The principal cache: hits, eviction on revoke, expiry, bound.
#include "http/auth_cache.h"

#include <gtest/gtest.h>

#include <thread>

namespace sb {
namespace {

Principal principal(std::int64_t team, std::int64_t key) {
  Principal p;
  p.team_id = team;
  p.key_id = key;
  return p;
}

TEST(AuthCache, FindsWhatWasPutAndForgetsRevokedKeys) {
  AuthCache cache(std::chrono::minutes(1));
  cache.put("h1", principal(1, 10));
  cache.put("h2", principal(2, 20));
  ASSERT_TRUE(cache.find("h1").has_value());
  EXPECT_EQ(cache.find("h1")->key_id, 10);
  cache.evict(1, 10);
  EXPECT_FALSE(cache.find("h1").has_value());
  EXPECT_TRUE(cache.find("h2").has_value());
  cache.evict(1, 20);  // same key id in another team: untouched
  EXPECT_TRUE(cache.find("h2").has_value());
}

TEST(AuthCache, EntriesExpire) {
  AuthCache cache(std::chrono::milliseconds(1));
  cache.put("h", principal(1, 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(cache.find("h").has_value());
}

TEST(AuthCache, DisabledWithZeroTtlAndBoundedInSize) {
  AuthCache off(std::chrono::milliseconds(0));
  off.put("h", principal(1, 1));
  EXPECT_FALSE(off.find("h").has_value());
  AuthCache small(std::chrono::minutes(1), 3);
  for (int i = 0; i < 10; ++i) small.put("h" + std::to_string(i), principal(1, i));
  int found = 0;
  for (int i = 0; i < 10; ++i) found += small.find("h" + std::to_string(i)).has_value();
  EXPECT_LE(found, 3);
  EXPECT_TRUE(small.find("h9").has_value());
}

}  // namespace
}  // namespace sb
