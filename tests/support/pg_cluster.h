// A throwaway PostgreSQL cluster for tests: initdb in a temp dir (as the `postgres` system
// user when we are root, since initdb refuses root), started on a free loopback port,
// removed on stop. A watchdog process removes it too when the test process dies without
// running destructors (crash, SIGKILL from a ctest timeout).
#pragma once

#include <string>

namespace sb::test {

class PgCluster {
 public:
  PgCluster() = default;
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  // initdb + start. `durable` keeps fsync on (benchmarks); tests run without it.
  void start(bool durable = false);
  // pg_ctl stop (fast) / start again on the same data and port: for outage tests.
  // immediate: as if the server crashed (no checkpoint; crash recovery on the next start).
  void stop_server(bool immediate = false);
  void start_server();
  // Stops and deletes everything.
  void destroy();

  int port() const { return port_; }
  const std::string& bin_dir() const { return bin_; }
  bool running() const { return running_; }
  // postgresql://postgres@127.0.0.1:PORT/DBNAME
  std::string url(const std::string& database) const;
  // CREATE DATABASE with a unique name; returns its URL.
  std::string create_database(const std::string& hint);

 private:
  void run_as_owner(const std::string& command) const;

  std::string dir_;
  std::string bin_;
  int port_ = 0;
  bool durable_ = false;
  bool running_ = false;
  int watchdog_fd_ = -1;
};

// The process-wide cluster used by every PostgreSQL test in this binary, started on first
// use and destroyed at exit. SWITCHBOARD_TEST_PG_URL (a server URL without a database
// name, e.g. postgresql://me@127.0.0.1:5432) makes the tests use that server instead.
std::string shared_pg_database(const std::string& hint);

// Runs a SQL statement through libpq on `url` (admin helper for tests).
void pg_exec(const std::string& url, const std::string& sql);

}  // namespace sb::test
