// Two dispatcher processes on one PostgreSQL database: 20k events are each handled exactly
// once in effect; then kill -9 one process in the middle of a second run: the survivor
// takes over the dead one's leased events once the leases expire, nothing is lost and no
// effect happens twice.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "store/team_store.h"
#include "store_fixture.h"

namespace sb::test {
namespace {

class Worker {
 public:
  Worker(const std::string& url, int lease_ms) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    std::string lease = std::to_string(lease_ms);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[1], 1);
      ::close(fds[0]);
      ::close(fds[1]);
      ::execl(SB_EVENT_WORKER_PATH, SB_EVENT_WORKER_PATH, url.c_str(), lease.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    char buf[16] = {};
    ssize_t n = ::read(fds[0], buf, sizeof buf - 1);  // "ready"
    ::close(fds[0]);
    if (n <= 0) throw std::runtime_error("worker did not start");
  }
  ~Worker() {
    if (pid_ > 0) stop(SIGTERM);
  }
  void stop(int sig) {
    ::kill(pid_, sig);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

class MultiProcessBusTest : public StoreTest {
 protected:
  void seed(int n, int offset) {
    db_->write([&](soci::session& s) {
      s << "INSERT INTO events (team_id, type, subject_type, subject_id, payload, created_at, "
           "available_at) "
           "SELECT 1, 'probe.tick', 'contact', (g % 500) + " +
               std::to_string(offset) + ", CAST('{}' AS jsonb), 0, 0 FROM generate_series(1, " +
               std::to_string(n) + ") AS g";
    });
  }
  long long pending() { return count("SELECT COUNT(*) FROM events WHERE status = 'pending'"); }
  void wait_drained(int seconds) {
    for (int i = 0; i < seconds * 10 && pending() > 0; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
};

TEST_P(MultiProcessBusTest, EveryEventTakesEffectOnceAcrossProcessesAndAKill9) {
  migrated();
  provision_team(*db_, "T", std::nullopt, false);
  db_->write([](soci::session& s) {
    s << "UPDATE events SET status = 'done'";
    s << "CREATE TABLE probe_effects (event_id BIGINT NOT NULL, pid INTEGER NOT NULL)";
  });
  seed(20000, 0);
  {
    Worker a(options_.url, 2000), b(options_.url, 2000);
    wait_drained(120);
  }
  ASSERT_EQ(pending(), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM probe_effects"), 20000);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT event_id) FROM probe_effects"), 20000);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT pid) FROM probe_effects"), 2)
      << "both processes took a share";

  seed(20000, 1000);
  {
    Worker a(options_.url, 2000), b(options_.url, 2000);
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    a.stop(SIGKILL);  // in the middle of the run, leases and all
    wait_drained(120);
  }
  ASSERT_EQ(pending(), 0) << "the survivor took over the killed process's events";
  EXPECT_EQ(count("SELECT COUNT(*) FROM probe_effects"), 40000) << "nothing lost, nothing doubled";
  EXPECT_EQ(count("SELECT COUNT(DISTINCT event_id) FROM probe_effects"), 40000);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE status <> 'done'"), 0);
}

INSTANTIATE_TEST_SUITE_P(pg, MultiProcessBusTest, ::testing::Values(TestBackend::kPg));

}  // namespace
}  // namespace sb::test
