// Delivers outbox events to subscribers: worker threads claim due events under a lease,
// run every matching subscriber that has not succeeded yet, record each delivery, and
// finish the event as done, retry later (exponential backoff with jitter), or dead.
// At-least-once; DeliveryContext::once makes side effects exactly-once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "events/pg_wake_channel.h"
#include "events/subscriber.h"
#include "store/event_queue_store.h"

namespace sb {

class Database;

struct DispatcherOptions {
  int workers = 2;
  int batch = 100;
  int max_attempts = 8;                    // then the event is dead
  std::chrono::milliseconds lease{30000};  // a crashed worker's events come back after this
  std::chrono::milliseconds poll{500};     // other processes' events are seen at least this often
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::milliseconds backoff_max{600000};
};

struct DispatcherCounters {
  std::atomic<std::uint64_t> delivered_ok{0}, delivered_retry{0}, delivered_failed{0};
  std::atomic<std::uint64_t> events_done{0}, events_retried{0}, events_dead{0};
};

class Dispatcher {
 public:
  Dispatcher(Database& db, DispatcherOptions options);
  ~Dispatcher();

  // Subscribers are registered before start().
  void add(std::shared_ptr<Subscriber> subscriber);
  void start();
  void stop();  // finishes the events in hand
  void wake();
  // Events were committed by this process: wake local workers and, on PostgreSQL, the other
  // processes (debounced NOTIFY). Install as the Database commit listener.
  void on_events_committed();

  // One claim-and-deliver round on the calling thread; returns events handled. For tests
  // and tools; the workers call the same.
  int run_once();

  const DispatcherCounters& counters() const { return counters_; }
  const std::string& owner() const { return owner_; }

 private:
  struct Verdict {
    bool retry = false;
    bool dead = false;
    std::string error;
  };
  void worker_loop();
  // Outcomes handled ahead by batch (takes_batches), by (event id, subscriber name), with
  // each one's share of the batch's time.
  using Ahead = std::map<std::pair<std::int64_t, std::string>, std::pair<Outcome, std::int64_t>>;
  Ahead handle_batches(const std::vector<StoredEvent>& batch,
                       const std::map<std::pair<std::int64_t, std::string>, std::string>& states);
  Verdict deliver(const StoredEvent& event,
                  const std::map<std::pair<std::int64_t, std::string>, std::string>& states,
                  Ahead& ahead,
                  std::vector<std::tuple<std::int64_t, std::int64_t, Delivery>>& deliveries);
  EpochMs backoff(int attempts) const;

  Database& db_;
  DispatcherOptions options_;
  EventQueueStore queue_;
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
  std::vector<std::thread> threads_;
  std::atomic<bool> running_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::uint64_t wake_seq_ = 0;
  std::string owner_;
  DispatcherCounters counters_;
  std::unique_ptr<PgWakeChannel> channel_;  // PostgreSQL only
};

}  // namespace sb
