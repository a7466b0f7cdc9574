// crm.later(): timers are events ("workflow.timer") due later, keyed so a later timer with
// the same key replaces the earlier one, and cancelled by listed events of their contact.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/clock.h"

namespace sb::wf {

struct RunContext;

inline constexpr const char* kTimerEvent = "workflow.timer";

struct TimerRequest {
  std::int64_t delay_ms = 0;
  std::string name;  // the workflow's on(name, fn) handler
  std::string data_json = "null";
  std::string key;              // "" : none
  std::int64_t contact_id = 0;  // 0: none
  std::vector<std::string> cancel_on;
  bool business_hours = false;
};

// Writes the timer event (and its cancel/replace row) in the run's transaction; returns the
// due time.
EpochMs schedule_timer(RunContext& ctx, const TimerRequest& timer);

}  // namespace sb::wf
