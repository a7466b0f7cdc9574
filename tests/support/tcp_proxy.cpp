#include "support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace sb::test {

namespace {

constexpr int kPollMs = 100;

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = loopback(0);
  socklen_t len = sizeof a;
  if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error(std::string("tcp proxy: cannot listen: ") + std::strerror(errno));
  }
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

TcpProxy::~TcpProxy() {
  stopping_ = true;
  acceptor_.join();
  for (auto& t : pumps_) t.join();
  ::close(listener_);
}

void TcpProxy::arm(Cut cut, std::string marker) {
  std::lock_guard lock(mutex_);
  cut_ = cut;
  marker_ = std::move(marker);
  fired_ = false;
}

void TcpProxy::accept_loop() {
  while (!stopping_) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) continue;
    if (refuse_) {
      ::close(client);
      continue;
    }
    int server = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(target_port_);
    if (server < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      if (server >= 0) ::close(server);
      ::close(client);
      continue;
    }
    pumps_.emplace_back([this, client, server] { pump(client, server); });
  }
}

void TcpProxy::pump(int client, int server) {
  char buf[65536];
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  while (!stopping_) {
    if (::poll(fds, 2, kPollMs) <= 0) continue;
    if (fds[0].revents) {
      ssize_t n = ::recv(client, buf, sizeof buf, 0);
      if (n <= 0) break;
      Cut cut = Cut::kNone;
      {
        std::lock_guard lock(mutex_);
        if (cut_ != Cut::kNone &&
            std::string_view(buf, static_cast<std::size_t>(n)).find(marker_) !=
                std::string_view::npos) {
          cut = std::exchange(cut_, Cut::kNone);
        }
      }
      if (cut == Cut::kBeforeForwarding) {
        fired_ = true;
        break;
      }
      if (!write_all(server, buf, static_cast<std::size_t>(n))) break;
      if (cut == Cut::kAnswerLost) {
        // Wait for the answer (the statement has run), swallow it, and cut.
        pollfd answer{server, POLLIN, 0};
        if (::poll(&answer, 1, 10000) > 0) (void)::recv(server, buf, sizeof buf, 0);
        fired_ = true;
        break;
      }
    }
    if (fds[1].revents) {
      ssize_t n = ::recv(server, buf, sizeof buf, 0);
      if (n <= 0 || !write_all(client, buf, static_cast<std::size_t>(n))) break;
    }
  }
  ::close(client);
  ::close(server);
}

}  // namespace sb::test
