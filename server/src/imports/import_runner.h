// Runs queued CSV imports in the background: claims one under a lease (so several server
// processes share the work and a dead process's import is resumed after the last
// committed batch), runs it, and deletes the uploaded file when it ends.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

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
  void loop();

  Database& db_;
  ImportRunnerOptions options_;
  std::string owner_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool poked_ = false;
  std::thread thread_;
};

}  // namespace sb::imports
