// Prometheus exposition of the request counters and histograms.
#include "http/metrics.h"

#include <cstdio>

namespace sb {

struct Metrics::Slot {
  RouteLabel label;
  std::array<std::atomic<std::uint64_t>, 500> by_status{};                // index: status - 100
  std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
  std::atomic<std::uint64_t> count{0};
  std::atomic<std::uint64_t> sum_micros{0};
};

Metrics::Metrics(std::vector<RouteLabel> routes) {
  routes.push_back({"*", "(unmatched)"});
  for (auto& r : routes) {
    auto slot = std::make_unique<Slot>();
    slot->label = std::move(r);
    slots_.push_back(std::move(slot));
  }
}

Metrics::~Metrics() = default;

void Metrics::observe(std::size_t index, int status, double seconds) {
  Slot& s = *slots_[index < slots_.size() ? index : unmatched_slot()];
  if (status >= 100 && status < 600)
    s.by_status[status - 100].fetch_add(1, std::memory_order_relaxed);
  std::size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_micros.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

namespace {
std::string labels(const Metrics::RouteLabel& l) {
  return "method=\"" + l.method + "\",route=\"" + l.pattern + "\"";
}
}  // namespace

void Metrics::render(std::string& out) const {
  char buf[64];
  out += "# HELP sb_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE sb_http_requests_total counter\n";
  for (const auto& s : slots_) {
    for (std::size_t i = 0; i < s->by_status.size(); ++i) {
      std::uint64_t n = s->by_status[i].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out += "sb_http_requests_total{" + labels(s->label) + ",status=\"" + std::to_string(i + 100) +
             "\"} " + std::to_string(n) + "\n";
    }
  }
  out += "# HELP sb_http_request_duration_seconds Time from request read to response written.\n";
  out += "# TYPE sb_http_request_duration_seconds histogram\n";
  for (const auto& s : slots_) {
    std::uint64_t count = s->count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    std::string l = labels(s->label);
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += s->buckets[b].load(std::memory_order_relaxed);
      if (b < kBuckets.size()) {
        std::snprintf(buf, sizeof buf, "%g", kBuckets[b]);
      } else {
        std::snprintf(buf, sizeof buf, "+Inf");
      }
      out += "sb_http_request_duration_seconds_bucket{" + l + ",le=\"" + buf + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    std::snprintf(buf, sizeof buf, "%.6f", s->sum_micros.load(std::memory_order_relaxed) / 1e6);
    out += "sb_http_request_duration_seconds_sum{" + l + "} " + buf + "\n";
    out += "sb_http_request_duration_seconds_count{" + l + "} " + std::to_string(count) + "\n";
  }
  out += "# HELP sb_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE sb_http_requests_in_flight gauge\n";
  out += "sb_http_requests_in_flight " + std::to_string(in_flight_.load()) + "\n";
}

}  // namespace sb
