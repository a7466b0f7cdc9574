// Backend parameterisation shared by store and API tests: every such test runs once on
// SQLite (a temp file) and once on PostgreSQL (a fresh database on the test cluster).
// Instantiate with SB_INSTANTIATE_BACKENDS(Suite): gtest names become sqlite/... and pg/...
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "store/database.h"

namespace sb::test {

enum class TestBackend { kSqlite, kPg };

// A fresh, empty database for `backend`; the SQLite file lives in a temp dir removed at exit.
DatabaseOptions fresh_database(TestBackend backend, const std::string& hint);

// A temp directory removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace sb::test

#define SB_INSTANTIATE_BACKENDS(Suite)                                                          \
  INSTANTIATE_TEST_SUITE_P(sqlite, Suite, ::testing::Values(::sb::test::TestBackend::kSqlite)); \
  INSTANTIATE_TEST_SUITE_P(pg, Suite, ::testing::Values(::sb::test::TestBackend::kPg))
