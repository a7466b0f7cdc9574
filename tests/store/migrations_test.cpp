// Migrations on both backends: fresh apply, re-run, tamper detection, newer database,
// atomic failure, concurrent migrators.
#include <thread>

#include "model/error.h"
#include "store_fixture.h"

namespace sb::test {
namespace {

class MigrationsTest : public StoreTest {};

TEST_P(MigrationsTest, FreshApplyThenRerunIsANoOp) {
  MigrationReport first = migrate(*db_);
  EXPECT_FALSE(first.applied.empty());
  EXPECT_EQ(first.applied.front(), "001_foundation.sql");
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams"), 0);
  MigrationReport again = migrate(*db_);
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.current_version, first.current_version);
  EXPECT_EQ(count("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<long long>(first.applied.size()));
}

std::string migration_error(Database& db, const std::vector<Migration>& list) {
  try {
    migrate(db, list);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kMigrationFailed);
    return e.what();
  }
  return "";
}

TEST_P(MigrationsTest, EditedAppliedMigrationStopsWithAClearMessage) {
  std::string v1 = "CREATE TABLE t1 (team_id BIGINT NOT NULL, x INTEGER)";
  std::vector<EmbeddedFile> files = {{"any/001_t1.sql", v1}};
  migrate(*db_, load_migrations("any", files));
  std::string edited = v1 + ";\nCREATE TABLE t2 (x INTEGER)";
  std::vector<EmbeddedFile> tampered = {{"any/001_t1.sql", edited}};
  std::string msg = migration_error(*db_, load_migrations("any", tampered));
  EXPECT_NE(msg.find("001_t1.sql was changed after it was applied"), std::string::npos) << msg;
  EXPECT_NE(msg.find("new migration"), std::string::npos);
}

TEST_P(MigrationsTest, DatabaseNewerThanTheBinaryIsRefused) {
  std::vector<EmbeddedFile> files = {{"any/001_a.sql", "CREATE TABLE a (x INTEGER)"},
                                     {"any/002_b.sql", "CREATE TABLE b (x INTEGER)"}};
  migrate(*db_, load_migrations("any", files));
  files.pop_back();
  std::string msg = migration_error(*db_, load_migrations("any", files));
  EXPECT_NE(msg.find("002_b.sql"), std::string::npos) << msg;
  EXPECT_NE(msg.find("newer"), std::string::npos);
}

TEST_P(MigrationsTest, FailingMigrationLeavesNothingBehind) {
  std::vector<EmbeddedFile> files = {
      {"any/001_ok.sql", "CREATE TABLE ok (x INTEGER)"},
      {"any/002_bad.sql", "CREATE TABLE half (x INTEGER);\nCREATE TABLE broken (x NOSUCHTYPE("}};
  std::string msg = migration_error(*db_, load_migrations("any", files));
  EXPECT_NE(msg.find("migration 002_bad.sql failed"), std::string::npos) << msg;
  EXPECT_EQ(count("SELECT COUNT(*) FROM schema_migrations"), 1);
  // The first statement of the failed file was rolled back with it.
  EXPECT_THROW(count("SELECT COUNT(*) FROM half"), Error);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ok"), 0);
}

TEST_P(MigrationsTest, ConcurrentMigratorsApplyEachFileOnce) {
  Database other(options_);
  std::exception_ptr failure;
  std::thread t([&] {
    try {
      migrate(other);
    } catch (...) {
      failure = std::current_exception();
    }
  });
  migrate(*db_);
  t.join();
  if (failure) std::rethrow_exception(failure);
  EXPECT_EQ(count("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<long long>(
                load_migrations(backend_name(db_->backend()), embedded_migrations()).size()));
}

SB_INSTANTIATE_BACKENDS(MigrationsTest);

}  // namespace
}  // namespace sb::test
