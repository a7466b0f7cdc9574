// Prepared statements kept for the life of one pooled connection, keyed by their SQL text:
// PostgreSQL parses and plans a cached statement once instead of on every execution, SQLite
// compiles it once. The store opts in per statement with run() or get().
#pragma once

#include <soci/soci.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

#include "store/dialect.h"

namespace sb {

struct StatementCacheStats {
  std::uint64_t hits = 0;      // executions that reused a prepared statement
  std::uint64_t prepares = 0;  // statements prepared (first use, or after eviction)
  std::uint64_t evictions = 0;
};

class StatementCache {
  struct Slot;

 public:
  StatementCache(soci::session& session, Backend backend, std::size_t capacity = 256);
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  // One use of a cached statement: exchange into/use elements on it, execute(), fetch().
  // When it goes, its bindings are dropped and (SQLite) its cursor reset, so an unread
  // row never holds a read snapshot or blocks COMMIT. Live only within one transaction.
  class Use {
   public:
    Use(Use&& other) noexcept;
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    Use& operator=(Use&&) = delete;
    ~Use();
    soci::statement& operator*() { return *statement_; }
    soci::statement* operator->() { return statement_; }
    // Binds what was exchanged and runs the statement; true when a first row was fetched.
    bool execute();

   private:
    friend class StatementCache;
    Use(StatementCache* cache, Slot* slot, soci::statement* statement,
        std::unique_ptr<soci::statement> own);
    StatementCache* cache_;
    Slot* slot_;  // null for a statement outside the cache
    soci::statement* statement_;
    std::unique_ptr<soci::statement> own_;  // the statement outside the cache
  };

  // The prepared statement for `sql`, prepared now on first use. A statement already in
  // use further up the stack (re-entrant use of the same SQL) gets a one-time statement.
  Use get(const std::string& sql);
  // A statement outside the cache, parsed and planned on this execution only: for SQL
  // whose best plan depends on the values (a generic plan would be kept for all of them).
  Use one_time(const std::string& sql);
  // Forgets every statement: before a reconnect (the server forgot them) and on close.
  void clear();
  StatementCacheStats stats() const;

 private:
  void release(Slot* slot, soci::statement& st) noexcept;

  soci::session& session_;
  Backend backend_;
  std::size_t capacity_;
  std::list<std::unique_ptr<Slot>> recent_;  // most recently used first
  std::unordered_map<std::string, std::list<std::unique_ptr<Slot>>::iterator> by_sql_;
  std::atomic<std::uint64_t> hits_{0}, prepares_{0}, evictions_{0};
};

// The cache of the pooled connection `s` (every session the store is handed is one).
StatementCache& statements_of(soci::session& s);

// Runs `sql` once through the connection's cache with the given into/use elements (their
// values may be temporaries: they live until the statement has run). Returns whether a
// first row was fetched.
template <class... Elements>
bool run_cached(soci::session& s, const std::string& sql, Elements&&... elements) {
  StatementCache::Use st = statements_of(s).get(sql);
  (st->exchange(std::forward<Elements>(elements)), ...);
  return st.execute();
}

}  // namespace sb
