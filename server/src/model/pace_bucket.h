// A token bucket kept as the time its next token is due (the generic cell rate algorithm):
// a caller can ask whether a token is free now (HTTP limits) or reserve the next free one
// ahead and sleep until it (senders), with no refill loop and no floating token count.
#pragma once

#include <algorithm>

namespace sb {

struct PaceBucket {
  double due = 0;  // seconds, on the caller's clock

  // When a token is free, for `rate` tokens per second and room for `burst` at once.
  // A nanosecond of slack absorbs the rounding of slots added up one by one, which would
  // otherwise refuse the last token of a burst by 1e-14 s.
  double earliest(double rate, double burst) const {
    return due - (std::max(burst, 1.0) - 1.0) / rate - 1e-9;
  }
  // Takes the token free at `at` (not before earliest()).
  void take(double at, double rate) { due = std::max(due, at) + 1.0 / rate; }
  // Takes the next free token and answers when it is free (now, or later).
  double reserve(double now, double rate, double burst) {
    double at = std::max(now, earliest(rate, burst));
    take(at, rate);
    return at;
  }
};

}  // namespace sb
