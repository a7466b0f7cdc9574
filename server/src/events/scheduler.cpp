// Cron ticks and retention.
#include "events/scheduler.h"

#include <Poco/Logger.h>
#include <soci/soci.h>

#include "model/error.h"
#include "store/database.h"

namespace sb {

Scheduler::Scheduler(Database& db, SchedulerOptions options)
    : db_(db), options_(options), queue_(db.dialect()) {}

Scheduler::~Scheduler() {
  stop();
}

void Scheduler::add(CronJob job) {
  jobs_.push_back(std::move(job));
}

void Scheduler::add_periodic(std::string name, std::chrono::milliseconds every,
                             std::function<void()> task) {
  periodic_.push_back({std::move(name), every, std::move(task), std::chrono::steady_clock::now()});
}

int Scheduler::schedule_ticks(EpochMs now) {
  int created = 0;
  std::vector<CronJob> jobs = jobs_;
  if (source_) {
    for (CronJob& j : source_()) jobs.push_back(std::move(j));
  }
  for (const CronJob& job : jobs) {
    auto next = job.schedule.next_after(now);
    if (!next) continue;
    std::string id = std::to_string(job.team_id) + "/" + job.name;
    if (scheduled_[id] == *next) continue;  // already made sure of; skip the round trip
    std::string key = "cron:" + job.name + ":" + std::to_string(*next);
    bool made = db_.write([&](soci::session& s) {
      return queue_
          .schedule(s,
                    {.team_id = job.team_id,
                     .type = "cron." + job.name,
                     .payload_json = job.payload_json,
                     .available_at = *next},
                    key)
          .has_value();
    });
    created += made;
    scheduled_[id] = *next;
  }
  return created;
}

std::int64_t Scheduler::prune(EpochMs cutoff, int max_rows) {
  return db_.write([&](soci::session& s) { return queue_.prune(s, cutoff, max_rows); });
}

void Scheduler::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] {
    Poco::Logger& log = Poco::Logger::get("events");
    while (running_) {
      try {
        EpochMs now = now_ms();
        schedule_ticks(now);
        if (options_.retention.count() > 0) {
          EpochMs cutoff =
              now -
              std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention).count();
          // Small batches keep each transaction short; the next interval continues.
          for (int i = 0; i < 10 && prune(cutoff, 1000) == 1000; ++i) {
          }
        }
      } catch (const std::exception& e) {
        log.warning("scheduler round failed: %s", log_text(e));
      }
      for (auto& p : periodic_) {
        auto now = std::chrono::steady_clock::now();
        if (now < p.next) continue;
        p.next = now + p.every;
        try {
          p.task();
        } catch (const std::exception& e) {
          log.warning("%s failed: %s", p.name, log_text(e));
        }
      }
      std::unique_lock lock(mutex_);
      stop_cv_.wait_for(lock, options_.interval, [&] { return !running_; });
    }
  });
}

void Scheduler::stop() {
  if (!running_.exchange(false)) return;
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sb
