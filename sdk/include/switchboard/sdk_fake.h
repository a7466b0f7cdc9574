// A fake Switchboard host for plugin unit tests: loads a plugin in-process, calls its
// actions, subscribers, extractors and providers, and keeps what they reach (contacts,
// users, settings, once keys, scheduled events, log lines) in memory. No server, no database.
#ifndef SWITCHBOARD_SDK_FAKE_H
#define SWITCHBOARD_SDK_FAKE_H

// Header-only C++17 over plugin.h and plugin.hpp. It defines the host's opaque structs
// (sb_call, sb_extraction): include it in a test binary, never in the plugin itself, and
// not in a program that also links the Switchboard server.
//
// What it does like the server: the API version checks, registration names, the
// all-or-nothing load, declared settings (API 1.3: an undeclared .conf key refuses the
// load), once keys per team and plugin, "<plugin>.<name>" scheduled events, JSON results.
// What it leaves to the test: filters. contact_find and contact_count answer through
// Host::match (default: every contact of the team), and local_time knows "UTC", fixed
// offsets ("+07:00") and the names the test puts in Host::zones.

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "switchboard/plugin.h"
#include "switchboard/plugin.hpp"

namespace switchboard::fake {

class Host;

// A callback's outcome: its status, the result it set (null if none), its error.
struct Outcome {
  sb_status status = SB_ERROR;
  Json result;
  std::string error;
  bool ok() const { return status == SB_OK; }
};

struct Finding {
  std::string field, value;
  double confidence = 0, score = 0;
};

struct Scheduled {
  long long team_id = 0;
  std::string type;  // "<plugin>.<name>"
  Json payload;
  long long delay_ms = 0;
};

struct LogLine {
  sb_log_level level = SB_LOG_INFO;
  std::string message;
};

struct ContactWrite {
  long long team_id = 0, contact_id = 0;
  Json patch;
};

}  // namespace switchboard::fake

struct sb_call {
  switchboard::fake::Host* host = nullptr;
  long long team_id = 0;
  bool has_result = false;
  std::string result, error, last_error;
};

struct sb_extraction {
  std::vector<switchboard::fake::Finding>* findings = nullptr;
};

namespace switchboard::fake {

class Host {
 public:
  Host() : slot_{}, api_{} {
    slot_.host = this;
    api_.struct_size = sizeof(sb_host_api);
    api_.api_major = SB_PLUGIN_API_MAJOR;
    api_.api_minor = SB_PLUGIN_API_MINOR;
    api_.register_action = &register_action;
    api_.register_subscriber = &register_subscriber;
    api_.register_extractor = &register_extractor;
    api_.register_provider = &register_provider;
    api_.log = &log;
    api_.config = &config;
    api_.set_result = &set_result;
    api_.set_error = &set_error;
    api_.last_error = &last_error;
    api_.team_id = &team_id;
    api_.contact_get = &contact_get;
    api_.contact_find = &contact_find;
    api_.contact_update = &contact_update;
    api_.once = &once;
    api_.schedule = &schedule;
    api_.extracted = &extracted;
    api_.free = &std::free;
    api_.users = &users;
    api_.contact_count = &contact_count;
    api_.local_time = &local_time;
    current() = this;
  }
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;
  ~Host() {
    unload();
    if (current() == this) current() = nullptr;
  }

  // ---- what the test sets up ------------------------------------------------------------
  // The plugin's .conf settings, as "key = value" lines would give them. Set before load.
  std::map<std::string, std::string> settings;
  // contact_find / contact_count: the team's contacts a filter selects. Default: all.
  std::function<bool(const Json& contact, const Json& filter)> match =
      [](const Json&, const Json&) { return true; };
  // Named time zones as fixed offsets in ms ("Europe/Paris" -> 3600000).
  std::map<std::string, long long> zones;
  // A contact update the server would refuse: return the reason (empty: accepted).
  std::function<std::string(const Json& contact, const Json& patch)> refuse_update =
      [](const Json&, const Json&) { return std::string(); };

  // A contact of `team` (needs a numeric "id"); replaces one with the same id.
  void put_contact(long long team, Json contact) {
    contacts_[team][contact["id"].as_int()] = std::move(contact);
  }
  // A user of `team`: {"id", "name", "email", "role"}.
  void put_user(long long team, Json user) { users_[team][user["id"].as_int()] = std::move(user); }
  std::optional<Json> contact(long long team, long long id) const {
    auto t = contacts_.find(team);
    if (t == contacts_.end()) return std::nullopt;
    auto c = t->second.find(id);
    return c == t->second.end() ? std::nullopt : std::optional<Json>(c->second);
  }

  // ---- loading -------------------------------------------------------------------------
  // Runs `init` as the server would; "" when loaded, else the reason the server would list.
  std::string load(sb_plugin_init_fn init) {
    reset();
    current() = this;
    slot_.self = sb_plugin{};
    slot_.self.struct_size = sizeof(sb_plugin);
    registering_ = true;
    const int rc = init(&api_, &slot_.self);
    registering_ = false;
    std::string why;
    if (slot_.self.api_major != SB_PLUGIN_API_MAJOR || slot_.self.api_minor > SB_PLUGIN_API_MINOR) {
      why = "built for plugin API " + std::to_string(slot_.self.api_major) + "." +
            std::to_string(slot_.self.api_minor);
    } else if (rc != 0) {
      // Like the server: the registration refused, else the last error the init logged.
      const std::string& detail = registration_error_.empty() ? init_error_ : registration_error_;
      why = "sb_plugin_init returned " + std::to_string(rc) + (detail.empty() ? "" : ": " + detail);
    } else if (!registration_error_.empty()) {
      why = registration_error_;
    } else if (!slot_.self.name) {
      why = "sb_plugin_init did not set a name";
    } else if (slot_.self.config_keys) {
      for (const auto& kv : settings) {
        if (!setting_declared(slot_.self.config_keys, kv.first)) {
          why = std::string(slot_.self.name) + ".conf: unknown setting '" + kv.first + "'";
          break;
        }
      }
    }
    if (!why.empty()) {
      reset();
      return why;
    }
    loaded_ = true;
    return "";
  }
  // dlopen()s a built plugin (RTLD_LOCAL, as the server) and loads it.
  std::string load_library(const std::string& path) {
    unload();
    library_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!library_) return std::string("cannot load: ") + dlerror();
    auto init = reinterpret_cast<sb_plugin_init_fn>(dlsym(library_, "sb_plugin_init"));
    if (!init) return "not a Switchboard plugin: no sb_plugin_init symbol";
    return load(init);
  }
  const sb_plugin& plugin() const { return slot_.self; }

  // ---- calling it ----------------------------------------------------------------------
  // `name` as registered ("update") or as Lua and REST call it ("lead_score.update").
  Outcome action(const std::string& name, const Json& input, long long team = 1) {
    for (const auto& a : actions_) {
      if (named(a.name, name)) return invoke(a.fn, a.user_data, input.dump(), team);
    }
    return missing("action", name);
  }
  // The subscriber `name` (as registered, without the plugin prefix) with `event`: the
  // event JSON the bus gives ({"id","type","subject_type","subject_id","payload",...}).
  Outcome event(const std::string& name, const Json& event, long long team = 1) {
    for (const auto& s : subscribers_) {
      if (named(s.name, name)) return invoke(s.fn, s.user_data, event.dump(), team);
    }
    return missing("subscriber", name);
  }
  // Every subscriber whose pattern takes the event's type, in registration order.
  std::vector<Outcome> publish(const Json& event, long long team = 1) {
    std::vector<Outcome> out;
    const std::string type = event["type"].as_string();
    for (const auto& s : subscribers_) {
      if (pattern_takes(s.pattern, type))
        out.push_back(invoke(s.fn, s.user_data, event.dump(), team));
    }
    return out;
  }
  // Every extractor over one message.
  std::vector<Finding> extract(const std::string& text) {
    std::vector<Finding> found;
    sb_extraction out;
    out.findings = &found;
    for (const auto& e : extractors_) e.fn(&out, text.data(), text.size(), e.user_data);
    return found;
  }
  // The provider `name` of `channel`: its send, or its status reader.
  Outcome send(const std::string& channel, const std::string& name, const Json& message,
               long long team = 1) {
    const Provider* p = provider(channel, name);
    return p ? invoke(p->send, p->user_data, message.dump(), team) : missing("provider", name);
  }
  Outcome read_status(const std::string& channel, const std::string& name, const Json& request,
                      long long team = 1) {
    const Provider* p = provider(channel, name);
    if (!p || !p->status) return missing("status reader", name);
    return invoke(p->status, p->user_data, request.dump(), team);
  }
  std::vector<std::string> registered() const {
    std::vector<std::string> out;
    for (const auto& a : actions_) out.push_back("action " + a.name);
    for (const auto& s : subscribers_) out.push_back("subscriber " + s.name + " " + s.pattern);
    for (const auto& e : extractors_) out.push_back("extractor " + e.name);
    for (const auto& p : providers_) out.push_back("provider " + p.channel + " " + p.name);
    return out;
  }
  std::uint32_t session_window(const std::string& channel, const std::string& name) const {
    const Provider* p = provider(channel, name);
    return p ? p->session_window_s : 0;
  }

  // ---- what the plugin did -------------------------------------------------------------
  std::vector<LogLine> logs;
  std::vector<Scheduled> scheduled;
  std::vector<ContactWrite> writes;  // accepted contact updates, in order

 private:
  struct Slot {
    sb_plugin self;  // first: the host finds itself from the sb_plugin* it handed out
    Host* host;
  };
  struct Action {
    std::string name;
    sb_action_fn fn;
    void* user_data;
  };
  struct Subscriber {
    std::string name, pattern;
    sb_event_fn fn;
    void* user_data;
  };
  struct Extractor {
    std::string name;
    sb_extract_fn fn;
    void* user_data;
  };
  struct Provider {
    std::string channel, name;
    sb_send_fn send, status;
    void* user_data;
    std::uint32_t session_window_s;
  };

  bool named(const std::string& registered, const std::string& asked) const {
    return asked == registered ||
           (slot_.self.name && asked == std::string(slot_.self.name) + "." + registered);
  }
  static Host& of(const sb_plugin* self) { return *reinterpret_cast<const Slot*>(self)->host; }
  static char* copy(const std::string& s) {
    char* out = static_cast<char*>(std::malloc(s.size() + 1));
    std::memcpy(out, s.c_str(), s.size() + 1);
    return out;
  }
  static bool valid_name(const char* name) {
    if (!name) return false;
    const std::size_t n = std::strlen(name);
    if (n == 0 || n > 40) return false;
    for (const char* c = name; *c; ++c) {
      if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) return false;
    }
    return true;
  }
  static bool pattern_takes(const std::string& pattern, const std::string& type) {
    if (pattern == "*" || pattern == type) return true;
    return pattern.size() > 2 && pattern.compare(pattern.size() - 2, 2, ".*") == 0 &&
           type.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  }
  // Registration: only during load; the name is checked and must be unique in its kind.
  bool admit(const char* what, const char* name, bool taken) {
    if (!registering_) return fail_registration(std::string(what) + " registered after init");
    if (!valid_name(name)) {
      return fail_registration(std::string("invalid ") + what + " name '" + (name ? name : "") +
                               "'");
    }
    if (taken) return fail_registration(std::string("duplicate ") + what + " " + name);
    return true;
  }
  bool fail_registration(std::string why) {
    if (registration_error_.empty()) registration_error_ = std::move(why);
    return false;
  }
  template <class T>
  static bool has(const std::list<T>& items, const char* name) {
    for (const auto& i : items) {
      if (name && i.name == name) return true;
    }
    return false;
  }
  static int register_action(sb_plugin* self, const sb_action_def* d) {
    Host& h = of(self);
    if (!d || !h.admit("action", d->name, has(h.actions_, d->name)) || !d->fn) return -1;
    h.actions_.push_back({d->name, d->fn, d->user_data});
    return 0;
  }
  static int register_subscriber(sb_plugin* self, const sb_subscriber_def* d) {
    Host& h = of(self);
    if (!d || !h.admit("subscriber", d->name, has(h.subscribers_, d->name)) || !d->fn ||
        !d->pattern) {
      return -1;
    }
    h.subscribers_.push_back({d->name, d->pattern, d->fn, d->user_data});
    return 0;
  }
  static int register_extractor(sb_plugin* self, const sb_extractor_def* d) {
    Host& h = of(self);
    if (!d || !h.admit("extractor", d->name, has(h.extractors_, d->name)) || !d->fn) return -1;
    h.extractors_.push_back({d->name, d->fn, d->user_data});
    return 0;
  }
  static int register_provider(sb_plugin* self, const sb_provider_def* d) {
    Host& h = of(self);
    if (!d || !h.admit("provider", d->name, has(h.providers_, d->name)) || !d->send ||
        !d->channel) {
      return -1;
    }
    h.providers_.push_back(
        {d->channel, d->name, d->send, d->status, d->user_data, d->session_window_s});
    return 0;
  }
  static void log(const sb_plugin* self, sb_log_level level, const char* message) {
    Host& h = of(self);
    h.logs.push_back({level, message ? message : ""});
    if (h.registering_ && level == SB_LOG_ERROR) h.init_error_ = h.logs.back().message;
  }
  static const char* config(const sb_plugin* self, const char* key) {
    const Host& h = of(self);
    auto it = key ? h.settings.find(key) : h.settings.end();
    return it == h.settings.end() ? nullptr : it->second.c_str();
  }
  static int set_result(sb_call* call, const char* json, size_t len) {
    try {
      Json::parse(std::string_view(json, len));
    } catch (const std::exception& e) {
      call->last_error = std::string("set_result: ") + e.what();
      return -1;
    }
    call->result.assign(json, len);
    call->has_result = true;
    return 0;
  }
  static void set_error(sb_call* call, const char* message) {
    call->error = message ? message : "";
  }
  static const char* last_error(sb_call* call) { return call->last_error.c_str(); }
  static int64_t team_id(sb_call* call) { return call->team_id; }
  static char* fail(sb_call* call, std::string why) {
    call->last_error = std::move(why);
    return nullptr;
  }
  static char* contact_get(sb_call* call, int64_t id) {
    auto c = call->host->contact(call->team_id, id);
    return c ? copy(c->dump()) : fail(call, "no contact " + std::to_string(id));
  }
  // The team's contacts `filter_json` selects (through Host::match), ascending id.
  std::optional<std::vector<const Json*>> select(sb_call* call, const char* filter_json) {
    Json filter;
    try {
      filter = Json::parse(filter_json ? filter_json : "");
    } catch (const std::exception& e) {
      call->last_error = std::string("invalid filter: ") + e.what();
      return std::nullopt;
    }
    std::vector<const Json*> out;
    for (const auto& kv : contacts_[call->team_id]) {
      if (match(kv.second, filter)) out.push_back(&kv.second);
    }
    return out;
  }
  static char* contact_find(sb_call* call, const char* filter_json, int limit) {
    if (limit < 1 || limit > 500) return fail(call, "limit must be 1..500");
    auto found = call->host->select(call, filter_json);
    if (!found) return nullptr;
    Json out = Json::array();
    for (std::size_t i = 0; i < found->size() && i < static_cast<std::size_t>(limit); ++i) {
      out.push(*(*found)[i]);
    }
    return copy(out.dump());
  }
  static int64_t contact_count(sb_call* call, const char* filter_json) {
    auto found = call->host->select(call, filter_json);
    return found ? static_cast<int64_t>(found->size()) : -1;
  }
  static char* contact_update(sb_call* call, int64_t id, const char* patch_json) {
    Host& h = *call->host;
    auto it = h.contacts_[call->team_id].find(id);
    if (it == h.contacts_[call->team_id].end())
      return fail(call, "no contact " + std::to_string(id));
    Json patch;
    try {
      patch = Json::parse(patch_json ? patch_json : "");
    } catch (const std::exception& e) {
      return fail(call, std::string("invalid patch: ") + e.what());
    }
    if (!patch.is_object()) return fail(call, "the patch must be a JSON object");
    std::string refused = h.refuse_update(it->second, patch);
    if (!refused.empty()) return fail(call, refused);
    Json updated = Json::object();
    for (const auto& kv : it->second.members()) {
      if (!patch.has(kv.first)) updated.set(kv.first, kv.second);
    }
    for (const auto& kv : patch.members()) {
      if (!kv.second.is_null()) updated.set(kv.first, kv.second);
    }
    it->second = updated;
    h.writes.push_back({call->team_id, id, patch});
    return copy(updated.dump());
  }
  static int once(sb_call* call, const char* key) {
    if (!key || !*key) {
      call->last_error = "once: empty key";
      return -1;
    }
    return call->host->once_[call->team_id].insert(key).second ? 1 : 0;
  }
  static int schedule(sb_call* call, const char* name, const char* payload_json, int64_t delay_ms) {
    Host& h = *call->host;
    if (!valid_name(name)) {
      call->last_error = "schedule: invalid name";
      return -1;
    }
    Json payload;
    try {
      payload = Json::parse(payload_json ? payload_json : "");
    } catch (const std::exception& e) {
      call->last_error = std::string("schedule: ") + e.what();
      return -1;
    }
    if (!payload.is_object() || delay_ms < 0) {
      call->last_error = "schedule: the payload must be an object and the delay >= 0";
      return -1;
    }
    h.scheduled.push_back(
        {call->team_id, std::string(h.slot_.self.name) + "." + name, payload, delay_ms});
    return 0;
  }
  static void extracted(sb_extraction* out, const char* field, const char* value, double confidence,
                        double score) {
    out->findings->push_back({field ? field : "", value ? value : "", confidence, score});
  }
  static char* users(sb_call* call) {
    Json out = Json::array();
    for (const auto& kv : call->host->users_[call->team_id]) out.push(kv.second);
    return copy(out.dump());
  }
  static int local_time(const char* zone, int64_t utc_ms, int64_t* local_ms) {
    // Zones are looked up through the one Host alive in the test (the C signature carries
    // no host): the last one constructed.
    const std::string z = zone ? zone : "";
    long long offset = 0;
    if (z == "UTC") {
      offset = 0;
    } else if (z.size() == 6 && (z[0] == '+' || z[0] == '-') && z[3] == ':') {
      offset = (std::stoll(z.substr(1, 2)) * 60 + std::stoll(z.substr(4, 2))) * 60000;
      if (z[0] == '-') offset = -offset;
    } else if (current()) {
      auto it = current()->zones.find(z);
      if (it == current()->zones.end()) return -1;
      offset = it->second;
    } else {
      return -1;
    }
    *local_ms = utc_ms + offset;
    return 0;
  }
  static Host*& current() {
    static Host* host = nullptr;
    return host;
  }

  Outcome invoke(sb_status (*fn)(sb_call*, const char*, size_t, void*), void* user_data,
                 const std::string& input, long long team) {
    if (!loaded_) return {SB_ERROR, Json(), "no plugin is loaded"};
    current() = this;
    sb_call call;
    call.host = this;
    call.team_id = team;
    Outcome out;
    out.status = fn(&call, input.data(), input.size(), user_data);
    if (call.has_result) out.result = Json::parse(call.result);
    out.error = call.error;
    return out;
  }
  static Outcome missing(const char* what, const std::string& name) {
    return {SB_ERROR, Json(), std::string("the plugin registered no ") + what + " " + name};
  }
  const Provider* provider(const std::string& channel, const std::string& name) const {
    for (const auto& p : providers_) {
      if (p.channel == channel && named(p.name, name)) return &p;
    }
    return nullptr;
  }
  // The plugin's state goes (on_unload); its library stays open until unload().
  void reset() {
    if (slot_.self.on_unload) slot_.self.on_unload(slot_.self.user_data);
    slot_.self = sb_plugin{};
    actions_.clear();
    subscribers_.clear();
    extractors_.clear();
    providers_.clear();
    registration_error_.clear();
    init_error_.clear();
    loaded_ = false;
  }
  void unload() {
    reset();
    if (library_) dlclose(library_);
    library_ = nullptr;
  }

  Slot slot_;
  sb_host_api api_;
  void* library_ = nullptr;
  bool registering_ = false, loaded_ = false;
  std::string registration_error_, init_error_;
  std::list<Action> actions_;
  std::list<Subscriber> subscribers_;
  std::list<Extractor> extractors_;
  std::list<Provider> providers_;
  std::map<long long, std::map<long long, Json>> contacts_;
  std::map<long long, std::map<long long, Json>> users_;
  std::map<long long, std::set<std::string>> once_;
};

}  // namespace switchboard::fake

#endif  // SWITCHBOARD_SDK_FAKE_H
