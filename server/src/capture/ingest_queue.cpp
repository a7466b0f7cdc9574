// The committer thread of chat ingestion.
#include "capture/ingest_queue.h"

#include "model/error.h"
#include "store/database.h"

namespace sb::capture {

IngestQueue::IngestQueue(Database& db, const Ingestor& ingestor, std::size_t max_group_items)
    : db_(db), ingestor_(ingestor), max_group_items_(max_group_items) {
  thread_ = std::thread([this] { run(); });
}

IngestQueue::~IngestQueue() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

IngestResult IngestQueue::submit(const IngestRequest& request) {
  Pending pending{&request, {}};
  std::future<IngestResult> answer = pending.done.get_future();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw Error(ErrorCode::kUnavailable, "the server is shutting down");
    queue_.push_back(&pending);
  }
  wake_.notify_one();
  return answer.get();
}

IngestQueueStats IngestQueue::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void IngestQueue::run() {
  for (;;) {
    std::vector<Pending*> group;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      std::size_t items = 0;
      while (!queue_.empty() &&
             (group.empty() || items + queue_.front()->request->items.size() <= max_group_items_)) {
        items += queue_.front()->request->items.size();
        group.push_back(queue_.front());
        queue_.pop_front();
      }
      ++stats_.groups;
      stats_.requests += group.size();
      stats_.items += items;
    }
    commit(group);
  }
}

void IngestQueue::commit(std::vector<Pending*>& group) {
  std::vector<const IngestRequest*> requests;
  for (Pending* p : group) requests.push_back(p->request);
  try {
    auto results = db_.write([&](soci::session& s) { return ingestor_.apply(s, requests); });
    for (std::size_t i = 0; i < group.size(); ++i) group[i]->done.set_value(std::move(results[i]));
    return;
  } catch (...) {
    if (group.size() == 1) {
      group[0]->done.set_exception(std::current_exception());
      return;
    }
  }
  // One request's bad data must not fail its neighbours: each runs alone, in its own
  // transaction, and gets its own answer or error.
  {
    std::lock_guard lock(mutex_);
    stats_.retried_alone += group.size();
  }
  for (Pending* p : group) {
    try {
      const IngestRequest* one[] = {p->request};
      auto results = db_.write([&](soci::session& s) { return ingestor_.apply(s, one); });
      p->done.set_value(std::move(results[0]));
    } catch (...) {
      p->done.set_exception(std::current_exception());
    }
  }
}

}  // namespace sb::capture
