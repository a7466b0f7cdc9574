// Group commit for chat ingestion: request threads hand their checked items to one
// committer thread, which applies everything queued meanwhile in one transaction (one
// fsync, a fixed number of round trips) and then answers each request. Every request is
// still acknowledged only after its data is committed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <thread>

#include "capture/ingestor.h"

namespace sb {
class Database;
}

namespace sb::capture {

struct IngestQueueStats {
  std::uint64_t groups = 0, requests = 0, items = 0, retried_alone = 0;
};

class IngestQueue {
 public:
  // max_group_items bounds one transaction; a request larger than it still runs (alone).
  IngestQueue(Database& db, const Ingestor& ingestor, std::size_t max_group_items = 5000);
  ~IngestQueue();
  IngestQueue(const IngestQueue&) = delete;
  IngestQueue& operator=(const IngestQueue&) = delete;

  // Blocks until the request is committed, or rethrows its error (503 when the queue is
  // shutting down). The database's own timeouts bound the wait.
  IngestResult submit(const IngestRequest& request);

  IngestQueueStats stats() const;

 private:
  struct Pending {
    const IngestRequest* request;
    std::promise<IngestResult> done;
  };
  void run();
  void commit(std::vector<Pending*>& group);

  Database& db_;
  const Ingestor& ingestor_;
  std::size_t max_group_items_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  IngestQueueStats stats_;
  std::thread thread_;
};

}  // namespace sb::capture
