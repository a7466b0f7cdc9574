// LISTEN/NOTIFY loop.
#include "events/pg_wake_channel.h"

#include <Poco/Logger.h>
#include <libpq-fe.h>
#include <poll.h>

#include <chrono>
#include <memory>

namespace sb {
namespace {
constexpr const char* kChannel = "sb_events";
}

PgWakeChannel::PgWakeChannel(std::string conninfo, std::function<void()> on_notify)
    : conninfo_(std::move(conninfo)), on_notify_(std::move(on_notify)) {}

PgWakeChannel::~PgWakeChannel() {
  stop();
}

void PgWakeChannel::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
}

void PgWakeChannel::stop() {
  if (!running_.exchange(false)) return;
  if (thread_.joinable()) thread_.join();
}

void PgWakeChannel::run() {
  Poco::Logger& log = Poco::Logger::get("events");
  while (running_) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo_.c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) {
      log.warning("event wake-up channel cannot connect; relying on polling: %s",
                  std::string(PQerrorMessage(conn.get())));
      for (int i = 0; i < 50 && running_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    PQclear(PQexec(conn.get(), (std::string("LISTEN ") + kChannel).c_str()));
    while (running_ && PQstatus(conn.get()) == CONNECTION_OK) {
      if (pending_.exchange(false)) {
        PQclear(PQexec(conn.get(), (std::string("NOTIFY ") + kChannel).c_str()));
      }
      pollfd pfd{PQsocket(conn.get()), POLLIN, 0};
      // Short waits while this process has something to announce; otherwise long enough
      // to stay idle, short enough to notice stop() and signal().
      int rc = ::poll(&pfd, 1, 5);
      if (rc < 0) break;
      if (rc == 0) continue;
      if (!PQconsumeInput(conn.get())) break;
      bool woke = false;
      while (PGnotify* n = PQnotifies(conn.get())) {
        woke = true;
        PQfreemem(n);
      }
      if (woke) on_notify_();
    }
  }
}

}  // namespace sb
