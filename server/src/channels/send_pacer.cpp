#include "channels/send_pacer.h"

#include <algorithm>

#include "model/clock.h"

namespace sb::channels {

double SendPacer::reserve(std::int64_t team, int team_per_minute, double now) {
  const bool global = global_rate_ > 0, per_team = team_per_minute > 0;
  if (!global && !per_team) return 0;
  // A second's worth at once, so a limit of 600/min sends ten together rather than one
  // every 100 ms, and never less than one.
  const double team_rate = team_per_minute / 60.0, team_burst = team_rate;
  std::lock_guard lock(mutex_);
  double at = now;
  PaceBucket* t = nullptr;
  if (per_team) {
    TeamBucket& tb = teams_[team];
    // A changed limit starts afresh: slots spaced for a lower rate would hold a raised one
    // back for as long as the old backlog lasts.
    if (tb.per_minute != team_per_minute) tb = {PaceBucket{}, team_per_minute};
    t = &tb.bucket;
  }
  if (t) at = std::max(at, t->earliest(team_rate, team_burst));
  if (global) at = std::max(at, global_.earliest(global_rate_, global_rate_));
  // Both take the same slot: a message held back by one limit does not use the other's
  // token early.
  if (t) t->take(at, team_rate);
  if (global) global_.take(at, global_rate_);
  return at - now;
}

double SendPacer::reserve(std::int64_t team, int team_per_minute) {
  const double now = steady_seconds();
  return reserve(team, team_per_minute, now);
}

}  // namespace sb::channels
