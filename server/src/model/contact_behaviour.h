// Behaviour aggregates capture keeps per contact beyond plain counters: recent response
// times of the team's bots and agents (for the median) and the hours (UTC) the contact
// writes in (for preferred hours). Stored as a small JSON object on the contact.
#pragma once

#include <Poco/JSON/Object.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/clock.h"

namespace sb {

struct ContactBehaviour {
  static constexpr std::size_t kResponseSamples = 50;  // the most recent ones
  std::vector<std::int64_t> response_ms;
  std::array<std::int64_t, 24> hours{};  // user messages per UTC hour of day

  static ContactBehaviour parse(const std::string& json);
  std::string to_json_text() const;

  void add_user_message(EpochMs at);
  void add_response(std::int64_t ms);
  // Median of the kept samples; -1 when there are none.
  std::int64_t median_response_ms() const;
  // Up to three hours with the most messages, busiest first (ties: earlier hour first).
  std::vector<int> preferred_hours() const;
};

}  // namespace sb
