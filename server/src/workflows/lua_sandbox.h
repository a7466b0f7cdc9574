// One sandboxed Lua 5.4 state: a budgeted allocator, an instruction/deadline hook that
// pcall cannot swallow, only safe libraries, and a fresh global table (_ENV) per workflow
// so workflows never see each other's globals. Used by one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct lua_State;
struct lua_Debug;

namespace sb::wf {

struct RunLimits {
  std::int64_t instructions = 5'000'000;
  std::size_t memory_bytes = 32u << 20;  // above what the state held when the run began
  std::chrono::milliseconds deadline{1000};
};

// Why a run was stopped by the sandbox (none when the script failed on its own).
enum class LimitHit { kNone, kInstructions, kMemory, kDeadline };

class LuaSandbox {
 public:
  LuaSandbox();
  ~LuaSandbox();
  LuaSandbox(const LuaSandbox&) = delete;
  LuaSandbox& operator=(const LuaSandbox&) = delete;

  lua_State* L() const { return L_; }

  // Pushes a new environment table: copies of the safe libraries, `print` going to the
  // run's log, and `crm` when install_crm() was called.
  void push_new_env();
  // Sets a table (at the top of the stack, popped) as the `crm` global of every env made
  // after this call.
  void set_crm(int table_ref);

  // Loads text source (never bytecode) as a function with the env at `env_index` as _ENV;
  // leaves the function on the stack or throws std::runtime_error with file:line.
  void load(std::string_view source, const std::string& chunk_name, int env_index);

  // Arms the budget for one run; end_run() disarms it. Calls pcall-protected code only.
  void begin_run(const RunLimits& limits);
  void end_run();
  // lua_pcall with a traceback handler. Returns the error text ("" on success); the
  // results stay on the stack on success.
  std::string pcall(int nargs, int nresults);
  LimitHit limit_hit() const { return hit_; }

  std::size_t memory_in_use() const { return used_; }
  std::int64_t instructions_used() const;

  // The sandbox of a state (stored in the state's extra space).
  static LuaSandbox& of(lua_State* L);
  // Ends the run (raises inside L) when its deadline has passed. The count hook checks only
  // every kHookEvery instructions, so C functions that can work long per call (string.rep,
  // pattern matching) call this too: the deadline then holds to within one call.
  static void check_deadline(lua_State* L);
  // Per-run pointer for the API bindings (the current run's context).
  void* user = nullptr;

 private:
  static void* allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize);
  static void hook(lua_State* L, lua_Debug* ar);
  static void stop(lua_State* L);  // raises the limit's error (luaL_error: never returns)
  void build_templates();

  lua_State* L_ = nullptr;
  std::size_t used_ = 0;
  std::size_t cap_ = 0;  // 0: no cap (outside runs, still bounded by a hard ceiling)
  bool running_ = false;
  std::int64_t budget_ = 0;
  std::int64_t spent_ = 0;
  std::chrono::steady_clock::time_point deadline_;
  LimitHit hit_ = LimitHit::kNone;
  int libs_ref_ = -2;  // registry ref: table name -> safe library table (templates)
  int base_ref_ = -2;  // registry ref: safe base functions
  int crm_ref_ = -2;
};

}  // namespace sb::wf
