// Fresh databases per backend for tests.
#include "support/test_backend.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <vector>

#include "support/pg_cluster.h"

namespace sb::test {

TempDir::TempDir() {
  char tmpl[] = "/tmp/sb-test-XXXXXX";
  if (!::mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

DatabaseOptions fresh_database(TestBackend backend, const std::string& hint) {
  DatabaseOptions options;
  options.pool_size = 4;
  if (backend == TestBackend::kPg) {
    options.url = shared_pg_database(hint);
    return options;
  }
  static std::unique_ptr<TempDir> dir = std::make_unique<TempDir>();
  static std::atomic<int> counter{0};
  options.url = "sqlite:" + dir->path() + "/" + std::to_string(++counter) + ".db";
  return options;
}

}  // namespace sb::test
