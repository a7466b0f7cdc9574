// Helpers shared by the bench scenarios: server child processes, their environment, and
// turning a load run into a table row.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "load_generator.h"
#include "scenarios.h"

namespace sb {
class Database;
class Subscriber;
}  // namespace sb

namespace sb::bench {

extern const std::string kKey;  // the owner key every benchmarked server bootstraps with

// A server child process whose stdout announces "listening on http://127.0.0.1:PORT".
// SIGTERM and wait on destruction.
class Child {
 public:
  Child(const std::string& binary, const std::vector<std::string>& args,
        const std::vector<std::pair<std::string, std::string>>& env);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  int port() const { return port_; }
  // A /proc/PID/status field in MB (VmRSS, VmHWM).
  double status_mb(const std::string& field) const;
  // Waits (at most `limit`) until the process uses no CPU for a second: start-up work on a
  // large database (segment refresh) done before a measurement. Returns the seconds waited.
  double wait_idle(std::chrono::seconds limit) const;
  void reset_peak_rss() const;  // VmHWM back to the current RSS

 private:
  int pid_ = -1;
  FILE* out_ = nullptr;
  int port_ = 0;
};

// Access log and rate limit off: the bench measures request handling with one key.
std::vector<std::pair<std::string, std::string>> server_env(const std::string& db_url,
                                                            bool auth_cache = true);

// 20k events (by default 'bench.tick' with '{}', subjects: contacts 0..999) inserted at once
// into the database at `url`, then drained by `workers` dispatcher threads into the
// subscriber `make` builds on the drain's database: events/s from the first claim to the
// last handled.
using SubscriberFactory = std::function<std::shared_ptr<Subscriber>(Database&)>;
struct DrainEvents {
  std::string type = "bench.tick";
  std::string payload = "{}";
  int first_subject = 0;  // subjects first_subject .. first_subject + 999
};
Row drain_row(const std::string& name, const std::string& url, const SubscriberFactory& make,
              int workers, const DrainEvents& events = {});

// This process's peak RSS (VmHWM) in MB, and resetting it to the current RSS.
double self_peak_rss_mb();
void reset_self_peak_rss();

Row http_row(const std::string& name, const std::string& backend, const Child& child,
             const BenchOptions& o, LoadSpec spec);

}  // namespace sb::bench
