// The per-connection prepared-statement cache: reuse, re-entrant use, bad SQL, cursors left
// unread, reconnects, and eviction, on both backends.
#include <string>

#include "model/error.h"
#include "store/statement_cache.h"
#include "store_fixture.h"
#include "support/pg_cluster.h"

namespace sb::test {
namespace {

class StatementCacheTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    DatabaseOptions o = options_;
    o.pool_size = 1;  // one connection: every read below meets the same cache
    one_ = std::make_unique<Database>(o);
    one_->write([](soci::session& s) {
      s << "CREATE TABLE cache_probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL)";
      s << "INSERT INTO cache_probe (id, label) VALUES (1, 'one'), (2, 'two'), (3, 'three')";
    });
  }
  std::string label(std::int64_t id) {
    return one_->read([&](soci::session& s) {
      std::string out;
      long long key = id;
      run_cached(s, "SELECT label FROM cache_probe WHERE id = :id", soci::use(key),
                 soci::into(out));
      return out;
    });
  }
  std::unique_ptr<Database> one_;
};

TEST_P(StatementCacheTest, TheSameSqlIsPreparedOnceAndReusedWithNewValues) {
  const StatementCacheStats before = one_->statement_stats();
  EXPECT_EQ(label(1), "one");
  EXPECT_EQ(label(2), "two");
  EXPECT_EQ(label(3), "three");
  const StatementCacheStats after = one_->statement_stats();
  EXPECT_EQ(after.prepares - before.prepares, 1u);
  EXPECT_EQ(after.hits - before.hits, 2u);
}

TEST_P(StatementCacheTest, OneSqlBoundByNameAtOneCallAndByPositionAtAnother) {
  const std::string sql = "SELECT label FROM cache_probe WHERE id = :id";
  one_->read([&](soci::session& s) {
    long long id = 1;
    std::string out;
    run_cached(s, sql, soci::use(id, "id"), soci::into(out));
    EXPECT_EQ(out, "one");
    id = 2;
    run_cached(s, sql, soci::use(id), soci::into(out));
    EXPECT_EQ(out, "two");
    id = 3;
    run_cached(s, sql, soci::use(id, "id"), soci::into(out));
    EXPECT_EQ(out, "three");
  });
}

TEST_P(StatementCacheTest, ARowNotFoundLeavesTheTargetAndTheStatementUsable) {
  EXPECT_EQ(label(42), "");
  EXPECT_EQ(label(2), "two");
}

TEST_P(StatementCacheTest, ReentrantUseOfTheSameSqlGetsItsOwnStatement) {
  one_->read([&](soci::session& s) {
    const std::string sql = "SELECT id FROM cache_probe WHERE id >= :from ORDER BY id";
    long long from = 1, id = 0;
    StatementCache::Use outer = statements_of(s).get(sql);
    outer->exchange(soci::use(from));
    outer->exchange(soci::into(id));
    std::vector<long long> seen;
    for (bool more = outer.execute(); more; more = outer->fetch()) {
      seen.push_back(id);
      long long inner_from = 3, inner_id = 0;
      // While the outer rows are being read, the same SQL with other values.
      ASSERT_TRUE(run_cached(s, sql, soci::use(inner_from), soci::into(inner_id)));
      EXPECT_EQ(inner_id, 3);
    }
    EXPECT_EQ(seen, (std::vector<long long>{1, 2, 3}));
  });
}

TEST_P(StatementCacheTest, BadSqlThrowsAndIsNotKept) {
  const StatementCacheStats before = one_->statement_stats();
  for (int i = 0; i < 2; ++i) {
    EXPECT_THROW(one_->read([](soci::session& s) {
      long long n = 0;
      run_cached(s, "SELECT nope FROM no_such_table", soci::into(n));
    }),
                 Error);
  }
  EXPECT_EQ(one_->statement_stats().hits, before.hits);
  EXPECT_EQ(label(1), "one");  // the connection is still good
}

TEST_P(StatementCacheTest, ACursorLeftUnreadDoesNotHideLaterWritesOrBlockCommit) {
  auto first_label = [&] {
    return one_->read([&](soci::session& s) {
      std::string out;
      // Three rows match; only the first is read.
      run_cached(s, "SELECT label FROM cache_probe ORDER BY id", soci::into(out));
      return out;
    });
  };
  EXPECT_EQ(first_label(), "one");
  // Written through another connection of the same database: a snapshot still held by
  // the cached statement would hide this (SQLite WAL).
  Database other(options_);
  other.write([](soci::session& s) { s << "UPDATE cache_probe SET label = 'uno' WHERE id = 1"; });
  EXPECT_EQ(first_label(), "uno");
  // A write statement with RETURNING read once, then COMMIT on the same connection.
  one_->write([](soci::session& s) {
    long long id = 0;
    run_cached(s, "UPDATE cache_probe SET label = label || '!' RETURNING id", soci::into(id));
  });
  EXPECT_EQ(label(2), "two!");
}

TEST_P(StatementCacheTest, AFailedStatementInsideATransactionRollsBackAndTheCacheStaysGood) {
  const std::string insert = "INSERT INTO cache_probe (id, label) VALUES (:id, :l)";
  EXPECT_THROW(one_->write([&](soci::session& s) {
    long long id = 10;
    std::string l = "ten";
    run_cached(s, insert, soci::use(id), soci::use(l));
    long long dup = 1;
    run_cached(s, insert, soci::use(dup), soci::use(l));  // primary key taken
  }),
               Error);
  EXPECT_EQ(label(10), "");  // rolled back
  one_->write([&](soci::session& s) {
    long long id = 11;
    std::string l = "eleven";
    run_cached(s, insert, soci::use(id), soci::use(l));
  });
  EXPECT_EQ(label(11), "eleven");
}

TEST_P(StatementCacheTest, ACacheOfZeroPreparesNothingAndStillRuns) {
  DatabaseOptions o = options_;
  o.statement_cache = 0;
  o.pool_size = 1;
  Database none(o);
  for (long long id : {1LL, 2LL}) {
    std::string out;
    none.read([&](soci::session& s) {
      run_cached(s, "SELECT label FROM cache_probe WHERE id = :id", soci::use(id), soci::into(out));
    });
    EXPECT_EQ(out, id == 1 ? "one" : "two");
  }
  EXPECT_EQ(none.statement_stats().prepares, 0u);
  EXPECT_EQ(none.statement_stats().hits, 0u);
}

SB_INSTANTIATE_BACKENDS(StatementCacheTest);

TEST(StatementCacheEviction, TheLeastRecentlyUsedGoesAndComesBackPrepared) {
  DatabaseOptions o = fresh_database(TestBackend::kSqlite, "StatementCacheEviction");
  o.pool_size = 1;
  Database db(o);
  db.read([](soci::session& s) {
    StatementCache cache(s, Backend::kSqlite, 2);
    auto one = [&](int n) {
      long long v = 0;
      StatementCache::Use st = cache.get("SELECT " + std::to_string(n));
      st->exchange(soci::into(v));
      st.execute();
      return v;
    };
    EXPECT_EQ(one(1), 1);
    EXPECT_EQ(one(2), 2);
    EXPECT_EQ(one(1), 1);  // hit: 1 is now the most recent
    EXPECT_EQ(one(3), 3);  // evicts 2
    EXPECT_EQ(cache.stats().evictions, 1u);
    EXPECT_EQ(one(1), 1);
    EXPECT_EQ(cache.stats().hits, 2u);
    EXPECT_EQ(one(2), 2);  // prepared again
    EXPECT_EQ(cache.stats().prepares, 4u);
  });
}

// The server forgets prepared statements when the connection goes: the pool reconnects and
// prepares them again instead of executing names the new connection never saw.
TEST(StatementCachePgOutage, StatementsArePreparedAgainAfterAReconnect) {
  PgCluster cluster;
  cluster.start();
  pg_exec(cluster.url("postgres"), "CREATE DATABASE cache_outage");
  DatabaseOptions o;
  o.url = cluster.url("cache_outage");
  o.pool_size = 1;
  Database db(o);
  auto one = [&] {
    return db.read([](soci::session& s) {
      long long v = 0;
      run_cached(s, "SELECT 1 + 0", soci::into(v));
      return v;
    });
  };
  EXPECT_EQ(one(), 1);
  cluster.stop_server();
  EXPECT_THROW(one(), Error);
  cluster.start_server();
  EXPECT_EQ(one(), 1);
  EXPECT_EQ(db.statement_stats().prepares, 2u);
}

}  // namespace
}  // namespace sb::test
