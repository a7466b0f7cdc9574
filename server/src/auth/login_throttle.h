// Failed sign-ins per account (email), in this process: after `max_failures` within a
// window the account refuses further attempts until the window ends, whatever the address.
// (Per address, the HTTP edge's failed-authentication limit applies as for API keys.)
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sb::auth {

class LoginThrottle {
 public:
  LoginThrottle(int max_failures, std::chrono::seconds window)
      : max_failures_(max_failures), window_(window) {}

  // Seconds until the account may try again, or 0 when it may now.
  int retry_after(const std::string& account);
  void failed(const std::string& account);
  void succeeded(const std::string& account);

 private:
  using Clock = std::chrono::steady_clock;
  struct Entry {
    int failures = 0;
    Clock::time_point window_start;
  };
  int max_failures_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace sb::auth
