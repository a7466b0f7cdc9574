#include "campaigns/group_commit.h"

#include "store/database.h"

namespace sb::campaigns {

bool GroupCommit::commit(RecipientMove move, std::function<void()> on_durable) {
  std::unique_lock lock(mutex_);
  queue_.push_back(std::move(move));
  then_.push_back(std::move(on_durable));
  const std::uint64_t mine = ++queued_;
  while (done_ < mine) {
    if (leading_) {
      done_cv_.wait(lock);
      continue;
    }
    leading_ = true;
    std::vector<RecipientMove> batch;
    std::vector<std::function<void()>> then;
    batch.swap(queue_);
    then.swap(then_);
    const std::uint64_t first = done_ + 1, last = queued_;
    lock.unlock();
    std::exception_ptr error;
    std::vector<bool> applied;
    try {
      applied = db_.write_resolved([&](soci::session& s) { return write_(s, batch); });
    } catch (...) {
      error = std::current_exception();
    }
    if (!error) {
      for (std::size_t i = 0; i < then.size(); ++i) {
        if (then[i] && applied[i]) then[i]();
      }
    }
    lock.lock();
    leading_ = false;
    done_ = last;
    if (error) {
      failures_.push_back({first, last, error, last - first + 1});
    } else {
      for (std::size_t i = 0; i < applied.size(); ++i) applied_.emplace_back(first + i, applied[i]);
    }
    done_cv_.notify_all();
  }
  for (auto it = failures_.begin(); it != failures_.end(); ++it) {
    if (mine >= it->from && mine <= it->to) {
      std::exception_ptr error = it->error;
      if (--it->unseen == 0) failures_.erase(it);
      std::rethrow_exception(error);
    }
  }
  for (auto it = applied_.begin(); it != applied_.end(); ++it) {
    if (it->first == mine) {
      bool applied = it->second;
      applied_.erase(it);
      return applied;
    }
  }
  return true;  // not reached: every committed ticket has its entry
}

}  // namespace sb::campaigns
