// Database behaviour that is not about one repository: pool limits and outages.
#include <chrono>
#include <thread>

#include "model/error.h"
#include "store_fixture.h"
#include "support/pg_cluster.h"

namespace sb::test {
namespace {

class DatabaseTest : public StoreTest {};

TEST_P(DatabaseTest, ExhaustedPoolAnswersUnavailableInsteadOfBlocking) {
  DatabaseOptions o = options_;
  o.pool_size = 1;
  o.acquire_timeout = std::chrono::milliseconds(50);
  Database small(o);
  std::atomic<bool> holding{false}, release{false};
  std::thread holder([&] {
    small.read([&](soci::session&) {
      holding = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  });
  while (!holding) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  try {
    small.ping();
    ADD_FAILURE() << "expected unavailable";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  release = true;
  holder.join();
  EXPECT_NO_THROW(small.ping());
}

TEST_P(DatabaseTest, SqlErrorsBecomeInternalWithoutLeakingToTheMessage) {
  try {
    db_->read([](soci::session& s) { s << "SELECT * FROM no_such_table"; });
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInternal);
    EXPECT_EQ(std::string(e.what()), "internal database error");
    EXPECT_NE(e.internal().find("no_such_table"), std::string::npos);
  }
}

SB_INSTANTIATE_BACKENDS(DatabaseTest);

// PostgreSQL goes away and comes back: requests fail fast with kUnavailable, then the pool
// reconnects by itself.
TEST(PgOutage, PoolReportsUnavailableAndRecovers) {
  PgCluster cluster;
  cluster.start();
  pg_exec(cluster.url("postgres"), "CREATE DATABASE outage");
  DatabaseOptions o;
  o.url = cluster.url("outage");
  o.pool_size = 2;
  Database db(o);
  migrate(db);
  db.ping();
  cluster.stop_server();
  for (int i = 0; i < 3; ++i) {
    try {
      db.ping();
      ADD_FAILURE() << "ping succeeded with the server stopped";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    }
  }
  cluster.start_server();
  EXPECT_NO_THROW(db.ping());
  EXPECT_NO_THROW(db.ping());
  EXPECT_NO_THROW(db.write([](soci::session& s) { s << "SELECT COUNT(*) FROM teams"; }));
}

TEST(PgOutage, UnreachableServerFailsStartUpWithUnavailable) {
  DatabaseOptions o;
  o.url = "postgresql://postgres@127.0.0.1:1/none";
  try {
    Database db(o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_EQ(std::string(e.what()), "database unavailable");
  }
}

}  // namespace
}  // namespace sb::test
