// Native plugins: loads every *.so of the plugins directory (dlopen RTLD_NOW|RTLD_LOCAL),
// checks the ABI version, collects each plugin's registrations all-or-nothing, and hands
// out immutable snapshots so a reload never pulls a library from under a running call.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "switchboard/plugin.h"

namespace soci {
class session;
}

namespace sb {
class Database;
}

namespace sb::plugins {

struct PluginCounters {
  std::atomic<std::uint64_t> calls{0}, errors{0}, slow{0};
  std::mutex mutex;  // guards last_error
  std::string last_error;
};

// One loaded library. Closed (on_unload, dlclose) when the last snapshot holding it goes.
struct LoadedPlugin {
  ~LoadedPlugin();
  std::string file;
  std::string name, version, description;
  void* handle = nullptr;
  sb_plugin self{};
  std::map<std::string, std::string> config;  // <dir>/<name>.conf
  struct Action {
    std::string name;  // "<plugin>.<action>"
    std::string description;
    std::uint32_t flags = 0;
    sb_action_fn fn = nullptr;
    void* user_data = nullptr;
  };
  struct Subscription {
    std::string name;  // "<plugin>.<subscriber>"
    std::string pattern;
    sb_event_fn fn = nullptr;
    void* user_data = nullptr;
  };
  struct ExtractorReg {
    std::string name;
    sb_extract_fn fn = nullptr;
    void* user_data = nullptr;
  };
  struct Provider {
    std::string channel, name;
    std::uint32_t flags = 0;
    sb_send_fn send = nullptr;
    void* user_data = nullptr;
    sb_send_fn status = nullptr;         // delivery reports (API 1.1; optional)
    std::uint32_t session_window_s = 0;  // API 1.2; 0: free-form messages at any time
  };
  std::vector<Action> actions;
  std::vector<Subscription> subscriptions;
  std::vector<ExtractorReg> extractors;
  std::vector<Provider> providers;
  std::shared_ptr<PluginCounters> counters = std::make_shared<PluginCounters>();
};

struct FailedPlugin {
  std::string file;
  std::string name;  // when init got that far
  std::string error;
};

struct PluginSet {
  std::vector<std::shared_ptr<LoadedPlugin>> loaded;
  std::vector<FailedPlugin> failed;
};

// Where a plugin call runs: its team, and the caller's open transaction if any (workflow
// runs: the plugin's contact writes join the run's transaction).
struct CallScope {
  std::int64_t team_id = 0;
  Database* db = nullptr;
  soci::session* session = nullptr;
};

struct CallResult {
  sb_status status = SB_OK;
  std::string result = "null";  // JSON the plugin set
  std::string error;            // its message (SB_RETRY / SB_ERROR)
  std::int64_t duration_us = 0;
};

class PluginHost {
 public:
  // `directory` "" or missing: no plugins. `call_limit`: a call taking longer is counted
  // and logged as slow (native code cannot be interrupted).
  PluginHost(Database& db, std::string directory,
             std::chrono::milliseconds call_limit = std::chrono::milliseconds(5000));
  ~PluginHost();

  // (Re)loads every *.so of the directory; returns the new set.
  std::shared_ptr<const PluginSet> load();
  std::shared_ptr<const PluginSet> current() const;

  // Finds "<plugin>.<action>" in the current set; nullopt when no plugin registers it.
  std::optional<CallResult> call_action(const std::string& name, const CallScope& scope,
                                        const std::string& input_json);
  // A channel provider's send ("sms"; provider "" = the first one registered).
  std::optional<CallResult> send(const std::string& channel, const std::string& provider,
                                 const CallScope& scope, const std::string& message_json);
  // The session window (seconds) of the provider send() would use; 0: none, or no provider.
  std::uint32_t session_window(const std::string& channel, const std::string& provider) const;
  // A provider's delivery report (its `status` function): {"form","query","body"} in,
  // {"provider_id","status","error"?} out. nullopt when no such provider reads reports.
  std::optional<CallResult> read_status(const std::string& channel, const std::string& provider,
                                        const CallScope& scope, const std::string& request_json);

  // Runs a plugin callback with the call plumbing (result, error, timing, counters).
  CallResult invoke(const LoadedPlugin& plugin, const CallScope& scope,
                    sb_status (*fn)(sb_call*, const char*, size_t, void*), void* user_data,
                    const std::string& input);

  Database& db() { return db_; }
  const std::string& directory() const { return directory_; }

 private:
  std::optional<CallResult> call_provider(const std::string& channel, const std::string& provider,
                                          sb_send_fn LoadedPlugin::Provider::*fn,
                                          const CallScope& scope, const std::string& input);

  Database& db_;
  std::string directory_;
  std::chrono::milliseconds call_limit_;
  mutable std::mutex mutex_;
  std::shared_ptr<const PluginSet> set_;
};

// The host function table given to plugins (one for the process).
const sb_host_api* host_api();

}  // namespace sb::plugins
