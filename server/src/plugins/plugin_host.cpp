#include "plugins/plugin_host.h"

#include <Poco/Logger.h>
#include <dlfcn.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

#include "events/subscriber.h"
#include "plugins/call_context.h"
#include "switchboard/plugin.hpp"

namespace sb::plugins {
namespace {

namespace fs = std::filesystem;

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// "key = value" lines; '#' comments.
std::map<std::string, std::string> read_config(const fs::path& file) {
  std::map<std::string, std::string> out;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    out[trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
  }
  return out;
}

// The first setting of the .conf file the plugin did not declare (API 1.3); none when the
// plugin declares nothing.
std::optional<std::string> undeclared_setting(const char* const* keys,
                                              const std::map<std::string, std::string>& config) {
  if (!keys) return std::nullopt;
  for (const auto& [key, value] : config) {
    if (!switchboard::setting_declared(keys, key)) return key;
  }
  return std::nullopt;
}

std::string declared_list(const char* const* keys) {
  std::string out;
  for (const char* const* k = keys; *k; ++k) out += (out.empty() ? "" : ", ") + std::string(*k);
  return out.empty() ? "nothing" : out;
}

// Loads one library; the plugin on success, the reason otherwise.
std::shared_ptr<LoadedPlugin> load_one(const fs::path& file, FailedPlugin& failure,
                                       const std::set<std::string>& taken) {
  failure.file = file.filename().string();
  auto p = std::make_shared<LoadedPlugin>();
  p->file = failure.file;
  // RTLD_NOW: a missing symbol fails here, not mid-request; RTLD_LOCAL: plugins cannot
  // see or clash with each other's symbols.
  p->handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!p->handle) {
    const char* e = dlerror();
    failure.error = std::string("cannot load: ") + (e ? e : "unknown dlopen error");
    return nullptr;
  }
  auto init = reinterpret_cast<sb_plugin_init_fn>(dlsym(p->handle, "sb_plugin_init"));
  if (!init) {
    failure.error = "not a Switchboard plugin: no sb_plugin_init symbol";
    return nullptr;  // ~LoadedPlugin closes the handle
  }
  p->self.struct_size = sizeof(sb_plugin);
  // The plugin's config is readable during init; its name is not known yet, so the file
  // is named after the library ("lead_score.so" -> "lead_score.conf").
  p->config = read_config(file.parent_path() / (file.stem().string() + ".conf"));
  begin_registration(p.get());
  int rc = -1;
  rc = init(host_api(), &p->self);
  end_registration();
  if (p->self.name) failure.name = p->self.name;
  auto refuse = [&](std::string why) {
    failure.error = std::move(why);
    p->actions.clear();  // all-or-nothing: nothing it registered stays
    p->subscriptions.clear();
    p->extractors.clear();
    p->providers.clear();
    return nullptr;
  };
  if (p->self.api_major != SB_PLUGIN_API_MAJOR) {
    return refuse("built for plugin API " + std::to_string(p->self.api_major) + "." +
                  std::to_string(p->self.api_minor) + ", this server speaks " +
                  std::to_string(SB_PLUGIN_API_MAJOR) + "." + std::to_string(SB_PLUGIN_API_MINOR));
  }
  if (p->self.api_minor > SB_PLUGIN_API_MINOR) {
    return refuse("built for plugin API " + std::to_string(p->self.api_major) + "." +
                  std::to_string(p->self.api_minor) + ", newer than this server's " +
                  std::to_string(SB_PLUGIN_API_MAJOR) + "." + std::to_string(SB_PLUGIN_API_MINOR));
  }
  if (rc != 0) {
    std::string why = "sb_plugin_init returned " + std::to_string(rc);
    if (!registration_error().empty()) {
      why += ": " + registration_error();
    } else if (!init_error().empty()) {
      why += ": " + init_error();
    }
    return refuse(why);
  }
  if (!registration_error().empty()) return refuse(registration_error());
  if (!p->self.name) return refuse("sb_plugin_init did not set a name");
  if (auto unknown = undeclared_setting(p->self.config_keys, p->config)) {
    return refuse(file.stem().string() + ".conf: unknown setting '" + *unknown +
                  "'; this plugin reads: " + declared_list(p->self.config_keys));
  }
  p->name = p->self.name;
  p->version = p->self.version ? p->self.version : "";
  p->description = p->self.description ? p->self.description : "";
  if (taken.count(p->name)) return refuse("another plugin is already named " + p->name);
  track(p.get(), true);
  return p;
}

}  // namespace

LoadedPlugin::~LoadedPlugin() {
  track(this, false);
  if (self.on_unload) self.on_unload(self.user_data);
  if (handle) dlclose(handle);
}

PluginHost::PluginHost(Database& db, std::string directory, std::chrono::milliseconds call_limit)
    : db_(db),
      directory_(std::move(directory)),
      call_limit_(call_limit),
      set_(std::make_shared<PluginSet>()) {}

PluginHost::~PluginHost() = default;

std::shared_ptr<const PluginSet> PluginHost::load() {
  Poco::Logger& log = Poco::Logger::get("plugins");
  auto set = std::make_shared<PluginSet>();
  std::vector<fs::path> files;
  std::error_code ec;
  if (!directory_.empty() && fs::is_directory(directory_, ec)) {
    for (const auto& entry : fs::directory_iterator(directory_, ec)) {
      if (entry.path().extension() == ".so") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::set<std::string> names;
  for (const fs::path& f : files) {
    FailedPlugin failure;
    auto p = load_one(f, failure, names);
    if (p) {
      names.insert(p->name);
      log.information(
          "loaded plugin %s %s from %s: %z actions, %z subscribers, %z extractors, "
          "%z providers",
          p->name, p->version, p->file, p->actions.size(), p->subscriptions.size(),
          p->extractors.size(), p->providers.size());
      set->loaded.push_back(std::move(p));
    } else {
      log.error("plugin %s not loaded: %s", failure.file, failure.error);
      set->failed.push_back(std::move(failure));
    }
  }
  std::lock_guard lock(mutex_);
  set_ = set;
  return set;
}

std::shared_ptr<const PluginSet> PluginHost::current() const {
  std::lock_guard lock(mutex_);
  return set_;
}

CallResult PluginHost::invoke(const LoadedPlugin& plugin, const CallScope& scope,
                              sb_status (*fn)(sb_call*, const char*, size_t, void*),
                              void* user_data, const std::string& input) {
  sb_call call;
  call.plugin = &plugin;
  call.scope = scope;
  if (!call.scope.db) call.scope.db = &db_;
  auto started = std::chrono::steady_clock::now();
  sb_status status = fn(&call, input.data(), input.size(), user_data);
  CallResult r;
  r.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  r.status = status == SB_OK || status == SB_RETRY ? status : SB_ERROR;
  r.result = std::move(call.result);
  r.error = std::move(call.error);
  if (r.status != SB_OK && r.error.empty()) r.error = "the plugin reported a failure";
  PluginCounters& c = *plugin.counters;
  c.calls++;
  if (r.status != SB_OK) {
    c.errors++;
    std::lock_guard lock(c.mutex);
    c.last_error = r.error;
  }
  if (std::chrono::microseconds(r.duration_us) > call_limit_) {
    c.slow++;
    Poco::Logger::get("plugins").warning("plugin %s: a call took %Ld ms, over the %Ld ms limit",
                                         plugin.name, r.duration_us / 1000,
                                         static_cast<Poco::Int64>(call_limit_.count()));
  }
  return r;
}

std::optional<CallResult> PluginHost::call_action(const std::string& name, const CallScope& scope,
                                                  const std::string& input_json) {
  auto set = current();  // keeps the library loaded for the call
  for (const auto& p : set->loaded) {
    for (const auto& a : p->actions) {
      if (a.name == name) return invoke(*p, scope, a.fn, a.user_data, input_json);
    }
  }
  return std::nullopt;
}

std::optional<CallResult> PluginHost::send(const std::string& channel, const std::string& provider,
                                           const CallScope& scope,
                                           const std::string& message_json) {
  return call_provider(channel, provider, &LoadedPlugin::Provider::send, scope, message_json);
}

std::uint32_t PluginHost::session_window(const std::string& channel,
                                         const std::string& provider) const {
  auto set = current();
  for (const auto& p : set->loaded) {
    for (const auto& pr : p->providers) {
      if (pr.channel == channel && (provider.empty() || pr.name == provider) && pr.send) {
        return pr.session_window_s;
      }
    }
  }
  return 0;
}

std::optional<CallResult> PluginHost::read_status(const std::string& channel,
                                                  const std::string& provider,
                                                  const CallScope& scope,
                                                  const std::string& request_json) {
  return call_provider(channel, provider, &LoadedPlugin::Provider::status, scope, request_json);
}

std::optional<CallResult> PluginHost::call_provider(const std::string& channel,
                                                    const std::string& provider,
                                                    sb_send_fn LoadedPlugin::Provider::*fn,
                                                    const CallScope& scope,
                                                    const std::string& input) {
  auto set = current();
  for (const auto& p : set->loaded) {
    for (const auto& pr : p->providers) {
      if (pr.channel == channel && (provider.empty() || pr.name == provider) && pr.*fn) {
        return invoke(*p, scope, pr.*fn, pr.user_data, input);
      }
    }
  }
  return std::nullopt;
}

}  // namespace sb::plugins
