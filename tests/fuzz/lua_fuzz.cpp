// Workflow source through the sandbox: load (text only, own _ENV), then run the chunk
// under small budgets. Hostile scripts must end as an error or a limit, never a crash,
// and leave the state usable for the next one.
#include <lua.hpp>

#include <chrono>
#include <stdexcept>

#include "fuzz/fuzz_target.h"
#include "workflows/lua_sandbox.h"

SB_FUZZ_TARGET(lua) {
  static sb::wf::LuaSandbox box;  // one state for all inputs, as a worker thread keeps one
  lua_State* L = box.L();
  int top = lua_gettop(L);
  box.push_new_env();
  int env = lua_gettop(L);
  try {
    box.load(sb::fuzz::text(data, size), "fuzz.lua", env);
    sb::wf::RunLimits limits;
    limits.instructions = 10000;
    limits.memory_bytes = 4u << 20;
    limits.deadline = std::chrono::milliseconds(500);
    box.begin_run(limits);
    box.pcall(0, 0);
    box.end_run();
  } catch (const std::runtime_error&) {
    // A compile error: the registry refuses the workflow with this message.
  }
  lua_settop(L, top);
  SB_FUZZ_CHECK(box.memory_in_use() < (64u << 20));
  return 0;
}
