// Idle HTTP(S) connections kept for reuse, per target (scheme, checked address, port and
// Host), so steady webhook traffic to one receiver does not pay a TCP and TLS handshake per
// delivery. A connection serves one caller at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}

namespace sb::channels {

class KeepAlivePool {
 public:
  using Session = std::unique_ptr<Poco::Net::HTTPClientSession>;

  // `max_idle` stays below common servers' keep-alive timeouts (5 s and up), so a kept
  // connection is rarely one the receiver has already closed.
  explicit KeepAlivePool(std::size_t per_target = 4,
                         std::chrono::milliseconds max_idle = std::chrono::seconds(4));
  ~KeepAlivePool();
  KeepAlivePool(const KeepAlivePool&) = delete;
  KeepAlivePool& operator=(const KeepAlivePool&) = delete;

  // An idle connection to `target`, or null. Connections idle too long are closed here.
  Session take(const std::string& target);
  // A connection whose last answer was read whole and that the receiver keeps open.
  void give_back(const std::string& target, Session session);

 private:
  struct Idle {
    Session session;
    std::chrono::steady_clock::time_point since;
  };
  static constexpr std::size_t kMaxTargets = 256;

  std::size_t per_target_;
  std::chrono::milliseconds max_idle_;
  std::mutex mutex_;  // guards idle_
  std::map<std::string, std::vector<Idle>> idle_;
};

}  // namespace sb::channels
