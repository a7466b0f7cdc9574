// The structs behind the ABI's opaque sb_call and sb_extraction, shared by the host table
// (host_api.cpp) and the code that calls into plugins.
#pragma once

#include <string>
#include <vector>

#include "capture/extractor.h"
#include "plugins/plugin_host.h"

struct sb_call {
  const sb::plugins::LoadedPlugin* plugin = nullptr;
  sb::plugins::CallScope scope;
  std::string result = "null";
  std::string error;
  std::string last_error;
};

struct sb_extraction {
  std::vector<sb::capture::Extracted>* out = nullptr;
  std::string source;  // "plugin:<name>"
};

namespace sb::plugins {

// Registrations of sb_plugin_init go to the plugin being loaded on this thread.
void begin_registration(LoadedPlugin* plugin);
void end_registration();
// Why a registration was refused, for the load report ("" if none).
const std::string& registration_error();
// The last error the plugin logged during its init ("" if none): why a failed init failed.
const std::string& init_error();
// Makes host->config(self, ...) find the plugin after its init (live) or forgets it.
void track(const LoadedPlugin* plugin, bool live);

}  // namespace sb::plugins
