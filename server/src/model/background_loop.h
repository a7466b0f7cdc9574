// A background thread that runs one pass of work, then sleeps until poked or until its
// period is over; a pass that says more is waiting runs again at once. Stopping wakes it
// and waits for the pass in progress. No I/O of its own: runners in any layer share it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace sb {

class BackgroundLoop {
 public:
  // `pass` returns true when more work is waiting. An exception it throws is logged under
  // `name` and the loop goes on at its next wake-up.
  BackgroundLoop(std::string name, std::chrono::milliseconds period, std::function<bool()> pass);
  ~BackgroundLoop();
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  void start();
  void stop();
  void poke();
  // True once stop() was called: long passes check it between units of work.
  bool stopping() const { return stopping_.load(); }

 private:
  void run();

  std::string name_;
  std::chrono::milliseconds period_;
  std::function<bool()> pass_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool poked_ = false;
  std::thread thread_;
};

}  // namespace sb
