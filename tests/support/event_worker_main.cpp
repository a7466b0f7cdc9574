// A dispatcher process for the multi-process event bus test: the server's Dispatcher with
// one subscriber whose side effect (a row in probe_effects) goes through once(). Runs
// until SIGTERM (or until it is killed, which is the point).
#include <signal.h>
#include <soci/soci.h>
#include <unistd.h>

#include <cstring>
#include <iostream>

#include "events/dispatcher.h"
#include "store/database.h"

namespace {

class Probe : public sb::Subscriber {
 public:
  std::string name() const override { return "probe"; }
  std::string pattern() const override { return "probe.*"; }
  sb::Outcome handle(const sb::StoredEvent& e, sb::DeliveryContext& ctx) override {
    long long id = e.id;
    int pid = static_cast<int>(::getpid());
    ctx.once(std::to_string(e.id), [&](soci::session& s) {
      s << "INSERT INTO probe_effects (event_id, pid) VALUES (:e, :p)", soci::use(id),
          soci::use(pid);
    });
    return sb::Outcome::ok();
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: sb_test_event_worker DATABASE_URL LEASE_MS\n";
    return 64;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  sb::DatabaseOptions o;
  o.url = argv[1];
  o.pool_size = 4;
  sb::Database db(o);
  sb::DispatcherOptions d;
  d.workers = 2;
  d.lease = std::chrono::milliseconds(std::atoi(argv[2]));
  d.poll = std::chrono::milliseconds(20);
  sb::Dispatcher dispatcher(db, d);
  dispatcher.add(std::make_shared<Probe>());
  dispatcher.start();
  std::cout << "ready" << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  dispatcher.stop();
  return 0;
}
