// Session pool, transactions and reconnection for both backends.
#include "store/database.h"
#include "store/write_guard.h"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <thread>

#include "model/error.h"
#include "store/database_url.h"
#include "store/session.h"

namespace sb {

struct Database::Slot {
  std::unique_ptr<Session> session;
  bool needs_reconnect = false;
};

class Database::Lease {
 public:
  Lease(Database* db, std::size_t index) : db_(db), index_(index) {}
  Lease(Lease&& other) noexcept : db_(std::exchange(other.db_, nullptr)), index_(other.index_) {}
  Lease(const Lease&) = delete;
  ~Lease() {
    if (db_) db_->release(index_);
  }
  Slot& slot() { return *db_->sessions_[index_]; }
  soci::session& session() { return *slot().session; }

 private:
  Database* db_;
  std::size_t index_;
};

namespace {

Error unavailable(std::string_view what, const std::exception& cause) {
  return Error(ErrorCode::kUnavailable, "database unavailable", {},
               std::string(what) + ": " + cause.what());
}

Error internal_db_error(const std::exception& cause) {
  return Error(ErrorCode::kInternal, "internal database error", {}, cause.what());
}

}  // namespace

Database::Database(const DatabaseOptions& options)
    : dialect_(Backend::kSqlite),
      acquire_timeout_(options.acquire_timeout),
      statement_cache_(options.statement_cache),
      commit_resolve_timeout_(options.commit_resolve_timeout) {
  DatabaseUrl url = parse_database_url(options.url, options.sqlite_busy_timeout_s);
  dialect_ = Dialect(url.backend);
  connect_string_ = url.connect_string;
  display_url_ = url.display;
  if (url.backend == Backend::kSqlite) {
    auto parent = std::filesystem::path(url.sqlite_path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      throw Error(ErrorCode::kConfigInvalid,
                  "cannot create the folder of the SQLite database: " + ec.message(), {},
                  parent.string());
    }
  }
  std::size_t size = std::max<std::size_t>(1, options.pool_size);
  for (std::size_t i = 0; i < size; ++i) {
    auto slot = std::make_unique<Slot>();
    open_session(*slot);  // fail start-up early when the database is unreachable
    sessions_.push_back(std::move(slot));
    free_.push_back(i);
  }
}

Database::~Database() = default;

void Database::open_session(Slot& slot) {
  try {
    if (!slot.session) {
      const soci::backend_factory& factory =
          backend() == Backend::kSqlite ? *soci::factory_sqlite3() : *soci::factory_postgresql();
      slot.session =
          std::make_unique<Session>(factory, connect_string_, backend(), statement_cache_);
    } else {
      slot.session->reconnect_fresh();
    }
    soci::session& s = *slot.session;
    if (backend() == Backend::kSqlite) {
      // WAL lets readers run beside the writer. synchronous=NORMAL keeps every commit
      // across a process crash (kill -9); only an OS crash can lose the last commits.
      s << "PRAGMA journal_mode=WAL";
      s << "PRAGMA synchronous=NORMAL";
      s << "PRAGMA foreign_keys=ON";
    } else {
      s << "SET TimeZone='UTC'";
      s << "SET statement_timeout='30s'";
      // Cached statements are parsed once but planned on every execution: a generic plan
      // made while a table is small (a new install, a fresh queue) is kept after it grows,
      // and measured 3-4x slower on the event queue than planning each time.
      s << "SET plan_cache_mode = force_custom_plan";
    }
    slot.needs_reconnect = false;
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    slot.needs_reconnect = true;
    throw unavailable("connect to " + display_url_, e);
  }
}

bool Database::connection_broken(soci::session& s) const {
  if (backend() != Backend::kPostgresql) return false;
  auto* backend = static_cast<soci::postgresql_session_backend*>(s.get_backend());
  return backend == nullptr || backend->conn_ == nullptr ||
         PQstatus(backend->conn_) == CONNECTION_BAD;
}

Database::Lease Database::acquire() {
  std::size_t index;
  {
    std::unique_lock lock(mutex_);
    if (!available_.wait_for(lock, acquire_timeout_, [&] { return !free_.empty(); })) {
      throw Error(ErrorCode::kUnavailable, "database busy: no connection free in time", {},
                  "pool of " + std::to_string(sessions_.size()) + " exhausted after " +
                      std::to_string(acquire_timeout_.count()) + " ms");
    }
    index = free_.back();
    free_.pop_back();
  }
  Lease lease(this, index);
  if (lease.slot().needs_reconnect) open_session(lease.slot());
  return lease;
}

void Database::release(std::size_t index) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(index);
  }
  available_.notify_one();
}

std::size_t Database::sessions_in_use() const {
  std::lock_guard lock(mutex_);
  return sessions_.size() - free_.size();
}

void Database::run_read(const std::function<void(soci::session&)>& fn) {
  Lease lease = acquire();
  for (int attempt = 0;; ++attempt) {
    try {
      fn(lease.session());
      return;
    } catch (const soci::soci_error& e) {
      if (!connection_broken(lease.session())) throw internal_db_error(e);
      lease.slot().needs_reconnect = true;
      if (attempt > 0) throw unavailable("read", e);
      open_session(lease.slot());  // throws kUnavailable when the server is still down
    }
  }
}

namespace {
thread_local bool t_event_appended = false;
thread_local Database::CommitClaim* t_commit_claim = nullptr;
}  // namespace

void Database::note_event_appended() {
  t_event_appended = true;
}

void Database::run_write(const std::function<void(soci::session&)>& fn, bool resolve) {
  t_event_appended = false;
  WriteGuard::Scope guard(write_guard_);
  std::unique_lock<std::mutex> writer;
  if (backend() == Backend::kSqlite) writer = std::unique_lock(sqlite_writer_);
  Lease lease = acquire();
  // SQLite runs in process: its COMMIT either returns or fails, never leaves a doubt.
  const bool look_up = resolve && backend() == Backend::kPostgresql;
  long long txid = 0;
  auto begin = [&] {
    if (!look_up) {
      lease.session() << (backend() == Backend::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
      return;
    }
    // The transaction's id comes with BEGIN, in the same round trip (one simple query of
    // two statements; PQexec returns the last one's result).
    auto* pg = static_cast<soci::postgresql_session_backend*>(lease.session().get_backend());
    std::unique_ptr<PGresult, decltype(&PQclear)> r(
        PQexec(pg->conn_, "BEGIN; SELECT txid_current()"), &PQclear);
    if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK || PQntuples(r.get()) != 1) {
      std::string why = r ? PQresultErrorMessage(r.get()) : PQerrorMessage(pg->conn_);
      // BEGIN may have run without the SELECT: the session must not go back in a transaction.
      if (PQstatus(pg->conn_) == CONNECTION_OK) PQclear(PQexec(pg->conn_, "ROLLBACK"));
      throw soci::soci_error(why);
    }
    txid = std::stoll(PQgetvalue(r.get(), 0, 0));
  };
  // Only BEGIN is retried after a reconnect: nothing of the caller's has run yet.
  try {
    begin();
  } catch (const soci::soci_error& e) {
    if (!connection_broken(lease.session())) throw internal_db_error(e);
    lease.slot().needs_reconnect = true;
    open_session(lease.slot());
    try {
      begin();
    } catch (const soci::soci_error& again) {
      lease.slot().needs_reconnect = connection_broken(lease.session());
      throw unavailable("begin", again);
    }
  }
  auto rollback = [&] {
    try {
      lease.session() << "ROLLBACK";
    } catch (const std::exception&) {
      lease.slot().needs_reconnect = true;  // a broken session must not go back as healthy
    }
  };
  // A driver failure rolls back; a dead connection is reported as unavailable.
  auto fail = [&](const soci::soci_error& e, const char* stage) {
    bool broken = connection_broken(lease.session());
    rollback();
    if (broken) {
      lease.slot().needs_reconnect = true;
      throw unavailable(stage, e);
    }
    throw internal_db_error(e);
  };
  CommitClaim* claim = t_commit_claim && !t_commit_claim->committed_ ? t_commit_claim : nullptr;
  try {
    fn(lease.session());
    if (claim) claim->claim_(lease.session());
  } catch (const soci::soci_error& e) {
    fail(e, "write");
  } catch (...) {
    rollback();
    throw;
  }
  try {
    lease.session() << "COMMIT";
  } catch (const soci::soci_error& e) {
    if (!look_up || !connection_broken(lease.session())) fail(e, "commit");
    lease.slot().needs_reconnect = true;
    if (!committed_after_all(lease.slot(), txid, e)) throw unavailable("commit", e);
  }
  if (claim) claim->committed_ = true;
  if (t_event_appended && commit_listener_) commit_listener_();
  t_event_appended = false;
}

bool Database::committed_after_all(Slot& slot, long long txid, const std::exception& cause) {
  const auto deadline = std::chrono::steady_clock::now() + commit_resolve_timeout_;
  std::chrono::milliseconds pause{50};
  for (;;) {
    try {
      open_session(slot);
      std::string status;
      soci::indicator ind = soci::i_null;
      *slot.session << "SELECT txid_status(:t)", soci::use(txid), soci::into(status, ind);
      if (ind != soci::i_ok) break;  // too old for the commit log: unknowable
      if (status == "committed") return true;
      if (status == "aborted") return false;
      // "in progress": the old backend is still finishing the COMMIT; ask again.
    } catch (const std::exception&) {
      slot.needs_reconnect = true;  // still unreachable
    }
    if (std::chrono::steady_clock::now() + pause > deadline) break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(1000));
  }
  throw Error(ErrorCode::kUnavailable, "database unavailable", {{"outcome", "unknown"}},
              "commit of transaction " + std::to_string(txid) + ": " + cause.what() +
                  "; whether it committed could not be looked up within " +
                  std::to_string(commit_resolve_timeout_.count()) + " ms");
}

bool commit_outcome_unknown(const Error& e) {
  for (const ErrorDetail& d : e.details()) {
    if (d.key == "outcome") return std::get_if<std::string>(&d.value) != nullptr;
  }
  return false;
}

Database::ClaimDeferral::ClaimDeferral() : saved_(t_commit_claim) {
  t_commit_claim = nullptr;
}

Database::ClaimDeferral::~ClaimDeferral() {
  t_commit_claim = saved_;
}

bool Database::claim_pending() {
  return t_commit_claim && !t_commit_claim->committed_;
}

Database::CommitClaim::CommitClaim(std::function<void(soci::session&)> claim)
    : claim_(std::move(claim)), previous_(t_commit_claim) {
  t_commit_claim = this;
}

Database::CommitClaim::~CommitClaim() {
  t_commit_claim = previous_;
}

StatementCacheStats Database::statement_stats() const {
  StatementCacheStats total;
  for (const auto& slot : sessions_) {  // the slots and their sessions never change after start
    StatementCacheStats one = slot->session->statements().stats();
    total.hits += one.hits;
    total.prepares += one.prepares;
    total.evictions += one.evictions;
  }
  return total;
}

void Database::ping() {
  run_read([](soci::session& s) {
    int one = 0;
    s << "SELECT 1", soci::into(one);
  });
}

}  // namespace sb
