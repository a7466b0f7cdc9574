// Where the build puts the first-party plugins these unit tests load into the fake host.
#pragma once

#include <string>

inline std::string plugin_path(const std::string& name) {
  return std::string(SB_PLUGINS_BUILD_DIR) + "/" + name + ".so";
}
