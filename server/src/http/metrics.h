// Request metrics in Prometheus text format: counts by route, method and status, and a
// latency histogram per route. Lock-free on the request path (atomics per route slot).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

class Metrics {
 public:
  // One slot per route (labels "GET", "/v1/me"), plus one for requests that matched none.
  struct RouteLabel {
    std::string method;
    std::string pattern;
  };
  explicit Metrics(std::vector<RouteLabel> routes);
  ~Metrics();

  std::size_t unmatched_slot() const { return slots_.size() - 1; }
  void observe(std::size_t slot, int status, double seconds);

  std::atomic<std::int64_t>& in_flight() { return in_flight_; }

  // Appends the HTTP series to `out`.
  void render(std::string& out) const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

 private:
  struct Slot;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::atomic<std::int64_t> in_flight_{0};
};

}  // namespace sb
