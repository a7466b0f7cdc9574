// The database: a pool of SOCI sessions on SQLite or PostgreSQL, the one place that
// knows how to lease a session, run a transaction, and survive a lost connection.
// Repositories receive a soci::session& from read()/write() and never open their own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/dialect.h"

namespace soci {
class session;
}

namespace sb {

class WriteGuard;
struct StatementCacheStats;

struct DatabaseOptions {
  std::string url;  // "sqlite:PATH" or "postgresql://user:pass@host:port/db"
  std::size_t pool_size = 8;
  // Prepared statements each session keeps (least recently used go first); 0: none, every
  // statement is parsed and planned on each execution (for a pooler that cannot carry
  // named prepared statements across transactions).
  std::size_t statement_cache = 256;
  std::chrono::milliseconds acquire_timeout{2000};
  int sqlite_busy_timeout_s = 5;
  // How long write_resolved() keeps looking up a COMMIT whose answer was lost.
  std::chrono::milliseconds commit_resolve_timeout{120000};
};

class Database {
 public:
  // Parses the URL and opens the pool. Throws Error(kConfigInvalid) for a malformed URL and
  // Error(kUnavailable) when the server cannot be reached.
  explicit Database(const DatabaseOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Backend backend() const { return dialect_.backend(); }
  const Dialect& dialect() const { return dialect_; }
  // The URL with any password masked: safe for logs and /health.
  const std::string& display_url() const { return display_url_; }
  // What the driver connects with (contains the password): for side connections such as
  // the event wake-up channel, never for logs.
  const std::string& connect_string() const { return connect_string_; }

  // Runs `fn` on a leased session outside any transaction. A connection found dead is
  // re-opened and `fn` retried once: reads are idempotent.
  template <class F>
  auto read(F&& fn) {
    using R = decltype(fn(std::declval<soci::session&>()));
    if constexpr (std::is_void_v<R>) {
      run_read([&](soci::session& s) { fn(s); });
    } else {
      R result{};
      run_read([&](soci::session& s) { result = fn(s); });
      return result;
    }
  }

  // Runs `fn` in one transaction (SQLite: BEGIN IMMEDIATE behind the in-process writer
  // lock) and commits; any exception rolls back and propagates.
  template <class F>
  auto write(F&& fn) {
    using R = decltype(fn(std::declval<soci::session&>()));
    if constexpr (std::is_void_v<R>) {
      run_write([&](soci::session& s) { fn(s); });
    } else {
      R result{};
      run_write([&](soci::session& s) { result = fn(s); });
      return result;
    }
  }

  // write(), for a transaction followed by an act outside the database that must happen
  // exactly when it committed (the SMTP dot after a recipient is marked sent). A broken
  // connection during COMMIT leaves its outcome unknown to the client; here it is looked
  // up (PostgreSQL: the transaction's status by its id, on a new connection, for up to
  // commit_resolve_timeout): committed returns as write() would, not committed throws
  // kUnavailable, and still unknown at the end throws kUnavailable with details
  // outcome=unknown (commit_outcome_unknown). The id comes with BEGIN: no extra round trip.
  template <class F>
  auto write_resolved(F&& fn) {
    using R = decltype(fn(std::declval<soci::session&>()));
    if constexpr (std::is_void_v<R>) {
      run_write([&](soci::session& s) { fn(s); }, true);
    } else {
      R result{};
      run_write([&](soci::session& s) { result = fn(s); }, true);
      return result;
    }
  }

  // SELECT 1 through the pool; throws Error(kUnavailable) when the database is down.
  void ping();

  std::size_t pool_size() const { return sessions_.size(); }
  // Prepared-statement reuse summed over the pool's connections (for /metrics and tests).
  StatementCacheStats statement_stats() const;

  // Called after a committed write transaction that appended events (the dispatcher's
  // in-process wake-up). Set once, before concurrent use.
  void set_commit_listener(std::function<void()> listener) {
    commit_listener_ = std::move(listener);
  }
  // Before-commit checks for every write transaction of this database (workflows' before
  // hooks). Set once, before concurrent use; null for none.
  void set_write_guard(const WriteGuard* guard) { write_guard_ = guard; }

  // Marks the current thread's write transaction as one that appended events.
  static void note_event_appended();

  // While alive, `claim` runs inside the next write transaction this thread commits, just
  // before its COMMIT, once: what it writes commits with the transaction's changes or not
  // at all (Idempotency-Key: the key is taken together with the request's effects). A
  // claim that throws rolls the whole transaction back.
  class CommitClaim {
   public:
    explicit CommitClaim(std::function<void(soci::session&)> claim);
    ~CommitClaim();
    CommitClaim(const CommitClaim&) = delete;
    CommitClaim& operator=(const CommitClaim&) = delete;
    // The claim ran in a transaction that committed.
    bool committed() const { return committed_; }

   private:
    friend class Database;
    std::function<void(soci::session&)> claim_;
    CommitClaim* previous_;
    bool committed_ = false;
  };
  // While alive, writes on this thread do not take the CommitClaim armed around them: a
  // use case that commits in several transactions (bulk updates in chunks) defers the
  // claim to its last write, made after this is gone. Nothing happens without a claim.
  class ClaimDeferral {
   public:
    ClaimDeferral();
    ~ClaimDeferral();
    ClaimDeferral(const ClaimDeferral&) = delete;
    ClaimDeferral& operator=(const ClaimDeferral&) = delete;

   private:
    CommitClaim* saved_;
  };
  // Whether a CommitClaim is armed on this thread and has not committed yet.
  static bool claim_pending();
  std::size_t sessions_in_use() const;

 private:
  struct Slot;
  class Lease;

  Lease acquire();
  void release(std::size_t index);
  void run_read(const std::function<void(soci::session&)>& fn);
  void run_write(const std::function<void(soci::session&)>& fn, bool resolve = false);
  bool committed_after_all(Slot& slot, long long txid, const std::exception& cause);
  void open_session(Slot& slot);
  bool connection_broken(soci::session& s) const;

  Dialect dialect_;
  std::string connect_string_;
  std::string display_url_;
  std::chrono::milliseconds acquire_timeout_;
  std::size_t statement_cache_;
  std::chrono::milliseconds commit_resolve_timeout_;
  std::vector<std::unique_ptr<Slot>> sessions_;
  std::vector<std::size_t> free_;
  mutable std::mutex mutex_;
  std::condition_variable available_;
  std::mutex sqlite_writer_;
  const WriteGuard* write_guard_ = nullptr;
  std::function<void()>
      commit_listener_;  // SQLite allows one writer; queue them here, not on SQLITE_BUSY
};

class Error;
// The error of write_resolved() when a commit's outcome could not be looked up in time.
bool commit_outcome_unknown(const Error& e);

}  // namespace sb
