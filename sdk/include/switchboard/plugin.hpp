// Header-only C++17 layer over plugin.h, compiled into the plugin: std::function callbacks,
// std::string results, a small JSON value type, and every exception caught at the ABI
// boundary (switchboard::Retry -> SB_RETRY, anything else -> SB_ERROR with its message).
#ifndef SWITCHBOARD_PLUGIN_HPP
#define SWITCHBOARD_PLUGIN_HPP

#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "switchboard/plugin.h"

namespace switchboard {

// Thrown by a callback: the delivery is retried later (transient failure).
struct Retry : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// ---- a small JSON value: enough to read events and contacts and build results ----------
class Json {
 public:
  enum class Type { Null, Bool, Number, String, Array, Object };
  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool b) : type_(Type::Bool), b_(b) {}
  Json(double n) : type_(Type::Number), n_(n) {}
  Json(int n) : type_(Type::Number), n_(n) {}
  Json(long n) : type_(Type::Number), n_(static_cast<double>(n)) {}
  Json(long long n) : type_(Type::Number), n_(static_cast<double>(n)) {}
  Json(const char* s) : type_(Type::String), s_(s) {}
  Json(std::string s) : type_(Type::String), s_(std::move(s)) {}
  static Json array() {
    Json j;
    j.type_ = Type::Array;
    return j;
  }
  static Json object() {
    Json j;
    j.type_ = Type::Object;
    return j;
  }

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::Null; }
  bool is_number() const { return type_ == Type::Number; }
  bool is_string() const { return type_ == Type::String; }
  bool is_object() const { return type_ == Type::Object; }
  bool is_array() const { return type_ == Type::Array; }
  bool as_bool(bool otherwise = false) const { return type_ == Type::Bool ? b_ : otherwise; }
  double as_number(double otherwise = 0) const { return type_ == Type::Number ? n_ : otherwise; }
  long long as_int(long long otherwise = 0) const {
    return type_ == Type::Number ? static_cast<long long>(n_) : otherwise;
  }
  std::string as_string(std::string otherwise = "") const {
    return type_ == Type::String ? s_ : otherwise;
  }
  // Object member (null when absent or not an object) / array element.
  const Json& operator[](const std::string& key) const {
    static const Json null;
    auto it = o_.find(key);
    return type_ == Type::Object && it != o_.end() ? it->second : null;
  }
  const Json& operator[](std::size_t i) const {
    static const Json null;
    return type_ == Type::Array && i < a_.size() ? a_[i] : null;
  }
  bool has(const std::string& key) const { return type_ == Type::Object && o_.count(key) > 0; }
  std::size_t size() const { return type_ == Type::Array ? a_.size() : o_.size(); }
  const std::vector<Json>& items() const { return a_; }
  const std::map<std::string, Json>& members() const { return o_; }
  Json& set(const std::string& key, Json v) {
    type_ = Type::Object;
    o_[key] = std::move(v);
    return *this;
  }
  Json& push(Json v) {
    type_ = Type::Array;
    a_.push_back(std::move(v));
    return *this;
  }

  // Throws std::runtime_error on malformed text.
  static Json parse(std::string_view text) {
    std::size_t i = 0;
    Json v = parse_value(text, i, 0);
    skip_ws(text, i);
    if (i != text.size()) throw std::runtime_error("JSON: trailing characters");
    return v;
  }
  std::string dump() const {
    std::string out;
    write(out);
    return out;
  }

 private:
  static void skip_ws(std::string_view t, std::size_t& i) {
    while (i < t.size() && (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t')) ++i;
  }
  static void expect(std::string_view t, std::size_t& i, std::string_view word) {
    if (t.substr(i, word.size()) != word) throw std::runtime_error("JSON: unexpected token");
    i += word.size();
  }
  static void put_utf8(std::string& out, unsigned long cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  static std::string parse_string(std::string_view t, std::size_t& i) {
    std::string out;
    ++i;  // opening quote
    while (i < t.size() && t[i] != '"') {
      char c = t[i++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i >= t.size()) break;
      char e = t[i++];
      switch (e) {
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'u': {
          if (i + 4 > t.size()) throw std::runtime_error("JSON: bad \\u escape");
          unsigned long cp = std::stoul(std::string(t.substr(i, 4)), nullptr, 16);
          i += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && t.substr(i, 2) == "\\u" && i + 6 <= t.size()) {
            unsigned long lo = std::stoul(std::string(t.substr(i + 2, 4)), nullptr, 16);
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
          put_utf8(out, cp);
          break;
        }
        default:
          out += e;
      }
    }
    if (i >= t.size()) throw std::runtime_error("JSON: unterminated string");
    ++i;
    return out;
  }
  static Json parse_value(std::string_view t, std::size_t& i, int depth) {
    if (depth > 64) throw std::runtime_error("JSON: nested too deeply");
    skip_ws(t, i);
    if (i >= t.size()) throw std::runtime_error("JSON: unexpected end");
    char c = t[i];
    if (c == '{') {
      Json o = object();
      ++i;
      skip_ws(t, i);
      if (i < t.size() && t[i] == '}') return ++i, o;
      while (true) {
        skip_ws(t, i);
        if (i >= t.size() || t[i] != '"') throw std::runtime_error("JSON: expected a key");
        std::string key = parse_string(t, i);
        skip_ws(t, i);
        expect(t, i, ":");
        o.o_[key] = parse_value(t, i, depth + 1);
        skip_ws(t, i);
        if (i < t.size() && t[i] == ',') {
          ++i;
          continue;
        }
        expect(t, i, "}");
        return o;
      }
    }
    if (c == '[') {
      Json a = array();
      ++i;
      skip_ws(t, i);
      if (i < t.size() && t[i] == ']') return ++i, a;
      while (true) {
        a.a_.push_back(parse_value(t, i, depth + 1));
        skip_ws(t, i);
        if (i < t.size() && t[i] == ',') {
          ++i;
          continue;
        }
        expect(t, i, "]");
        return a;
      }
    }
    if (c == '"') return Json(parse_string(t, i));
    if (c == 't') return expect(t, i, "true"), Json(true);
    if (c == 'f') return expect(t, i, "false"), Json(false);
    if (c == 'n') return expect(t, i, "null"), Json();
    std::size_t start = i;
    while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '-' ||
                            t[i] == '+' || t[i] == '.' || t[i] == 'e' || t[i] == 'E')) {
      ++i;
    }
    if (start == i) throw std::runtime_error("JSON: unexpected character");
    return Json(std::stod(std::string(t.substr(start, i - start))));
  }
  static void write_string(std::string& out, const std::string& s) {
    out += '"';
    for (unsigned char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
    out += '"';
  }
  void write(std::string& out) const {
    switch (type_) {
      case Type::Null:
        out += "null";
        break;
      case Type::Bool:
        out += b_ ? "true" : "false";
        break;
      case Type::Number: {
        char buf[32];
        if (std::isfinite(n_) && n_ == std::floor(n_) && std::fabs(n_) < 9e15) {
          std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(n_));
        } else {
          std::snprintf(buf, sizeof buf, "%.17g", std::isfinite(n_) ? n_ : 0.0);
        }
        out += buf;
        break;
      }
      case Type::String:
        write_string(out, s_);
        break;
      case Type::Array: {
        out += '[';
        for (std::size_t k = 0; k < a_.size(); ++k) {
          if (k) out += ',';
          a_[k].write(out);
        }
        out += ']';
        break;
      }
      case Type::Object: {
        out += '{';
        bool first = true;
        for (const auto& [k, v] : o_) {
          if (!first) out += ',';
          first = false;
          write_string(out, k);
          out += ':';
          v.write(out);
        }
        out += '}';
        break;
      }
    }
  }

  Type type_ = Type::Null;
  bool b_ = false;
  double n_ = 0;
  std::string s_;
  std::vector<Json> a_;
  std::map<std::string, Json> o_;
};

// API 1.3: whether `key` is among the NULL-terminated declared settings `keys`; a declared
// "name.*" admits "name.<anything>" (per-user overrides such as "capacity.12"). The host
// refuses a .conf key this rejects; sdk_fake.h does the same.
inline bool setting_declared(const char* const* keys, std::string_view key) {
  for (const char* const* k = keys; *k; ++k) {
    const std::string_view d(*k);
    if (d == key) return true;
    const bool family = d.size() > 2 && d.substr(d.size() - 2) == ".*";
    if (family && key.size() > d.size() - 1 &&
        key.substr(0, d.size() - 1) == d.substr(0, d.size() - 1)) {
      return true;
    }
  }
  return false;
}

// ---- one callback's view of the host -----------------------------------------------------
class Call {
 public:
  Call(const sb_host_api* host, sb_call* call) : host_(host), call_(call) {}
  long long team_id() const { return host_->team_id(call_); }
  // The contact as JSON, or nullopt when the team has no such contact.
  std::optional<Json> contact(long long id) const { return take(host_->contact_get(call_, id)); }
  Json find_contacts(const Json& filter, int limit = 50) const {
    auto r = take(host_->contact_find(call_, filter.dump().c_str(), limit));
    if (!r) throw std::runtime_error(host_->last_error(call_));
    return *r;
  }
  // Throws with the host's reason when the patch is refused.
  Json update_contact(long long id, const Json& patch) const {
    auto r = take(host_->contact_update(call_, id, patch.dump().c_str()));
    if (!r) throw std::runtime_error(host_->last_error(call_));
    return *r;
  }
  // API 1.1: the team's active users [{"id","name","email","role"}].
  Json users() const {
    auto r = take(host_->users(call_));
    if (!r) throw std::runtime_error(host_->last_error(call_));
    return *r;
  }
  // API 1.1: how many of the team's contacts match `filter`.
  long long count_contacts(const Json& filter) const {
    long long n = host_->contact_count(call_, filter.dump().c_str());
    if (n < 0) throw std::runtime_error(host_->last_error(call_));
    return n;
  }
  // True the first time `key` is seen (do the side effect then).
  bool once(const std::string& key) const {
    int r = host_->once(call_, key.c_str());
    if (r < 0) throw Retry(host_->last_error(call_));
    return r == 1;
  }
  void schedule(const std::string& name, const Json& payload, long long delay_ms) const {
    if (host_->schedule(call_, name.c_str(), payload.dump().c_str(), delay_ms) != 0) {
      throw std::runtime_error(host_->last_error(call_));
    }
  }
  sb_call* raw() const { return call_; }

 private:
  std::optional<Json> take(char* text) const {
    if (!text) return std::nullopt;
    std::unique_ptr<char, void (*)(void*)> owned(text, host_->free);
    return Json::parse(owned.get());
  }
  const sb_host_api* host_;
  sb_call* call_;
};

class Extraction {
 public:
  Extraction(const sb_host_api* host, sb_extraction* out) : host_(host), out_(out) {}
  void add(const std::string& field, const std::string& value, double confidence,
           double score = 0) {
    host_->extracted(out_, field.c_str(), value.c_str(), confidence, score);
  }

 private:
  const sb_host_api* host_;
  sb_extraction* out_;
};

using ActionFn = std::function<Json(Call&, const Json& input)>;
using EventFn = std::function<void(Call&, const Json& event)>;
using ExtractFn = std::function<void(Extraction&, std::string_view text)>;

// The plugin as its author sees it, inside SWITCHBOARD_PLUGIN(plugin) { ... }.
class Plugin {
 public:
  Plugin(const sb_host_api* host, sb_plugin* self) : host_(host), self_(self) {}

  void describe(const char* name, const char* version, const char* description) {
    self_->name = name;
    self_->version = version;
    self_->description = description;
  }
  void action(const char* name, const char* description, ActionFn fn, uint32_t flags = 0) {
    actions_.push_back({this, std::move(fn)});
    sb_action_def def{sizeof(sb_action_def), name, description, flags, &run_action,
                      &actions_.back()};
    check(host_->register_action(self_, &def), "action", name);
  }
  void on(const char* name, const char* pattern, EventFn fn) {
    events_.push_back({this, std::move(fn)});
    sb_subscriber_def def{sizeof(sb_subscriber_def), name, pattern, &run_event, &events_.back()};
    check(host_->register_subscriber(self_, &def), "subscriber", name);
  }
  void extractor(const char* name, ExtractFn fn) {
    extractors_.push_back({this, std::move(fn)});
    sb_extractor_def def{sizeof(sb_extractor_def), name, &run_extract, &extractors_.back()};
    check(host_->register_extractor(self_, &def), "extractor", name);
  }
  // `status` (optional) reads the provider's delivery reports; `session_window_s` (0: none)
  // limits free-form messages to that long after the contact's last message (see
  // sb_provider_def).
  void provider(const char* channel, const char* name, ActionFn send, uint32_t flags = 0,
                ActionFn status = nullptr, uint32_t session_window_s = 0) {
    const bool reports = static_cast<bool>(status);
    providers_.push_back({this, std::move(send), std::move(status)});
    sb_provider_def def{sizeof(sb_provider_def),
                        channel,
                        name,
                        flags,
                        &run_provider<&ProviderSlot::send>,
                        &providers_.back(),
                        reports ? &run_provider<&ProviderSlot::status> : nullptr,
                        session_window_s};
    check(host_->register_provider(self_, &def), "provider", name);
  }
  // API 1.3: the settings this plugin reads (see sb_plugin.config_keys). Call first, before
  // reading any: a .conf key outside the list then refuses the load.
  void settings(std::initializer_list<const char*> keys) {
    config_keys_.assign(keys.begin(), keys.end());
    config_keys_.push_back(nullptr);
    self_->config_keys = config_keys_.data();
  }
  void log(sb_log_level level, const std::string& message) const {
    host_->log(self_, level, message.c_str());
  }
  std::optional<std::string> config(const char* key) const {
    const char* v = host_->config(self_, key);
    return v ? std::optional<std::string>(v) : std::nullopt;
  }
  std::string config_or(const char* key, std::string otherwise) const {
    return config(key).value_or(std::move(otherwise));
  }
  const sb_host_api* host() const { return host_; }

 private:
  template <class Fn>
  struct Slot {
    Plugin* plugin;
    Fn fn;
  };
  void check(int rc, const char* what, const char* name) {
    if (rc != 0) throw std::runtime_error(std::string("the host refused ") + what + " " + name);
  }
  static sb_status guarded(const sb_host_api* host, sb_call* call,
                           const std::function<void()>& body) {
    try {
      body();
      return SB_OK;
    } catch (const Retry& e) {
      host->set_error(call, e.what());
      return SB_RETRY;
    } catch (const std::exception& e) {
      host->set_error(call, e.what());
      return SB_ERROR;
    } catch (...) {
      host->set_error(call, "unknown exception");
      return SB_ERROR;
    }
  }
  struct ProviderSlot {
    Plugin* plugin;
    ActionFn send, status;
  };
  static sb_status run_json(Plugin* plugin, const ActionFn& fn, sb_call* call, const char* input,
                            size_t len) {
    const sb_host_api* host = plugin->host_;
    return guarded(host, call, [&] {
      Call c(host, call);
      std::string out = fn(c, Json::parse(std::string_view(input, len))).dump();
      host->set_result(call, out.data(), out.size());
    });
  }
  static sb_status run_action(sb_call* call, const char* input, size_t len, void* user) {
    auto* slot = static_cast<Slot<ActionFn>*>(user);
    return run_json(slot->plugin, slot->fn, call, input, len);
  }
  template <ActionFn ProviderSlot::*Fn>
  static sb_status run_provider(sb_call* call, const char* input, size_t len, void* user) {
    auto* slot = static_cast<ProviderSlot*>(user);
    return run_json(slot->plugin, slot->*Fn, call, input, len);
  }
  static sb_status run_event(sb_call* call, const char* event, size_t len, void* user) {
    auto* slot = static_cast<Slot<EventFn>*>(user);
    const sb_host_api* host = slot->plugin->host_;
    return guarded(host, call, [&] {
      Call c(host, call);
      slot->fn(c, Json::parse(std::string_view(event, len)));
    });
  }
  static void run_extract(sb_extraction* out, const char* text, size_t len, void* user) {
    auto* slot = static_cast<Slot<ExtractFn>*>(user);
    try {
      Extraction e(slot->plugin->host_, out);
      slot->fn(e, std::string_view(text, len));
    } catch (...) {  // an extractor must not fail the ingestion: findings so far stay
    }
  }

  const sb_host_api* host_;
  sb_plugin* self_;
  // std::list: the host keeps pointers to the elements.
  std::list<Slot<ActionFn>> actions_;
  std::list<Slot<EventFn>> events_;
  std::list<Slot<ExtractFn>> extractors_;
  std::list<ProviderSlot> providers_;
  std::vector<const char*> config_keys_;  // NULL-terminated; read by the host until unload
};

// API 1.1: wall-clock time in an IANA zone (or "UTC", "+07:00") at `utc_ms`, as ms since the
// epoch read as if UTC; nullopt for an unknown zone.
inline std::optional<long long> local_time(const sb_host_api* host, const std::string& zone,
                                           long long utc_ms) {
  int64_t out = 0;
  if (host->local_time(zone.c_str(), utc_ms, &out) != 0) return std::nullopt;
  return out;
}

namespace detail {
inline int init(const sb_host_api* host, sb_plugin* self, void (*setup)(Plugin&)) {
  self->api_major = SB_PLUGIN_API_MAJOR;
  self->api_minor = SB_PLUGIN_API_MINOR;
  auto plugin = std::make_unique<Plugin>(host, self);
  try {
    setup(*plugin);
  } catch (const std::exception& e) {
    host->log(self, SB_LOG_ERROR, e.what());
    return -1;
  } catch (...) {
    host->log(self, SB_LOG_ERROR, "unknown exception in init");
    return -1;
  }
  self->user_data = plugin.release();
  // Ownership goes to the host, which hands it back to on_unload exactly once.
  self->on_unload = [](void* p) { std::unique_ptr<Plugin>(static_cast<Plugin*>(p)).reset(); };
  return 0;
}
}  // namespace detail

}  // namespace switchboard

// Defines sb_plugin_init; the body sets the plugin up: SWITCHBOARD_PLUGIN(p) { p.describe(...);
// p.action(...); }
#define SWITCHBOARD_PLUGIN(var)                                                              \
  static void switchboard_plugin_setup(::switchboard::Plugin& var);                          \
  extern "C" SB_PLUGIN_EXPORT int sb_plugin_init(const sb_host_api* host, sb_plugin* self) { \
    return ::switchboard::detail::init(host, self, &switchboard_plugin_setup);               \
  }                                                                                          \
  static void switchboard_plugin_setup(::switchboard::Plugin& var)

#endif  // SWITCHBOARD_PLUGIN_HPP
