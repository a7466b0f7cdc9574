// SLA targets, business hours and due times.
#include "model/sla.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "model/error.h"
#include "model/json_body.h"
#include "model/time_zone.h"

namespace sb {
namespace {

constexpr int kMaxMinutes = 366 * 24 * 60;
const std::vector<std::string> kPriorities = {"low", "normal", "high", "urgent"};

Poco::JSON::Object::Ptr as_object(const Poco::Dynamic::Var& v, const std::string& field) {
  if (v.type() != typeid(Poco::JSON::Object::Ptr))
    throw Error::validation(field, "must be an object");
  return v.extract<Poco::JSON::Object::Ptr>();
}

std::string text(const Poco::JSON::Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

int read_hhmm(const Poco::Dynamic::Var& v, const std::string& field) {
  std::string s = v.isString() ? v.extract<std::string>() : "";
  if (s.size() != 5 || s[2] != ':' || !std::isdigit(static_cast<unsigned char>(s[0])) ||
      !std::isdigit(static_cast<unsigned char>(s[1])) ||
      !std::isdigit(static_cast<unsigned char>(s[3])) ||
      !std::isdigit(static_cast<unsigned char>(s[4])))
    throw Error::validation(field, "must be a time of day, HH:MM");
  int h = std::stoi(s.substr(0, 2)), m = std::stoi(s.substr(3, 2));
  if (h > 24 || m > 59 || (h == 24 && m != 0))
    throw Error::validation(field, "must be a time of day between 00:00 and 24:00");
  return h * 60 + m;
}

std::string hhmm(int minutes) {
  std::string out = std::to_string(minutes / 60 / 10) + std::to_string(minutes / 60 % 10) + ":" +
                    std::to_string(minutes % 60 / 10) + std::to_string(minutes % 10);
  return out;
}

}  // namespace

std::string check_sla_targets(const Poco::Dynamic::Var& value, const std::string& field) {
  auto o = as_object(value, field);
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [priority, target] : *o) {
    std::string name = field + "." + priority;
    if (std::find(kPriorities.begin(), kPriorities.end(), priority) == kPriorities.end())
      throw Error::validation(name, "unknown priority (low, normal, high, urgent)");
    auto t = as_object(target, name);
    Poco::JSON::Object clean(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [key, minutes] : *t) {
      if (key != "first_response_minutes" && key != "resolution_minutes")
        throw Error::validation(name + "." + key, "unknown field");
      if (minutes.isEmpty()) continue;
      auto n = json_int64(minutes);
      if (!n || *n < 1 || *n > kMaxMinutes)
        throw Error::validation(name + "." + key, "must be a whole number of minutes, 1 to " +
                                                      std::to_string(kMaxMinutes));
      clean.set(key, static_cast<int>(*n));
    }
    out.set(priority, clean);
  }
  return text(out);
}

std::string check_business_hours(const Poco::Dynamic::Var& value, const std::string& field) {
  auto o = as_object(value, field);
  BusinessHours h;
  bool has_days = false;
  for (const auto& [key, v] : *o) {
    std::string name = field + "." + key;
    if (key == "time_zone") {
      if (!v.isString() || !TimeZone::find(v.extract<std::string>()))
        throw Error::validation(name, "must be an IANA time zone (Europe/Berlin), UTC or +07:00");
      h.time_zone = v.extract<std::string>();
    } else if (key == "days") {
      if (!v.isArray()) throw Error::validation(name, "must be an array of weekdays 1-7");
      auto arr = v.extract<Poco::JSON::Array::Ptr>();
      std::set<int> days;
      for (std::size_t i = 0; i < arr->size(); ++i) {
        auto d = arr->get(static_cast<unsigned>(i));
        auto day = json_int64(d);
        if (!day || *day < 1 || *day > 7)
          throw Error::validation(name, "must be an array of weekdays 1 (Monday) to 7 (Sunday)");
        days.insert(static_cast<int>(*day));
      }
      if (days.empty()) throw Error::validation(name, "must name at least one weekday");
      h.days.assign(days.begin(), days.end());
      has_days = true;
    } else if (key == "start") {
      h.start_minute = read_hhmm(v, name);
    } else if (key == "end") {
      h.end_minute = read_hhmm(v, name);
    } else {
      throw Error::validation(name, "unknown field");
    }
  }
  if (!has_days) h.days = {1, 2, 3, 4, 5};
  if (h.end_minute <= h.start_minute)
    throw Error::validation(field + ".end",
                            "must be after start (windows over midnight are not supported)");
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("time_zone", h.time_zone);
  Poco::JSON::Array days;
  for (int d : h.days) days.add(d);
  out.set("days", days);
  out.set("start", hhmm(h.start_minute));
  out.set("end", hhmm(h.end_minute));
  return text(out);
}

std::map<std::string, SlaTarget> parse_sla_targets(const std::string& json) {
  std::map<std::string, SlaTarget> out;
  Poco::JSON::Parser parser;
  auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  for (const auto& [priority, v] : *o) {
    auto t = v.extract<Poco::JSON::Object::Ptr>();
    SlaTarget target;
    if (t->has("first_response_minutes"))
      target.first_response_minutes = t->getValue<int>("first_response_minutes");
    if (t->has("resolution_minutes"))
      target.resolution_minutes = t->getValue<int>("resolution_minutes");
    out[priority] = target;
  }
  return out;
}

std::optional<BusinessHours> parse_business_hours(const std::string& json) {
  if (json.empty() || json == "null") return std::nullopt;
  Poco::JSON::Parser parser;
  auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  BusinessHours h;
  h.time_zone = o->getValue<std::string>("time_zone");
  auto days = o->getArray("days");
  for (std::size_t i = 0; i < days->size(); ++i) h.days.push_back(days->getElement<int>(i));
  h.start_minute = read_hhmm(o->get("start"), "start");
  h.end_minute = read_hhmm(o->get("end"), "end");
  return h;
}

EpochMs add_business_minutes(EpochMs start, int minutes, const BusinessHours* hours) {
  EpochMs remaining = static_cast<EpochMs>(minutes) * 60000;
  if (!hours) return start + remaining;
  auto zone = TimeZone::find(hours->time_zone);
  if (!zone) zone = TimeZone::utc();
  constexpr EpochMs kDay = 86400000;
  EpochMs t = start;
  // A year of days at most: targets are capped at 366 days of working time, and at least
  // one weekday is open, so this always finishes well inside the bound.
  for (int i = 0; i < 366 * 8 && remaining > 0; ++i) {
    EpochMs local = zone->utc_to_local(t);
    EpochMs day_start = local - ((local % kDay) + kDay) % kDay;
    if (std::find(hours->days.begin(), hours->days.end(), iso_weekday(day_start)) !=
        hours->days.end()) {
      EpochMs open = zone->local_to_utc(day_start + hours->start_minute * 60000LL);
      EpochMs close = zone->local_to_utc(day_start + hours->end_minute * 60000LL);
      EpochMs from = std::max(t, open);
      if (from < close) {
        if (close - from >= remaining) return from + remaining;
        remaining -= close - from;
      }
    }
    t = std::max(t + 1, zone->local_to_utc(day_start + kDay));
  }
  return t + remaining;
}

}  // namespace sb
