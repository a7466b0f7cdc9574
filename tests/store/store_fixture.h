// Base fixture of store tests: a fresh, migrated database of the parameter's backend.
#pragma once

#include <gtest/gtest.h>
#include <soci/soci.h>

#include <memory>

#include "store/database.h"
#include "store/migrations.h"
#include "support/test_backend.h"

namespace sb::test {

class StoreTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    options_ =
        fresh_database(GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    db_ = std::make_unique<Database>(options_);
  }
  // Migrated database for tests that are not about migrations.
  Database& migrated() {
    migrate(*db_);
    return *db_;
  }
  long long count(const std::string& sql) {
    return db_->read([&](soci::session& s) {
      long long n = 0;
      s << sql, soci::into(n);
      return n;
    });
  }

  DatabaseOptions options_;
  std::unique_ptr<Database> db_;
};

}  // namespace sb::test
