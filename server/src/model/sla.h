// Ticket SLAs: per-priority first-response and resolution targets, optional business
// hours in a time zone, and the due-time arithmetic over them.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"
#include "model/record.h"

namespace sb {

struct SlaTarget {
  std::optional<int> first_response_minutes;
  std::optional<int> resolution_minutes;
};

struct BusinessHours {
  std::string time_zone = "UTC";
  std::vector<int> days;  // ISO weekdays, 1 = Monday
  int start_minute = 9 * 60;
  int end_minute = 17 * 60;  // exclusive, > start_minute (no overnight windows)
};

// kJson checks of the sla_policies fields (normalised JSON text out).
std::string check_sla_targets(const Poco::Dynamic::Var& value, const std::string& field);
std::string check_business_hours(const Poco::Dynamic::Var& value, const std::string& field);

std::map<std::string, SlaTarget> parse_sla_targets(const std::string& json);
std::optional<BusinessHours> parse_business_hours(const std::string& json);  // "null" -> none

// `start` plus `minutes` of working time (wall-clock minutes without business hours).
EpochMs add_business_minutes(EpochMs start, int minutes, const BusinessHours* hours);

}  // namespace sb
