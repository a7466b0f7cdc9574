// The chaos suite's servers: two `switchboard serve` processes on one PostgreSQL database,
// each killed with SIGKILL and started again on demand. Ports change on every start; load
// threads read them here and skip a server that is down.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "support/serve_process.h"

namespace sb::test::chaos {

struct FleetOptions {
  std::string database_url;
  std::string smtp_url;
  std::string dir;  // working directory, workflows/ and plugins/ under it
  std::string owner_key;
};

class Fleet {
 public:
  static constexpr int kServers = 2;

  explicit Fleet(FleetOptions options);
  ~Fleet();

  // Starts server `i` and waits until it listens (main thread only: the servers die with
  // the thread that starts them). False when it did not come up.
  bool start(int i);
  void kill(int i);  // SIGKILL, as a crash; reaped
  void stop_all();   // SIGTERM; reaped

  int port(int i) const { return ports_[i].load(); }
  // The port of a server that is up, trying `hint % kServers` first; 0 when none is.
  int any_port(unsigned hint) const;

 private:
  FleetOptions options_;
  std::unique_ptr<ServeProcess> servers_[kServers];
  std::atomic<int> ports_[kServers] = {};
};

}  // namespace sb::test::chaos
