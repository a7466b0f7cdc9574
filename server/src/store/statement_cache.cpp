// The per-connection prepared-statement cache: least recently used statements go first.

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "store/session.h"
#include "store/statement_cache.h"

namespace sb {

struct StatementCache::Slot {
  explicit Slot(soci::session& s) : statement(s) {}
  soci::statement statement;
  std::string sql;
  bool in_use = false;
};

StatementCache::StatementCache(soci::session& session, Backend backend, std::size_t capacity)
    : session_(session), backend_(backend), capacity_(capacity) {}

StatementCache::~StatementCache() {
  clear();
}

StatementCache::Use::Use(StatementCache* cache, Slot* slot, soci::statement* statement,
                         std::unique_ptr<soci::statement> own)
    : cache_(cache), slot_(slot), statement_(statement), own_(std::move(own)) {}

StatementCache::Use::Use(Use&& other) noexcept
    : cache_(std::exchange(other.cache_, nullptr)),
      slot_(other.slot_),
      statement_(other.statement_),
      own_(std::move(other.own_)) {}

StatementCache::Use::~Use() {
  if (cache_) cache_->release(slot_, *statement_);
}

bool StatementCache::Use::execute() {
  statement_->define_and_bind();
  return statement_->execute(true);
}

StatementCache::Use StatementCache::get(const std::string& sql) {
  if (auto found = by_sql_.find(sql); found != by_sql_.end()) {
    Slot& slot = **found->second;
    if (slot.in_use) return one_time(sql);  // running further up the stack: keep its bindings
    recent_.splice(recent_.begin(), recent_, found->second);
    slot.in_use = true;
    hits_.fetch_add(1, std::memory_order_relaxed);
    return Use(this, &slot, &slot.statement, nullptr);
  }
  if (capacity_ == 0) return one_time(sql);
  auto slot = std::make_unique<Slot>(session_);
  slot->sql = sql;
  slot->statement.alloc();
  // Throws when the SQL is wrong or the transaction already failed: nothing is kept then.
  slot->statement.prepare(sql, soci::details::st_repeatable_query);
  prepares_.fetch_add(1, std::memory_order_relaxed);
  slot->in_use = true;
  Slot* raw = slot.get();
  recent_.push_front(std::move(slot));
  by_sql_.emplace(sql, recent_.begin());
  // Evicted only after a successful prepare: the transaction is healthy, so PostgreSQL's
  // DEALLOCATE in the statement's destructor succeeds instead of leaking the statement.
  for (auto it = recent_.end(); recent_.size() > capacity_ && it != recent_.begin();) {
    --it;
    if ((*it)->in_use) continue;
    by_sql_.erase((*it)->sql);
    it = recent_.erase(it);
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  return Use(this, raw, &raw->statement, nullptr);
}

StatementCache::Use StatementCache::one_time(const std::string& sql) {
  auto own = std::make_unique<soci::statement>(session_);
  own->alloc();
  own->prepare(sql, soci::details::st_one_time_query);
  soci::statement* raw = own.get();
  return Use(this, nullptr, raw, std::move(own));
}

void StatementCache::release(Slot* slot, soci::statement& st) noexcept {
  try {
    st.bind_clean_up();
  } catch (...) {
    // Only frees memory; nothing to report.
  }
  // SOCI keeps how the last use elements were bound (by name or by position) in the
  // backend's statement, and refuses the other kind next time: the same SQL is bound by
  // name at one call site and by position at another. Forget it with the elements.
  if (backend_ == Backend::kSqlite) {
    auto* backend = static_cast<soci::sqlite3_statement_backend*>(st.get_backend());
    if (backend) {
      backend->boundByName_ = false;
      backend->boundByPos_ = false;
      // A statement stepped but not to its end keeps a read snapshot open (later reads on
      // this connection would see old data) and, for a write, makes COMMIT fail.
      if (backend->stmt_) sqlite_api::sqlite3_reset(backend->stmt_);
    }
  } else {
    auto* backend = static_cast<soci::postgresql_statement_backend*>(st.get_backend());
    if (backend) {
      backend->useByPosBuffers_.clear();  // they point into the use elements just freed
      backend->useByNameBuffers_.clear();
    }
  }
  if (slot) slot->in_use = false;
}

void StatementCache::clear() {
  by_sql_.clear();
  recent_.clear();
}

StatementCacheStats StatementCache::stats() const {
  return {hits_.load(std::memory_order_relaxed), prepares_.load(std::memory_order_relaxed),
          evictions_.load(std::memory_order_relaxed)};
}

StatementCache& statements_of(soci::session& s) {
  return static_cast<Session&>(s).statements();
}

}  // namespace sb
