// Time zones for business hours, appointments and (later) quiet hours: IANA names read
// from the system's compiled tz database (TZif files), "UTC", and fixed offsets "+07:00".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/clock.h"

namespace sb {

class TimeZone {
 public:
  // nullptr when the name is not a zone (never throws). Zones are loaded once and cached.
  static std::shared_ptr<const TimeZone> find(std::string_view name);
  static std::shared_ptr<const TimeZone> utc();

  const std::string& name() const { return name_; }
  // Seconds east of UTC at the instant `utc_ms`.
  int offset_s(EpochMs utc_ms) const;
  // Local wall-clock time (ms since the epoch as if the zone were UTC) -> UTC. In a gap
  // (spring forward) the result lands after the gap; in an overlap, the earlier instant.
  EpochMs local_to_utc(EpochMs local_ms) const;
  EpochMs utc_to_local(EpochMs utc_ms) const { return utc_ms + offset_s(utc_ms) * 1000LL; }
  // The stretches of [from, to) (UTC ms) with one offset each, in order: what SQL joins on
  // to turn instants into local wall-clock times without knowing the zone.
  struct OffsetSpan {
    EpochMs start = 0, end = 0;  // UTC, end exclusive
    int offset_s = 0;
  };
  std::vector<OffsetSpan> offsets_between(EpochMs from, EpochMs to) const;

  TimeZone(std::string name, std::vector<std::int64_t> transitions, std::vector<int> offsets,
           int initial_offset);

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int> offsets_;               // offset in force from transitions_[i]
  int initial_offset_;
};

// 1 = Monday ... 7 = Sunday of a local time (ms since the epoch, zone already applied).
int iso_weekday(EpochMs local_ms);

}  // namespace sb
