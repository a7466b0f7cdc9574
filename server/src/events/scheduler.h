// Time-driven work of the event bus: cron jobs become ordinary events ("cron.<name>") at
// each tick, scheduled with a dedupe key per tick so several processes fire a tick exactly
// once; and handled events past their retention are pruned in small batches.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "model/cron.h"
#include "store/event_queue_store.h"

namespace sb {

class Database;

struct CronJob {
  std::int64_t team_id = 0;
  std::string name;  // the event type is "cron.<name>"
  CronSchedule schedule;
  std::string payload_json = "{}";
};

struct SchedulerOptions {
  std::chrono::milliseconds interval{1000};
  std::chrono::hours retention{24 * 7};  // handled events older than this are pruned; 0 keeps all
};

class Scheduler {
 public:
  Scheduler(Database& db, SchedulerOptions options);
  ~Scheduler();

  void add(CronJob job);  // before start()
  // Jobs that change at run time (workflows' every()): asked for on every round.
  void set_job_source(std::function<std::vector<CronJob>()> source) { source_ = std::move(source); }
  // Runs `task` about every `every` on the scheduler thread (before start()). A task that
  // throws is logged and runs again next time.
  void add_periodic(std::string name, std::chrono::milliseconds every, std::function<void()> task);
  void start();
  void stop();

  // Makes sure each job's next tick after `now` is scheduled; returns how many this call
  // created (another process may have done it first). Missed ticks while no process ran
  // are skipped, not replayed.
  int schedule_ticks(EpochMs now);
  // Deletes up to `max_rows` handled events created before `cutoff`, with their deliveries.
  std::int64_t prune(EpochMs cutoff, int max_rows);

 private:
  Database& db_;
  SchedulerOptions options_;
  EventQueueStore queue_;
  std::vector<CronJob> jobs_;
  std::function<std::vector<CronJob>()> source_;
  std::map<std::string, EpochMs> scheduled_;  // job -> the tick this process made sure of
  struct Periodic {
    std::string name;
    std::chrono::milliseconds every;
    std::function<void()> task;
    std::chrono::steady_clock::time_point next;
  };
  std::vector<Periodic> periodic_;
  std::atomic<bool> running_{false};
  std::mutex mutex_;
  std::condition_variable stop_cv_;
  std::thread thread_;
};

}  // namespace sb
