// A loopback TCP proxy that can cut a connection at a chosen moment: between the server
// and PostgreSQL it makes a COMMIT whose answer never arrives, which no server stop can
// time precisely (the commit is durable, the client only sees its connection die).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sb::test {

class TcpProxy {
 public:
  explicit TcpProxy(int target_port);  // listens on 127.0.0.1, a free port
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }

  // What happens to the next client chunk that contains `marker` (once, then disarmed).
  enum class Cut {
    kNone,
    kBeforeForwarding,  // the chunk is dropped and the connection closed: never executed
    kAnswerLost,        // forwarded, the server's answer swallowed, then the connection closed
  };
  void arm(Cut cut, std::string marker = "COMMIT");
  bool fired() const { return fired_; }
  // While set, new connections are closed as soon as they are accepted.
  void refuse_new(bool refuse) { refuse_ = refuse; }

 private:
  void accept_loop();
  void pump(int client, int server);

  int listener_ = -1;
  int port_ = 0;
  int target_port_;
  std::atomic<bool> stopping_{false}, refuse_{false}, fired_{false};
  std::mutex mutex_;
  Cut cut_ = Cut::kNone;
  std::string marker_;
  std::thread acceptor_;
  std::vector<std::thread> pumps_;
};

}  // namespace sb::test
