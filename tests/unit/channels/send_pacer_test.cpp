// Send-rate slots on an explicit clock: the team's per-minute limit, the server-wide limit,
// and both together.
#include "channels/send_pacer.h"

#include <gtest/gtest.h>

namespace sb::channels {
namespace {

constexpr double kTol = 1e-6;  // seconds

TEST(SendPacer, NoLimitsNeverWait) {
  SendPacer pacer(0);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(pacer.reserve(1, 0, 100.0), 0.0);
}

TEST(SendPacer, TeamRateSpacesItsMessagesAndLeavesOtherTeamsAlone) {
  SendPacer pacer(0);
  EXPECT_NEAR(pacer.reserve(1, 60, 100.0), 0.0, kTol);  // 1/s, one at a time
  EXPECT_NEAR(pacer.reserve(1, 60, 100.0), 1.0, kTol);
  EXPECT_NEAR(pacer.reserve(1, 60, 100.0), 2.0, kTol);
  EXPECT_NEAR(pacer.reserve(2, 60, 100.0), 0.0, kTol) << "each team has its own rate";
  EXPECT_NEAR(pacer.reserve(1, 60, 100.5), 2.5, kTol) << "the slots already taken stay taken";
  EXPECT_NEAR(pacer.reserve(1, 60, 200.0), 0.0, kTol) << "an idle team starts afresh";
}

TEST(SendPacer, TeamRateAllowsASecondsWorthAtOnce) {
  SendPacer pacer(0);
  for (int i = 0; i < 10; ++i) ASSERT_NEAR(pacer.reserve(1, 600, 50.0), 0.0, kTol) << i;
  EXPECT_NEAR(pacer.reserve(1, 600, 50.0), 0.1, kTol);
  EXPECT_NEAR(pacer.reserve(1, 600, 50.0), 0.2, kTol);
}

TEST(SendPacer, AChangedTeamRateStartsAfresh) {
  SendPacer pacer(0);
  EXPECT_NEAR(pacer.reserve(1, 6, 0.0), 0.0, kTol);  // one per 10 s
  EXPECT_NEAR(pacer.reserve(1, 6, 0.0), 10.0, kTol);
  EXPECT_NEAR(pacer.reserve(1, 120, 1.0), 0.0, kTol) << "raised: not held behind the old slots";
}

TEST(SendPacer, GlobalRateCoversAllTeams) {
  SendPacer pacer(2);  // 2/s, two at once
  EXPECT_NEAR(pacer.reserve(1, 0, 10.0), 0.0, kTol);
  EXPECT_NEAR(pacer.reserve(2, 0, 10.0), 0.0, kTol);
  EXPECT_NEAR(pacer.reserve(3, 0, 10.0), 0.5, kTol);
  EXPECT_NEAR(pacer.reserve(1, 0, 10.0), 1.0, kTol);
}

TEST(SendPacer, TheStricterLimitDecidesAndBothTakeTheSameSlot) {
  SendPacer pacer(1);                                 // server: 1/s
  EXPECT_NEAR(pacer.reserve(1, 30, 0.0), 0.0, kTol);  // team 1: one per 2 s
  EXPECT_NEAR(pacer.reserve(1, 30, 0.0), 2.0, kTol);  // the team's limit decides
  EXPECT_NEAR(pacer.reserve(2, 0, 0.0), 3.0, kTol)    // the server's: slots 0 and 2 taken
      << "team 1's second message took the server's slot at 2 s; the one at 1 s is passed "
         "over (conservative: never above either rate)";
}

}  // namespace
}  // namespace sb::channels
