// Group commit: threads that each need a small write durable before they go on (a
// recipient marked sent before its SMTP dot) queue it; one of them commits everything
// queued in one transaction while the others wait. One commit per group, not per message.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "store/campaign_store.h"

namespace sb {
class Database;
}

namespace sb::campaigns {

class GroupCommit {
 public:
  // Writes a group; returns, in order, whether each move was applied (CampaignStore::move).
  using Write = std::function<std::vector<bool>(soci::session&, const std::vector<RecipientMove>&)>;
  GroupCommit(Database& db, Write write) : db_(db), write_(std::move(write)) {}

  // Returns once `move` is committed: whether it was applied (false: the recipient was
  // already claimed by another sender). Throws what the transaction threw: nothing
  // written, or commit_outcome_unknown() (a lost COMMIT answer is looked up first, see
  // Database::write_resolved). `on_durable` runs right after the commit, only for an
  // applied move, on the committing thread, before any waiter wakes: what must follow the
  // commit without a scheduling delay (the SMTP dot) goes there, so a crash between the
  // two is as unlikely as it can be.
  bool commit(RecipientMove move, std::function<void()> on_durable = {});

 private:
  struct Failure {
    std::uint64_t from, to;
    std::exception_ptr error;
    std::uint64_t unseen;  // waiters of the group that have not rethrown it yet
  };
  Database& db_;
  Write write_;
  std::mutex mutex_;
  std::condition_variable done_cv_;
  std::vector<RecipientMove> queue_;
  std::vector<std::function<void()>> then_;  // on_durable of each queued move
  std::uint64_t queued_ = 0, done_ = 0;
  std::vector<std::pair<std::uint64_t, bool>> applied_;  // (ticket, applied) not yet read
  bool leading_ = false;
  std::vector<Failure> failures_;
};

}  // namespace sb::campaigns
