// Raw-socket HTTP/1.1 client threads: the cheapest client we can write, so on a 2-core
// machine as much CPU as possible is left to the server being measured.
#include "load_generator.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

namespace sb::bench {
namespace {

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Reads one response; returns the status or -1 on a broken connection.
int read_response(int fd, std::string& buf) {
  buf.clear();
  char chunk[8192];
  std::size_t header_end = std::string::npos;
  std::size_t need = 0;
  while (true) {
    if (header_end == std::string::npos) {
      header_end = buf.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        std::size_t content_length = 0;
        auto cl = buf.find("Content-Length: ");
        if (cl != std::string::npos && cl < header_end)
          content_length = std::stoul(buf.substr(cl + 16));
        need = header_end + 4 + content_length;
      }
    }
    if (header_end != std::string::npos && buf.size() >= need) break;
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return -1;
    buf.append(chunk, static_cast<std::size_t>(n));
  }
  if (buf.size() < 12) return -1;
  return std::atoi(buf.c_str() + 9);
}

}  // namespace

LoadResult run_load(const LoadSpec& spec) {
  std::vector<std::string> requests;
  for (const std::string& path :
       spec.paths.empty() ? std::vector<std::string>{spec.path} : spec.paths) {
    std::string request = spec.method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!spec.bearer.empty()) request += "Authorization: Bearer " + spec.bearer + "\r\n";
    requests.push_back(request + "\r\n");
  }

  using Clock = std::chrono::steady_clock;
  std::atomic<bool> measuring{false}, stop{false};
  std::atomic<std::uint64_t> total{0}, errors{0};
  std::vector<std::vector<float>> latencies(static_cast<std::size_t>(spec.clients));
  std::vector<std::thread> threads;
  for (int c = 0; c < spec.clients; ++c) {
    threads.emplace_back([&, c] {
      auto& lat = latencies[static_cast<std::size_t>(c)];
      lat.reserve(200000);
      std::string buf;
      int fd = connect_to(spec.port);
      std::size_t next = static_cast<std::size_t>(c) * 7919;  // clients start apart in the list
      // Open loop: this client's share of the rate, evenly spaced.
      const auto interval = spec.rate_per_s > 0
                                ? std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(spec.clients / spec.rate_per_s))
                                : Clock::duration::zero();
      auto due = Clock::now();
      std::uint64_t sent = 0;
      std::string built;
      while (!stop.load(std::memory_order_relaxed)) {
        if (spec.body) {
          std::string json = spec.body(c, sent++);
          built = "POST " + spec.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
          if (!spec.bearer.empty()) built += "Authorization: Bearer " + spec.bearer + "\r\n";
          built +=
              "Content-Type: application/json\r\nContent-Length: " + std::to_string(json.size()) +
              "\r\n\r\n" + json;
        }
        const std::string& request = spec.body ? built : requests[next++ % requests.size()];
        if (fd < 0) {
          errors.fetch_add(1);
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          fd = connect_to(spec.port);
          continue;
        }
        auto t0 = Clock::now();
        if (spec.rate_per_s > 0) {
          due += interval;
          if (due > t0) std::this_thread::sleep_until(due);
          t0 = due;
        }
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
            static_cast<ssize_t>(request.size())) {
          ::close(fd);
          fd = -1;
          continue;
        }
        int status = read_response(fd, buf);
        auto t1 = Clock::now();
        if (status < 0) {
          ::close(fd);
          fd = -1;
          continue;
        }
        if (!measuring.load(std::memory_order_relaxed)) continue;
        if (status < 200 || status >= 300) errors.fetch_add(1, std::memory_order_relaxed);
        lat.push_back(std::chrono::duration<float, std::milli>(t1 - t0).count());
        if (total.fetch_add(1, std::memory_order_relaxed) + 1 >= spec.max_requests) stop = true;
      }
      if (fd >= 0) ::close(fd);
    });
  }
  std::this_thread::sleep_for(spec.warmup);
  measuring = true;
  auto started = Clock::now();
  auto deadline = started + spec.duration;
  while (!stop && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  stop = true;
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  for (auto& t : threads) t.join();

  std::vector<float> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  LoadResult r;
  r.requests = all.size();
  r.errors = errors.load();
  r.seconds = seconds;
  if (!all.empty()) {
    auto pct = [&](double p) {
      std::size_t k = std::min(all.size() - 1, static_cast<std::size_t>(p * all.size()));
      std::nth_element(all.begin(), all.begin() + static_cast<long>(k), all.end());
      return static_cast<double>(all[k]);
    };
    r.p50_ms = pct(0.50);
    r.p99_ms = pct(0.99);
  }
  return r;
}

}  // namespace sb::bench
