// Send rates: the team's messaging setting send_rate.per_minute and the server-wide
// SB_SEND_RATE_PER_S, shared by the outbox sender and the campaign runner. In-process: with
// N server processes the rates are N times higher (docs/operations.md).
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "model/pace_bucket.h"

namespace sb::channels {

class SendPacer {
 public:
  // global_per_s <= 0: no server-wide limit.
  explicit SendPacer(double global_per_s) : global_rate_(global_per_s) {}

  // Reserves the next slot for one message of `team` (team_per_minute <= 0: no team limit)
  // under both limits and answers how many seconds from `now` it is (0: go now). The slot
  // is taken: a caller that waits for it must not reserve again for the same message.
  double reserve(std::int64_t team, int team_per_minute, double now);
  // reserve() on the steady clock.
  double reserve(std::int64_t team, int team_per_minute);

 private:
  double global_rate_;
  std::mutex mutex_;
  PaceBucket global_;
  struct TeamBucket {
    PaceBucket bucket;
    int per_minute = 0;
  };
  std::unordered_map<std::int64_t, TeamBucket> teams_;
};

}  // namespace sb::channels
