// Round robin's cursor is read and advanced under one lock, from a group's very first
// assignment on: concurrent assignments to a new group give every member a turn.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "store/store_fixture.h"
#include "store/workflow_store.h"

namespace sb::test {
namespace {

class AssignmentCursorTest : public StoreTest {};

TEST_P(AssignmentCursorTest, ConcurrentFirstAssignmentsShareTheGroupEvenly) {
  migrated().write([](soci::session& s) {
    s << "INSERT INTO teams (id, name, created_at) VALUES (1, 'T', 0)";
  });
  const std::vector<std::int64_t> members = {11, 12, 13};
  const WorkflowStore store(db_->dialect());
  constexpr int kRuns = 6;
  std::mutex m;
  std::vector<std::int64_t> picks;
  std::atomic<int> read{0};
  // Each thread is one workflow run: read the cursor, pick the member after it, record it,
  // commit. All start at once on a group that has never assigned anyone.
  std::vector<std::thread> runs;
  for (int i = 0; i < kRuns; ++i) {
    runs.emplace_back([&] {
      db_->write([&](soci::session& s) {
        std::int64_t last = store.cursor(s, 1, 5);
        // Give the others a moment to read too: without a lock on the cursor they all read
        // the same position here. (With it, they are waiting for this commit.)
        ++read;
        for (int wait = 0; wait < 30 && read.load() < kRuns; ++wait) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        auto it = std::upper_bound(members.begin(), members.end(), last);
        std::int64_t pick = it == members.end() ? members.front() : *it;
        store.set_cursor(s, 1, 5, pick);
        std::lock_guard lock(m);
        picks.push_back(pick);
      });
    });
  }
  for (auto& t : runs) t.join();
  std::map<std::int64_t, int> turns;
  for (std::int64_t p : picks) ++turns[p];
  ASSERT_EQ(turns.size(), 3u) << "someone was never picked";
  for (const auto& [member, n] : turns) EXPECT_EQ(n, kRuns / 3) << "member " << member;
}

SB_INSTANTIATE_BACKENDS(AssignmentCursorTest);

}  // namespace
}  // namespace sb::test
