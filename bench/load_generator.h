// HTTP load: N clients, each on one keep-alive connection, for a fixed time after a
// warm-up, bounded in count too. Closed loop (back to back) measures throughput; open loop
// (a fixed total rate) measures latency at a given load, timed from when each request was
// due so a slow server cannot hide its queueing (no coordinated omission).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

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
  std::vector<std::string> paths;  // when set: each client walks these round robin
  double rate_per_s = 0;           // 0: closed loop; else open loop at this total rate
  std::string bearer;              // empty: no Authorization header
  int clients = 8;
  std::chrono::milliseconds warmup{500};
  std::chrono::milliseconds duration{5000};
  std::uint64_t max_requests = 2'000'000;
  // When set: every request is a POST of this JSON body (client index, request number),
  // so each request can carry fresh ids.
  std::function<std::string(int client, std::uint64_t n)> body;
};

LoadResult run_load(const LoadSpec& spec);

}  // namespace sb::bench
