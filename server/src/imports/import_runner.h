// Runs queued CSV imports in the background: claims one under a lease (so several server
// processes share the work and a dead process's import is resumed after the last
// committed batch), runs it, and deletes the uploaded file when it ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "model/background_loop.h"

namespace sb {
class Database;
}

namespace sb::imports {

struct ImportRunnerOptions {
  std::string data_dir = "./data";  // uploads live under data_dir/imports
  std::chrono::milliseconds lease{30000};
  std::chrono::milliseconds poll{1000};
};

class ImportRunner {
 public:
  ImportRunner(Database& db, ImportRunnerOptions options);
  ~ImportRunner();

  void start();
  void stop();
  // Wakes the loop (an import was queued).
  void poke();
  // Claims and runs one import to its end; false when none was waiting.
  bool run_once();

  const ImportRunnerOptions& options() const { return options_; }

 private:
  Database& db_;
  ImportRunnerOptions options_;
  std::string owner_;
  BackgroundLoop loop_;  // last: its thread stops before the members it uses go
};

}  // namespace sb::imports
