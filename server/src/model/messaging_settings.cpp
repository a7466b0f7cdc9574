#include "model/messaging_settings.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"
#include "model/time_zone.h"

namespace sb {
namespace {

int parse_clock(const std::string& field, const std::string& v) {
  // HH:MM, 24-hour.
  if (v.size() != 5 || v[2] != ':' || !std::isdigit(static_cast<unsigned char>(v[0])) ||
      !std::isdigit(static_cast<unsigned char>(v[1])) ||
      !std::isdigit(static_cast<unsigned char>(v[3])) ||
      !std::isdigit(static_cast<unsigned char>(v[4]))) {
    throw Error::validation(field, "expected HH:MM (24-hour), got '" + v + "'");
  }
  int h = (v[0] - '0') * 10 + (v[1] - '0'), m = (v[3] - '0') * 10 + (v[4] - '0');
  if (h > 23 || m > 59) throw Error::validation(field, "not a time of day: '" + v + "'");
  return h * 60 + m;
}

std::string clock_text(int minutes) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace

MessagingSettings parse_messaging_settings(const Poco::JSON::Object& o) {
  MessagingSettings s;
  JsonFields f(Poco::JSON::Object::Ptr(new Poco::JSON::Object(o)));
  s.from_name = f.optional_string("from_name", 200).value_or("");
  s.from_address = f.optional_string("from_address", 254).value_or("");
  if (!s.from_address.empty() && (s.from_address.find('@') == std::string::npos ||
                                  s.from_address.find_first_of(" <>\r\n") != std::string::npos)) {
    throw Error::validation("from_address", "not an email address");
  }
  s.time_zone = f.optional_string("time_zone", 64).value_or("UTC");
  if (!TimeZone::find(s.time_zone)) {
    throw Error::validation("time_zone", "unknown time zone '" + s.time_zone + "'");
  }
  if (auto q = f.optional_object("quiet_hours")) {
    JsonFields qf(*q);
    s.quiet_start = parse_clock("quiet_hours.start", qf.required_string("start", 5));
    s.quiet_end = parse_clock("quiet_hours.end", qf.required_string("end", 5));
    qf.reject_unknown_as("quiet_hours", "unknown member (start, end)");
  }
  if (auto c = f.optional_object("frequency_cap")) {
    JsonFields cf(*c);
    s.cap_messages = static_cast<int>(cf.optional_int("messages", 1, 1000).value_or(0));
    s.cap_hours = static_cast<int>(cf.optional_int("hours", 1, 24 * 90).value_or(24));
    if (s.cap_messages == 0) throw Error::validation("frequency_cap.messages", "is required");
    cf.reject_unknown_as("frequency_cap", "unknown member (messages, hours)");
  }
  if (auto r = f.optional_object("send_rate")) {
    JsonFields rf(*r);
    auto per_minute = rf.optional_int("per_minute", 1, 1000000);
    if (!per_minute) throw Error::validation("send_rate.per_minute", "is required");
    s.send_rate_per_minute = static_cast<int>(*per_minute);
    rf.reject_unknown_as("send_rate", "unknown member (per_minute)");
  }
  f.reject_unknown();
  return s;
}

MessagingSettings parse_messaging_settings_text(const std::string& json) {
  if (json.empty()) return {};
  Poco::JSON::Parser parser;
  return parse_messaging_settings(*parser.parse(json).extract<Poco::JSON::Object::Ptr>());
}

std::string messaging_settings_json(const MessagingSettings& s) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("from_name", s.from_name);
  o.set("from_address", s.from_address);
  o.set("time_zone", s.time_zone);
  if (s.quiet_start && s.quiet_end) {
    Poco::JSON::Object q(Poco::JSON_PRESERVE_KEY_ORDER);
    q.set("start", clock_text(*s.quiet_start));
    q.set("end", clock_text(*s.quiet_end));
    o.set("quiet_hours", q);
  }
  if (s.cap_messages > 0) {
    Poco::JSON::Object c(Poco::JSON_PRESERVE_KEY_ORDER);
    c.set("messages", s.cap_messages);
    c.set("hours", s.cap_hours);
    o.set("frequency_cap", c);
  }
  if (s.send_rate_per_minute > 0) {
    Poco::JSON::Object r(Poco::JSON_PRESERVE_KEY_ORDER);
    r.set("per_minute", s.send_rate_per_minute);
    o.set("send_rate", r);
  }
  return json_text(o);
}

std::optional<EpochMs> quiet_hours_end(const MessagingSettings& s, const std::string& zone,
                                       EpochMs now) {
  if (!s.quiet_start || !s.quiet_end || *s.quiet_start == *s.quiet_end) return std::nullopt;
  auto tz = TimeZone::find(zone);
  if (!tz) tz = TimeZone::find(s.time_zone);
  if (!tz) tz = TimeZone::utc();
  constexpr EpochMs kDay = 86400000, kMinute = 60000;
  EpochMs local = tz->utc_to_local(now);
  EpochMs midnight = local - ((local % kDay) + kDay) % kDay;
  int minute = static_cast<int>((local - midnight) / kMinute);
  int start = *s.quiet_start, end = *s.quiet_end;
  bool quiet = start < end ? (minute >= start && minute < end) : (minute >= start || minute < end);
  if (!quiet) return std::nullopt;
  // The end is today's `end` when we are before it, else tomorrow's.
  EpochMs end_local = midnight + end * kMinute;
  if (minute >= end) end_local += kDay;
  return tz->local_to_utc(end_local);
}

}  // namespace sb
