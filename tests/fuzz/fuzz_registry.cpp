// The replay build's table of targets, filled by SB_FUZZ_TARGET at static initialisation.
#include "fuzz/fuzz_target.h"

namespace sb::fuzz {

std::map<std::string, Target>& targets() {
  static std::map<std::string, Target> all;  // built on first use: no init-order problem
  return all;
}

bool register_target(const char* name, Target target) {
  targets().emplace(name, target);
  return true;
}

}  // namespace sb::fuzz
