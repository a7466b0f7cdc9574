// Closed-loop HTTP load: N clients, each on one keep-alive connection, sending the same
// request back to back for a fixed time (after a warm-up), bounded in count too.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sb::bench {

struct LoadResult {
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;  // non-2xx or broken connections
  double seconds = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double throughput() const { return seconds > 0 ? requests / seconds : 0; }
};

struct LoadSpec {
  int port = 0;
  std::string method = "GET";
  std::string path = "/";
  std::string bearer;  // empty: no Authorization header
  int clients = 8;
  std::chrono::milliseconds warmup{500};
  std::chrono::milliseconds duration{5000};
  std::uint64_t max_requests = 2'000'000;
};

LoadResult run_load(const LoadSpec& spec);

}  // namespace sb::bench
