// Appointments: time checks in the customer's zone, status transitions with their events
// (appointment.booked|confirmed|cancelled|completed|no_show|rescheduled), reschedule
// history, and the per-contact booking aggregates the segments build on.
#pragma once

#include <Poco/JSON/Object.h>

#include "store/record_service.h"

namespace sb {

class AppointmentHooks : public RecordHooks {
 public:
  explicit AppointmentHooks(const RecordService& appointments) : appointments_(appointments) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void after_write(soci::session& s, const Record* before, const Record& after,
                   const std::vector<int>& changed, const WriteContext& ctx) const override;

 private:
  const RecordService& appointments_;
};

// bookings, cancelled, no_shows, completed, upcoming, preferred weekday/hour (in each
// appointment's own time zone), average advance time between booking and start.
Poco::JSON::Object booking_stats(soci::session& s, const Dialect& dialect, std::int64_t team_id,
                                 std::int64_t contact_id, EpochMs now);

}  // namespace sb
