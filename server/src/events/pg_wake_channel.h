// Cross-process wake-up for the dispatcher on PostgreSQL: LISTEN on one channel with a
// dedicated libpq connection and wake local workers on every notification; signal() asks
// for a NOTIFY, sent at most once per few milliseconds (NOTIFY takes a global lock at
// commit, so producers must not send one per transaction). Polling stays as the fallback.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace sb {

class PgWakeChannel {
 public:
  PgWakeChannel(std::string conninfo, std::function<void()> on_notify);
  ~PgWakeChannel();

  void start();
  void stop();
  // Another process should look at the queue (events were committed here).
  void signal() { pending_.store(true, std::memory_order_relaxed); }

 private:
  void run();

  std::string conninfo_;
  std::function<void()> on_notify_;
  std::atomic<bool> running_{false};
  std::atomic<bool> pending_{false};
  std::thread thread_;
};

}  // namespace sb
