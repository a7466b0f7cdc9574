// The sb_host_api table: what plugins may call. Every data function acts for the team of
// its sb_call only, through the same store code as REST; nothing throws across the ABI.
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <regex>

#include "model/contact_filter.h"
#include "model/contact_json.h"
#include "model/contact_patch_json.h"
#include "model/error.h"
#include "model/json_syntax.h"
#include "model/role.h"
#include "model/time_zone.h"
#include "plugins/call_context.h"
#include "store/audit_store.h"
#include "store/contact_store.h"
#include "store/database.h"
#include "store/event_queue_store.h"
#include "store/event_store.h"
#include "store/user_store.h"

namespace sb::plugins {
namespace {

thread_local LoadedPlugin* t_loading = nullptr;

// sb_plugin -> its LoadedPlugin, for host functions that get only `self`.
std::mutex& owners_mutex() {
  static std::mutex m;
  return m;
}
std::map<const sb_plugin*, const LoadedPlugin*>& owners() {
  static std::map<const sb_plugin*, const LoadedPlugin*> m;
  return m;
}
thread_local std::string t_registration_error;
thread_local std::string t_init_error;  // the last error the loading plugin logged

bool valid_name(const char* name) {
  if (!name) return false;
  std::size_t n = std::strlen(name);
  if (n == 0 || n > 40) return false;
  for (std::size_t i = 0; i < n; ++i) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// The plugin being loaded, when `self` is its sb_plugin and init is running.
LoadedPlugin* loading(sb_plugin* self, const char* what, const char* name) {
  if (!t_loading || self != &t_loading->self) return nullptr;
  if (!valid_name(name)) {
    t_registration_error = std::string(what) + " name '" + (name ? name : "(null)") +
                           "' must be 1-40 characters of a-z, 0-9, _";
    return nullptr;
  }
  return t_loading;
}

int refuse(const std::string& why) {
  if (t_registration_error.empty()) t_registration_error = why;
  return -1;
}

std::string prefixed(const LoadedPlugin& p, const char* name) {
  return (p.self.name ? std::string(p.self.name) : std::string("?")) + "." + name;
}

// The checks every registration shares: a complete def (at least `min_size` bytes: the
// struct as the oldest API minor defined it), init running for `self`, a valid and unused
// name. Returns the plugin and the full "<plugin>.<name>", or refuses.
template <class Def, class List>
LoadedPlugin* admit(sb_plugin* self, const Def* def, bool complete, const char* what,
                    List LoadedPlugin::*list, std::string& full,
                    std::size_t min_size = sizeof(Def)) {
  if (!def || def->struct_size < min_size || !complete) {
    refuse(std::string("register_") + what + ": incomplete definition");
    return nullptr;
  }
  LoadedPlugin* p = loading(self, what, def->name);
  if (!p) {
    refuse(std::string("register_") + what + " outside sb_plugin_init");
    return nullptr;
  }
  full = prefixed(*p, def->name);
  for (const auto& existing : p->*list) {
    if (existing.name == full) {
      refuse(std::string("duplicate ") + what + " " + full);
      return nullptr;
    }
  }
  return p;
}

int register_action(sb_plugin* self, const sb_action_def* def) {
  std::string full;
  LoadedPlugin* p = admit(self, def, def && def->fn, "action", &LoadedPlugin::actions, full);
  if (!p) return -1;
  p->actions.push_back(
      {full, def->description ? def->description : "", def->flags, def->fn, def->user_data});
  return 0;
}

int register_subscriber(sb_plugin* self, const sb_subscriber_def* def) {
  std::string full;
  LoadedPlugin* p = admit(self, def, def && def->fn && def->pattern, "subscriber",
                          &LoadedPlugin::subscriptions, full);
  if (!p) return -1;
  p->subscriptions.push_back({full, def->pattern, def->fn, def->user_data});
  return 0;
}

int register_extractor(sb_plugin* self, const sb_extractor_def* def) {
  std::string full;
  LoadedPlugin* p = admit(self, def, def && def->fn, "extractor", &LoadedPlugin::extractors, full);
  if (!p) return -1;
  p->extractors.push_back({full, def->fn, def->user_data});
  return 0;
}

int register_provider(sb_plugin* self, const sb_provider_def* def) {
  if (def && def->channel && std::strcmp(def->channel, "sms") != 0) {
    return refuse(std::string("register_provider: unknown channel '") + def->channel +
                  "' (known: sms)");
  }
  std::string full;
  // API 1.0 defs end before `status`.
  constexpr std::size_t v10_size = offsetof(sb_provider_def, status);
  LoadedPlugin* p = admit(self, def, def && def->send && def->channel, "provider",
                          &LoadedPlugin::providers, full, v10_size);
  if (!p) return -1;
  // Fields a plugin's struct_size says it has; later ones read as unset.
  auto has = [def](std::size_t offset, std::size_t size) {
    return def->struct_size >= offset + size;
  };
  sb_send_fn status =
      has(offsetof(sb_provider_def, status), sizeof def->status) ? def->status : nullptr;
  std::uint32_t window = has(offsetof(sb_provider_def, session_window_s), sizeof(std::uint32_t))
                             ? def->session_window_s
                             : 0;
  p->providers.push_back(
      {def->channel, full, def->flags, def->send, def->user_data, status, window});
  return 0;
}

void log(const sb_plugin* self, sb_log_level level, const char* message) {
  Poco::Logger& l = Poco::Logger::get("plugin");
  std::string text =
      std::string(self && self->name ? self->name : "plugin") + ": " + (message ? message : "");
  // An error logged by a plugin's own init is the best reason its load fails.
  if (level == SB_LOG_ERROR && t_loading && self == &t_loading->self && message) {
    t_init_error = message;
  }
  switch (level) {
    case SB_LOG_DEBUG:
      l.debug(text);
      break;
    case SB_LOG_INFO:
      l.information(text);
      break;
    case SB_LOG_WARN:
      l.warning(text);
      break;
    default:
      l.error(text);
  }
}

const char* config(const sb_plugin* self, const char* key) {
  if (!key) return nullptr;
  const LoadedPlugin* p = nullptr;
  if (t_loading && self == &t_loading->self) {
    p = t_loading;
  } else {
    std::lock_guard lock(owners_mutex());
    auto it = owners().find(self);
    if (it != owners().end()) p = it->second;
  }
  if (!p) return nullptr;
  auto it = p->config.find(key);
  return it == p->config.end() ? nullptr : it->second.c_str();
}

int set_result(sb_call* call, const char* json, size_t len) {
  if (!call || !json) return -1;
  std::string text(json, len);
  // The caller gets JSON or an error, never garbage.
  if (auto bad = check_json_syntax(text)) {
    call->last_error =
        "set_result: not JSON (" + bad->message + " at byte " + std::to_string(bad->offset) + ")";
    call->error = call->last_error;
    return -1;
  }
  call->result = std::move(text);
  return 0;
}

void set_error(sb_call* call, const char* message) {
  if (call) call->error = message ? message : "";
}

const char* last_error(sb_call* call) {
  return call ? call->last_error.c_str() : "";
}

int64_t team_id(sb_call* call) {
  return call ? call->scope.team_id : 0;
}

char* copy_out(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out) std::memcpy(out, s.c_str(), s.size() + 1);
  return out;
}

// Runs `fn` with a session: the caller's open transaction, or a new one.
template <class Fn>
bool with_session(sb_call* call, bool write, Fn&& fn) {
  if (!call) return false;
  call->last_error.clear();
  try {
    if (call->scope.session) {
      fn(*call->scope.session);
    } else if (write) {
      call->scope.db->write([&](soci::session& s) { fn(s); });
    } else {
      call->scope.db->read([&](soci::session& s) { fn(s); });
    }
    return true;
  } catch (const Error& e) {
    call->last_error = e.what();
    for (const auto& d : e.details()) {
      if (d.key == "field" && std::holds_alternative<std::string>(d.value)) {
        call->last_error += " (field " + std::get<std::string>(d.value) + ")";
      }
    }
  } catch (const std::exception& e) {
    call->last_error = e.what();
  }
  return false;
}

char* contact_get(sb_call* call, int64_t id) {
  std::string out;
  bool ok = with_session(call, false, [&](soci::session& s) {
    ContactStore contacts(call->scope.db->dialect());
    auto c = contacts.get(s, call->scope.team_id, id);
    if (!c) throw Error::not_found("contact", id);
    out = contact_json_text(*c);
  });
  return ok ? copy_out(out) : nullptr;
}

char* contact_find(sb_call* call, const char* filter_json, int limit) {
  std::string out;
  bool ok = with_session(call, false, [&](soci::session& s) {
    if (limit < 1 || limit > 500) throw std::invalid_argument("limit must be 1..500");
    FilterNode node = parse_filter_json_text(filter_json && *filter_json ? filter_json : "{}");
    ContactStore contacts(call->scope.db->dialect());
    ContactPage page =
        contacts.list(s, call->scope.team_id, node, ContactSort{}, std::nullopt, limit);
    Poco::JSON::Array arr;
    for (const Contact& c : page.contacts) arr.add(contact_to_json(c));
    out = json_text(arr);
  });
  return ok ? copy_out(out) : nullptr;
}

char* contact_update(sb_call* call, int64_t id, const char* patch_json) {
  std::string out;
  bool ok = with_session(call, true, [&](soci::session& s) {
    Poco::JSON::Object::Ptr o;
    try {
      o = Poco::JSON::Parser()
              .parse(patch_json ? patch_json : "")
              .extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
      throw std::invalid_argument("the patch must be a JSON object");
    }
    JsonFields fields(o);
    ContactPatch patch = read_contact_patch(fields);
    fields.reject_unknown();
    ContactStore contacts(call->scope.db->dialect());
    Contact c = contacts.update(s, call->scope.team_id, id, patch, std::nullopt, Actor::none());
    AuditStore(call->scope.db->dialect())
        .append(s, {.team_id = call->scope.team_id,
                    .actor_type = "plugin",
                    .actor_id = call->plugin->name,
                    .action = "contact_update",
                    .subject_type = "contact",
                    .subject_id = id});
    out = contact_json_text(c);
  });
  return ok ? copy_out(out) : nullptr;
}

int once(sb_call* call, const char* key) {
  if (!key || !*key) {
    if (call) call->last_error = "once: empty key";
    return -1;
  }
  bool first = false;
  bool ok = with_session(call, true, [&](soci::session& s) {
    EventQueueStore queue(call->scope.db->dialect());
    first = queue.claim_effect(s, call->scope.team_id, "plugin:" + call->plugin->name + ":" + key);
  });
  return ok ? (first ? 1 : 0) : -1;
}

int schedule(sb_call* call, const char* name, const char* payload_json, int64_t delay_ms) {
  static const std::regex valid("[a-z0-9_]{1,40}(\\.[a-z0-9_]{1,40})?");
  if (!call) return -1;
  if (!name || !std::regex_match(name, valid)) {
    call->last_error = "schedule: name must be a-z, 0-9, _ (one optional dot)";
    return -1;
  }
  if (delay_ms < 0 || delay_ms > 366LL * 24 * 3600 * 1000) {
    call->last_error = "schedule: delay_ms must be 0 .. 366 days";
    return -1;
  }
  std::string payload = payload_json && *payload_json ? payload_json : "{}";
  bool ok = with_session(call, true, [&](soci::session& s) {
    try {
      Poco::JSON::Parser().parse(payload).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
      throw std::invalid_argument("schedule: the payload must be a JSON object");
    }
    EventStore events(call->scope.db->dialect());
    events.append(s, {.team_id = call->scope.team_id,
                      .type = call->plugin->name + "." + name,
                      .payload_json = payload,
                      .available_at = now_ms() + delay_ms});
  });
  return ok ? 0 : -1;
}

char* users(sb_call* call) {
  std::string out;
  bool ok = with_session(call, false, [&](soci::session& s) {
    UserStore store(call->scope.db->dialect());
    Poco::JSON::Array arr;
    std::int64_t after = 0;
    while (true) {
      auto page = store.list(s, call->scope.team_id, after, 500);
      for (const User& u : page) {
        if (!u.active) continue;
        Poco::JSON::Object o;
        o.set("id", u.id);
        o.set("name", u.name);
        o.set("email", u.email);
        o.set("role", std::string(role_name(u.role)));
        arr.add(o);
      }
      if (page.size() < 500) break;
      after = page.back().id;
    }
    out = json_text(arr);
  });
  return ok ? copy_out(out) : nullptr;
}

int64_t contact_count(sb_call* call, const char* filter_json) {
  std::int64_t n = -1;
  with_session(call, false, [&](soci::session& s) {
    FilterNode node = parse_filter_json_text(filter_json && *filter_json ? filter_json : "{}");
    n = ContactStore(call->scope.db->dialect()).count(s, call->scope.team_id, node);
  });
  return n;
}

int local_time(const char* time_zone, int64_t utc_ms, int64_t* local_ms) {
  auto zone = time_zone ? TimeZone::find(time_zone) : nullptr;
  if (!zone || !local_ms) return -1;
  *local_ms = zone->utc_to_local(utc_ms);
  return 0;
}

void extracted(sb_extraction* out, const char* field, const char* value, double confidence,
               double score) {
  if (!out || !out->out || !field || !value) return;
  capture::Extracted e;
  e.field = field;
  e.value = value;
  e.confidence = confidence < 0 ? 0 : confidence > 1 ? 1 : confidence;
  e.score = score < -1 ? -1 : score > 1 ? 1 : score;
  e.source = out->source;
  out->out->push_back(std::move(e));
}

void host_free(void* p) {
  std::free(p);
}

}  // namespace

void track(const LoadedPlugin* plugin, bool live) {
  std::lock_guard lock(owners_mutex());
  if (live) {
    owners()[&plugin->self] = plugin;
  } else {
    owners().erase(&plugin->self);
  }
}

void begin_registration(LoadedPlugin* plugin) {
  t_loading = plugin;
  t_registration_error.clear();
  t_init_error.clear();
}

void end_registration() {
  t_loading = nullptr;
}

const std::string& registration_error() {
  return t_registration_error;
}

const std::string& init_error() {
  return t_init_error;
}

const sb_host_api* host_api() {
  static const sb_host_api api = {
      sizeof(sb_host_api),
      SB_PLUGIN_API_MAJOR,
      SB_PLUGIN_API_MINOR,
      &register_action,
      &register_subscriber,
      &register_extractor,
      &register_provider,
      &log,
      &config,
      &set_result,
      &set_error,
      &last_error,
      &team_id,
      &contact_get,
      &contact_find,
      &contact_update,
      &once,
      &schedule,
      &extracted,
      &host_free,
      &users,
      &contact_count,
      &local_time,
  };
  return &api;
}

}  // namespace sb::plugins
