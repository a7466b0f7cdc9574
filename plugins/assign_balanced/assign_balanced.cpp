// assign_balanced: gives a contact to the least-loaded user who is working now and below
// capacity. Load = the user's contacts matching `load_filter`. Settings
// (assign_balanced.conf, all optional; per-user values override with ".<user id>"):
//   capacity = 25                      capacity.12 = 40
//   hours = mon-fri 09:00-17:00        hours.12 = always
//   time_zone = UTC                    time_zone.12 = Europe/Paris
//   roles = agent,admin,owner          (who takes contacts)
//   load_filter = {"field":"status","op":"nin","value":["inactive","blocked"]}
//   assign_new = false                 (true: assign every new unassigned contact)
// Needs plugin API 1.1 (users, contact_count, local_time).
#include <switchboard/plugin.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

using switchboard::Json;

struct Hours {
  bool always = false;
  std::array<bool, 8> days{};  // ISO weekday 1..7
  int start = 9 * 60, end = 17 * 60;
};

int weekday_index(const std::string& d) {
  static const char* names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  for (int i = 0; i < 7; ++i) {
    if (d == names[i]) return i + 1;
  }
  throw std::runtime_error("unknown day '" + d + "' (mon..sun)");
}

int minute_of(const std::string& hhmm) {
  int h = 0, m = 0;
  char extra = 0;
  if (std::sscanf(hhmm.c_str(), "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 24 || m < 0 ||
      m > 59 || (h == 24 && m != 0)) {
    throw std::runtime_error("bad time '" + hhmm + "' (HH:MM)");
  }
  return h * 60 + m;
}

// "always" | "<days> HH:MM-HH:MM", days "mon-fri", "sat,sun" or "mon-wed,fri".
Hours parse_hours(const std::string& text) {
  Hours h;
  if (text == "always") {
    h.always = true;
    return h;
  }
  auto space = text.find(' ');
  auto dash = text.find('-', space == std::string::npos ? 0 : space);
  if (space == std::string::npos || dash == std::string::npos) {
    throw std::runtime_error("hours '" + text +
                             "': expected \"mon-fri 09:00-17:00\" or \"always\"");
  }
  std::string days = text.substr(0, space);
  for (std::size_t pos = 0; pos <= days.size();) {
    auto comma = days.find(',', pos);
    std::string part =
        days.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    auto range = part.find('-');
    int from = weekday_index(part.substr(0, range));
    int to = range == std::string::npos ? from : weekday_index(part.substr(range + 1));
    if (to < from) throw std::runtime_error("hours '" + text + "': day range runs backwards");
    for (int d = from; d <= to; ++d) h.days[d] = true;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  h.start = minute_of(text.substr(space + 1, dash - space - 1));
  h.end = minute_of(text.substr(dash + 1));
  if (h.end <= h.start) throw std::runtime_error("hours '" + text + "': the window is empty");
  return h;
}

struct Settings {
  long long capacity = 25;
  Hours hours = parse_hours("mon-fri 09:00-17:00");
  std::string time_zone = "UTC";
  std::vector<std::string> roles = {"agent", "admin", "owner"};
  Json load_filter = Json::parse(R"({"field":"status","op":"nin","value":["inactive","blocked"]})");
  bool assign_new = false;
};

class Balancer {
 public:
  explicit Balancer(const switchboard::Plugin& p) : plugin_(p) {
    if (auto v = p.config("capacity")) defaults_.capacity = number(*v, "capacity");
    if (auto v = p.config("hours")) defaults_.hours = parse_hours(*v);
    if (auto v = p.config("time_zone")) defaults_.time_zone = zone(*v, "time_zone");
    if (auto v = p.config("roles")) defaults_.roles = split(*v);
    if (auto v = p.config("load_filter")) defaults_.load_filter = Json::parse(*v);
    defaults_.assign_new = p.config_or("assign_new", "false") == "true";
  }
  bool assign_new() const { return defaults_.assign_new; }

  // The chosen user and why, or "assigned_to": null with the reason nobody was free.
  Json assign(switchboard::Call& call, long long contact_id, bool keep_existing) const {
    auto c = call.contact(contact_id);
    if (!c) throw std::runtime_error("no contact " + std::to_string(contact_id) + " in this team");
    Json out = Json::object().set("contact_id", contact_id);
    if (keep_existing && (*c)["owner_id"].is_number()) {
      return out.set("assigned_to", (*c)["owner_id"]).set("reason", "already assigned");
    }
    const long long now = now_ms();
    long long best = 0, best_load = 0, best_capacity = 1;
    int off_hours = 0, full = 0;
    const Json users = call.users();  // named: items() refers into it
    for (const Json& u : users.items()) {
      const long long id = u["id"].as_int();
      if (!role_takes(u["role"].as_string())) continue;
      if (!working(id, now)) {
        ++off_hours;
        continue;
      }
      const long long capacity = per_user_number("capacity", id, defaults_.capacity);
      const long long load = call.count_contacts(Json::object().set(
          "all", Json::array()
                     .push(Json::object().set("field", "owner_id").set("op", "eq").set("value", id))
                     .push(defaults_.load_filter)));
      if (load >= capacity) {
        ++full;
        continue;
      }
      // Least loaded relative to capacity (cross-multiplied: no rounding); ties to the
      // lower id, so the choice is stable.
      if (best == 0 || load * best_capacity < best_load * capacity) {
        best = id;
        best_load = load;
        best_capacity = capacity;
      }
    }
    if (best == 0) {
      return out.set("assigned_to", Json())
          .set("reason", "nobody available (" + std::to_string(off_hours) + " off hours, " +
                             std::to_string(full) + " at capacity)");
    }
    if ((*c)["owner_id"].as_int() != best) {
      call.update_contact(contact_id, Json::object().set("owner_id", best));
    }
    return out.set("assigned_to", best).set("load", best_load).set("capacity", best_capacity);
  }

 private:
  static long long number(const std::string& v, const std::string& key) {
    try {
      std::size_t used = 0;
      long long n = std::stoll(v, &used);
      if (used == v.size() && n >= 0) return n;
    } catch (const std::exception&) {
    }
    throw std::runtime_error("setting " + key + " must be a whole number >= 0");
  }
  std::string zone(const std::string& name, const std::string& key) const {
    if (!switchboard::local_time(plugin_.host(), name, 0)) {
      throw std::runtime_error("setting " + key + ": unknown time zone '" + name + "'");
    }
    return name;
  }
  static std::vector<std::string> split(const std::string& v) {
    std::vector<std::string> out;
    for (std::size_t pos = 0; pos <= v.size();) {
      auto comma = v.find(',', pos);
      std::string part =
          v.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      if (!part.empty()) out.push_back(part);
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    return out;
  }
  static long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  bool role_takes(const std::string& role) const {
    for (const auto& r : defaults_.roles) {
      if (r == role) return true;
    }
    return false;
  }
  long long per_user_number(const char* key, long long id, long long otherwise) const {
    auto v = plugin_.config((std::string(key) + "." + std::to_string(id)).c_str());
    return v ? number(*v, std::string(key) + "." + std::to_string(id)) : otherwise;
  }
  // Per-user settings are read per call (a map lookup): a bad value fails the call with
  // the setting named instead of refusing the whole plugin at load.
  bool working(long long id, long long now) const {
    const std::string suffix = "." + std::to_string(id);
    auto h = plugin_.config(("hours" + suffix).c_str());
    Hours hours = h ? parse_hours(*h) : defaults_.hours;
    if (hours.always) return true;
    auto z = plugin_.config(("time_zone" + suffix).c_str());
    auto local = switchboard::local_time(plugin_.host(), z ? *z : defaults_.time_zone, now);
    if (!local) throw std::runtime_error("unknown time zone for user " + std::to_string(id));
    const long long day = *local >= 0 ? *local / 86400000 : (*local - 86399999) / 86400000;
    const int weekday = static_cast<int>(((day % 7) + 7 + 3) % 7) + 1;  // 1970-01-01: Thursday
    const int minute = static_cast<int>((*local - day * 86400000) / 60000);
    return hours.days[weekday] && minute >= hours.start && minute < hours.end;
  }

  const switchboard::Plugin& plugin_;
  Settings defaults_;
};

long long contact_id_of(const Json& input) {
  long long id = input.is_number() ? input.as_int() : input["id"].as_int();
  if (id <= 0) throw std::runtime_error("input needs the contact id: {\"id\": N}");
  return id;
}

}  // namespace

SWITCHBOARD_PLUGIN(plugin) {
  plugin.describe("assign_balanced", "1.0.0",
                  "Least-loaded assignment honouring per-user capacity and working hours");
  plugin.settings({"capacity", "capacity.*", "hours", "hours.*", "time_zone", "time_zone.*",
                   "roles", "load_filter", "assign_new"});
  auto balancer = std::make_shared<Balancer>(plugin);
  // crm.actions["assign_balanced.assign"]({id = c.id}) / POST /v1/actions/assign_balanced.assign
  // {"id": N, "reassign": true} moves an assigned contact too.
  plugin.action(
      "assign", "Assigns one contact to the least-loaded available user; input {id, reassign?}",
      [balancer](switchboard::Call& call, const Json& input) {
        return balancer->assign(call, contact_id_of(input), !input["reassign"].as_bool(false));
      });
  if (balancer->assign_new()) {
    plugin.on("new_contacts", "contact.created",
              [balancer](switchboard::Call& call, const Json& e) {
                long long id = e["subject_id"].as_int();
                if (id > 0 && call.contact(id)) balancer->assign(call, id, true);
              });
  }
}
