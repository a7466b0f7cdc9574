// The loop the background runners share: a pass at start, again at once while work is
// waiting, again when poked; a throwing pass does not end it; stop() waits for the pass.
#include "model/background_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

namespace sb {
namespace {

// Waits (bounded, as a hang guard only) until `done` holds.
template <class Done>
bool eventually(Done done) {
  for (int i = 0; i < 2000 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  return done();
}

TEST(BackgroundLoop, RunsAgainWhileWorkWaitsAndWhenPoked) {
  std::atomic<int> passes{0};
  std::atomic<int> waiting{3};  // three units of work queued before start
  // A period far longer than the test: only the start, the queue and the poke run passes.
  BackgroundLoop loop("test", std::chrono::hours(1), [&] {
    ++passes;
    return waiting.fetch_sub(1) > 1;
  });
  loop.start();
  ASSERT_TRUE(eventually([&] { return passes.load() == 3; }));
  waiting = 1;
  loop.poke();
  ASSERT_TRUE(eventually([&] { return passes.load() == 4; }));
  loop.stop();
  EXPECT_TRUE(loop.stopping());
  EXPECT_EQ(passes.load(), 4);
}

TEST(BackgroundLoop, APassThatThrowsDoesNotEndTheLoop) {
  std::atomic<int> passes{0};
  BackgroundLoop loop("test", std::chrono::hours(1), [&]() -> bool {
    if (++passes == 1) throw std::runtime_error("first pass fails");
    return false;
  });
  loop.start();
  ASSERT_TRUE(eventually([&] { return passes.load() == 1; }));
  loop.poke();
  ASSERT_TRUE(eventually([&] { return passes.load() == 2; }));
}

TEST(BackgroundLoop, StopBeforeStartIsHarmless) {
  BackgroundLoop loop("test", std::chrono::milliseconds(10), [] { return false; });
  loop.stop();
  EXPECT_TRUE(loop.stopping());
}

}  // namespace
}  // namespace sb
