// The chaos suite's load and what it was told: REST writers (contacts created with
// Idempotency-Key, then patched) and a chat bot posting messages, each retrying through
// both servers until an answer settles the request. The ledger keeps every acknowledged
// write, and every write whose fate is unknown, for the invariant checks.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "chaos/fleet.h"
#include "support/http_client.h"

namespace sb::test::chaos {

struct Ledger {
  std::mutex mutex;
  std::map<std::string, long long> contacts;  // email -> id: 201 answered
  // Applied, but the answer was lost in a crash (409 "applied, response not kept").
  std::set<std::string> contacts_applied;
  std::set<std::string> contacts_unknown;  // never settled: may or may not exist
  struct Needs {
    std::string acked;             // the value of the last acknowledged PATCH
    std::set<std::string> unsure;  // values sent after it without an answer
  };
  std::map<long long, Needs> needs;           // contact id -> its `needs` field
  std::map<std::string, long long> messages;  // "conversation/id" -> message id
  std::set<std::string> messages_unknown;
  std::map<std::string, long long> acked, unknown, refused, retries;  // per operation kind
  std::vector<std::string> refusals;  // the first few refused answers, for the report
};

struct WorkloadSetup {
  std::string owner_key;
  std::string bot_key;
  long long agent_id = 0;
  int rest_writers = 2;
  int max_ops_per_writer = 3000;  // bounds the load whatever the clock does
};

class Workload {
 public:
  Workload(Fleet& fleet, Ledger& ledger, WorkloadSetup setup);
  ~Workload();
  void start();
  void stop();  // waits for every thread's last request to settle

  enum class Settled { kAcked, kRefused, kUnknown };
  // Sends until an answer settles the request: 2xx (acked), another 4xx (refused), or 45 s
  // of connection errors, 5xx, 429 and 409 "in progress" (unknown). `answer` is the last.
  Settled send(const std::string& kind, const std::string& key, const std::string& method,
               const std::string& path, const std::string& body,
               const std::map<std::string, std::string>& headers, HttpResult& answer);

 private:
  void rest_writer(int n);
  void chat_writer();

  Fleet& fleet_;
  Ledger& ledger_;
  WorkloadSetup setup_;
  std::atomic<bool> stop_{false};
  std::atomic<unsigned> next_server_{0};
  std::vector<std::thread> threads_;
};

}  // namespace sb::test::chaos
