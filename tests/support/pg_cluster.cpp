// PostgreSQL test cluster lifecycle.
#include "support/pg_cluster.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace sb::test {
namespace {

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string find_pg_bin() {
  if (const char* env = std::getenv("SWITCHBOARD_TEST_PG_BIN")) return env;
  std::string best;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string bin = entry.path().string() + "/bin";
    if (std::filesystem::exists(bin + "/initdb") && bin > best) best = bin;
  }
  if (best.empty()) {
    throw std::runtime_error(
        "PostgreSQL server binaries not found under /usr/lib/postgresql "
        "(install postgresql-15, or run ./dev test which does)");
  }
  return best;
}

void run(const std::string& command) {
  int rc = std::system(command.c_str());
  if (rc != 0) throw std::runtime_error("command failed (" + std::to_string(rc) + "): " + command);
}

}  // namespace

PgCluster::~PgCluster() {
  try {
    destroy();
  } catch (...) {
  }
}

void PgCluster::run_as_owner(const std::string& command) const {
  if (::geteuid() == 0) {
    run("runuser -u postgres -- sh -c '" + command + "' >>" + dir_ + "/ctl.log 2>&1");
  } else {
    run("sh -c '" + command + "' >>" + dir_ + "/ctl.log 2>&1");
  }
}

void PgCluster::start(bool durable) {
  durable_ = durable;
  bin_ = find_pg_bin();
  char tmpl[] = "/tmp/sb-pg-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  if (::geteuid() == 0) {
    passwd* pw = ::getpwnam("postgres");
    if (!pw) throw std::runtime_error("no 'postgres' system user to run initdb as");
    if (::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      throw std::runtime_error("chown failed");
  }
  // Watchdog: holds the read end of a pipe; EOF means this process is gone, however it
  // ended, and the cluster is stopped and deleted.
  std::string script =
      "read _ ; " + std::string(::geteuid() == 0 ? "runuser -u postgres -- " : "") + bin_ +
      "/pg_ctl -D " + dir_ + "/data -m immediate -w stop >/dev/null 2>&1; rm -rf " + dir_;
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    ::dup2(fds[0], 0);
    ::close(fds[0]);
    ::close(fds[1]);
    ::setsid();  // out of the test's process group: a Ctrl-C must not kill the cleaner
    // Nothing else of the test's: an inherited pipe end (an SMTP sink's stdin) would keep
    // that helper from ever seeing EOF.
    ::close_range(3, ~0U, 0);
    ::execl("/bin/sh", "sh", "-c", script.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[0]);
  ::fcntl(fds[1], F_SETFD, FD_CLOEXEC);  // servers we spawn must not keep the cluster alive
  watchdog_fd_ = fds[1];

  run_as_owner(bin_ + "/initdb -D " + dir_ +
               "/data -U postgres --auth=trust --encoding=UTF8 "
               "--locale=C.UTF-8 -N");
  port_ = free_loopback_port();
  start_server();
}

void PgCluster::start_server() {
  std::string opts = "-p " + std::to_string(port_) + " -k " + dir_ +
                     " -c listen_addresses=127.0.0.1 -c max_connections=200";
  if (!durable_) opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  run_as_owner(bin_ + "/pg_ctl -D " + dir_ + "/data -l " + dir_ + "/server.log -w -t 60 -o \"" +
               opts + "\" start");
  running_ = true;
}

void PgCluster::stop_server(bool immediate) {
  if (!running_) return;
  run_as_owner(bin_ + "/pg_ctl -D " + dir_ + "/data -m " + (immediate ? "immediate" : "fast") +
               " -w stop");
  running_ = false;
}

void PgCluster::destroy() {
  if (dir_.empty()) return;
  if (running_) {
    try {
      run_as_owner(bin_ + "/pg_ctl -D " + dir_ + "/data -m immediate -w stop");
    } catch (...) {
    }
    running_ = false;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  dir_.clear();
  if (watchdog_fd_ >= 0) {
    ::close(watchdog_fd_);  // the watchdog wakes, finds nothing left, exits
    watchdog_fd_ = -1;
  }
}

std::string PgCluster::url(const std::string& database) const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PgCluster::create_database(const std::string& hint) {
  static std::atomic<int> counter{0};
  std::string name =
      "sb_" + hint + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  pg_exec(url("postgres"), "CREATE DATABASE " + name);
  return url(name);
}

void pg_exec(const std::string& url, const std::string& sql) {
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + url + ": " + PQerrorMessage(conn.get()));
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), sql.c_str()), &PQclear);
  auto status = PQresultStatus(res.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("SQL failed: " + sql + ": " + PQerrorMessage(conn.get()));
  }
}

std::string shared_pg_database(const std::string& hint) {
  static std::mutex mutex;
  static std::unique_ptr<PgCluster> cluster;
  std::lock_guard lock(mutex);
  std::string safe;
  for (char c : hint)
    safe += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  safe = safe.substr(0, 30);
  if (const char* external = std::getenv("SWITCHBOARD_TEST_PG_URL")) {
    static std::atomic<int> counter{0};
    std::string name =
        "sb_" + safe + "_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    std::string base = external;
    pg_exec(base + "/postgres", "CREATE DATABASE " + name);
    return base + "/" + name;
  }
  if (!cluster) {
    cluster = std::make_unique<PgCluster>();
    cluster->start();
    // Destroyed by the static destructor at normal exit; the watchdog covers the rest.
  }
  return cluster->create_database(safe);
}

}  // namespace sb::test
