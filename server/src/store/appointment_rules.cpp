// Appointment rules and booking aggregates.
#include "store/appointment_rules.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <algorithm>
#include <array>

#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/time_zone.h"
#include "store/statement.h"

namespace sb {
namespace {

bool is_final(const std::string& status) {
  return status == "cancelled" || status == "completed" || status == "no_show";
}

constexpr std::int64_t kMaxLengthMs = 31LL * 24 * 3600 * 1000;

}  // namespace

void AppointmentHooks::before_write(soci::session&, const Record* before, Record& after,
                                    std::vector<int>& changed, const WriteContext&) const {
  const auto& a = crm::appointment();
  std::string zone = after.text_or(a, "time_zone", "UTC");
  if (!TimeZone::find(zone))
    throw Error::validation("time_zone",
                            "must be an IANA time zone (Asia/Ho_Chi_Minh), UTC or +07:00");
  EpochMs starts = after.int_or(a, "starts_at", 0), ends = after.int_or(a, "ends_at", 0);
  if (ends <= starts) throw Error::validation("ends_at", "must be after starts_at");
  if (ends - starts > kMaxLengthMs)
    throw Error::validation("ends_at", "an appointment lasts at most 31 days");
  if (!before) {
    if (after.is_null(a, "booked_at")) {
      after.set(a, "booked_at", now_ms());
      mark_changed(changed, a, "booked_at");
    }
    if (is_final(after.text_or(a, "status", "booked")))
      throw Error::validation("status", "a new appointment is booked or confirmed");
    return;
  }
  std::string was = before->text_or(a, "status", "booked");
  if (was_changed(changed, a, "status") && is_final(was))
    throw Error(ErrorCode::kConflict, "the appointment is " + was + "; its status is final",
                {{"field", std::string("status")}, {"status", was}});
  bool moved = was_changed(changed, a, "starts_at") || was_changed(changed, a, "ends_at");
  if (moved) {
    if (is_final(was))
      throw Error(ErrorCode::kConflict, "a " + was + " appointment cannot be rescheduled",
                  {{"field", std::string("starts_at")}, {"status", was}});
    Poco::JSON::Parser parser;
    auto history = parser.parse(before->text_or(a, "reschedule_history", "[]"))
                       .extract<Poco::JSON::Array::Ptr>();
    Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
    entry.set("from_starts_at", format_iso8601(before->int_or(a, "starts_at", 0)));
    entry.set("from_ends_at", format_iso8601(before->int_or(a, "ends_at", 0)));
    entry.set("to_starts_at", format_iso8601(starts));
    entry.set("to_ends_at", format_iso8601(ends));
    entry.set("at", format_iso8601(now_ms()));
    if (history->size() >= 100) history->remove(0);  // the latest 100 moves
    history->add(entry);
    after.set(a, "reschedule_history", json_text(*history));
    mark_changed(changed, a, "reschedule_history");
  }
}

void AppointmentHooks::after_write(soci::session& s, const Record* before, const Record& after,
                                   const std::vector<int>& changed, const WriteContext&) const {
  const auto& a = crm::appointment();
  if (!before) {
    appointments_.emit(s, after, "booked");
    return;
  }
  if (was_changed(changed, a, "starts_at") || was_changed(changed, a, "ends_at")) {
    Poco::JSON::Object extra(Poco::JSON_PRESERVE_KEY_ORDER);
    extra.set("previous_starts_at", format_iso8601(before->int_or(a, "starts_at", 0)));
    extra.set("previous_ends_at", format_iso8601(before->int_or(a, "ends_at", 0)));
    appointments_.emit(s, after, "rescheduled", &extra);
  }
  if (was_changed(changed, a, "status")) {
    std::string status = after.text_or(a, "status", "booked");
    if (status != "booked") appointments_.emit(s, after, status);  // confirmed, cancelled, ...
  }
}

Poco::JSON::Object booking_stats(soci::session& s, const Dialect&, std::int64_t team_id,
                                 std::int64_t contact_id, EpochMs now) {
  long long team = team_id, contact = contact_id, starts = 0, booked = 0;
  std::string status, zone;
  std::int64_t total = 0, cancelled = 0, no_shows = 0, completed = 0, upcoming = 0;
  std::array<int, 8> weekdays{};
  std::array<int, 24> hours{};
  double advance_sum = 0;
  std::int64_t advance_n = 0;
  EpochMs last_booked = 0;
  soci::statement st(s);
  st.exchange(soci::into(starts));
  st.exchange(soci::into(booked));
  st.exchange(soci::into(status));
  st.exchange(soci::into(zone));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(contact, "c"));
  // A person's appointments are few; the newest 10,000 bound the work.
  if (execute_once(st,
                   "SELECT starts_at, booked_at, status, time_zone FROM appointments WHERE "
                   "team_id = :t AND contact_id = :c ORDER BY id DESC LIMIT 10000")) {
    do {
      ++total;
      if (status == "cancelled") ++cancelled;
      if (status == "no_show") ++no_shows;
      if (status == "completed") ++completed;
      if ((status == "booked" || status == "confirmed") && starts > now) ++upcoming;
      last_booked = std::max<EpochMs>(last_booked, booked);
      if (status == "cancelled") continue;
      auto tz = TimeZone::find(zone);
      EpochMs local = (tz ? tz : TimeZone::utc())->utc_to_local(starts);
      ++weekdays[static_cast<std::size_t>(iso_weekday(local))];
      ++hours[static_cast<std::size_t>(((local / 3600000) % 24 + 24) % 24)];
      if (starts >= booked) {
        advance_sum += static_cast<double>(starts - booked);
        ++advance_n;
      }
    } while (st.fetch());
  }
  static const char* kDays[] = {"",         "monday", "tuesday",  "wednesday",
                                "thursday", "friday", "saturday", "sunday"};
  auto best_day = std::max_element(weekdays.begin() + 1, weekdays.end());
  auto best_hour = std::max_element(hours.begin(), hours.end());
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("contact_id", contact_id);
  o.set("bookings", total);
  o.set("cancelled", cancelled);
  o.set("no_shows", no_shows);
  o.set("completed", completed);
  o.set("upcoming", upcoming);
  o.set("preferred_weekday",
        *best_day > 0 ? Poco::Dynamic::Var(std::string(kDays[best_day - weekdays.begin()]))
                      : Poco::Dynamic::Var());
  o.set("preferred_hour", *best_hour > 0
                              ? Poco::Dynamic::Var(static_cast<int>(best_hour - hours.begin()))
                              : Poco::Dynamic::Var());
  o.set("average_advance_hours",
        advance_n ? Poco::Dynamic::Var(advance_sum / static_cast<double>(advance_n) / 3600000.0)
                  : Poco::Dynamic::Var());
  o.set("last_booked_at",
        last_booked ? Poco::Dynamic::Var(format_iso8601(last_booked)) : Poco::Dynamic::Var());
  return o;
}

}  // namespace sb
