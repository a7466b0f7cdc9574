// Sends campaigns: a due campaign's recipients are materialised once, then sent in batches
// by a pool of workers (one SMTP connection each), past the send policy, under a lease
// that a dead process loses so another resumes. A recipient is marked sent (group commit)
// before its message's final SMTP dot: a crash never sends anyone a second copy.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "model/background_loop.h"
#include "store/campaign_store.h"

namespace sb {
class Database;
namespace channels {
class Messenger;
}
}  // namespace sb

namespace sb::campaigns {

struct CampaignOptions {
  int workers = 8;  // parallel sends (SMTP connections)
  int batch = 500;  // recipients read per round
  std::chrono::milliseconds lease{15000};
  std::chrono::milliseconds poll{1000};
  int max_attempts = 5;  // per recipient, for transient failures
};

class CampaignRunner {
 public:
  CampaignRunner(Database& db, channels::Messenger& messenger, CampaignOptions options);
  ~CampaignRunner();

  void start();
  void stop();
  // Wakes the loop (a campaign was scheduled or resumed).
  void poke();
  // Works on every due campaign until it completes, pauses, waits for deferred recipients
  // or loses its lease. Returns how many campaigns it worked on. (The loop calls this.)
  int run_due();

  struct Counters {
    std::atomic<std::uint64_t> sent{0}, failed{0}, skipped{0}, deferred{0}, retried{0};
    // Recipients another process claimed first (after taking the campaign's lease over):
    // not sent by this one.
    std::atomic<std::uint64_t> taken_over{0};
  };
  const Counters& counters() const { return counters_; }

 private:
  class Run;

  Database& db_;
  channels::Messenger& messenger_;
  CampaignOptions options_;
  std::string owner_;  // this process's lease name
  Counters counters_;
  BackgroundLoop loop_;  // last: its thread stops before the members it uses go
};

}  // namespace sb::campaigns
