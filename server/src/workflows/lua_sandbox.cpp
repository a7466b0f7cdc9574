// The sandbox: allocator cap, hook, safe libraries and per-workflow environments.
#include "workflows/lua_sandbox.h"

#include <lua.hpp>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace sb::wf {
namespace {

constexpr int kHookEvery = 1000;
// Outside runs (compiling, building tables) the state still may not grow without bound.
constexpr std::size_t kHardCeiling = 512u << 20;
constexpr std::size_t kMaxStringResult = 4u << 20;
// Work a pattern call may do, estimated as subject_len^(repetitions + 1) (unanchored).
// Backtracking inside the C matcher is invisible to the instruction hook.
constexpr double kMaxPatternCost = 5e7;

int panic(lua_State* L) {
  const char* msg = lua_tostring(L, -1);
  throw std::runtime_error(std::string("lua panic: ") + (msg ? msg : "?"));
}

// Repetition operators outside escapes and sets: a rough bound of backtracking depth.
int repetitions(std::string_view p) {
  int n = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '%') {
      ++i;
    } else if (c == '[') {
      ++i;
      if (i < p.size() && p[i] == '^') ++i;
      if (i < p.size() && p[i] == ']') ++i;
      while (i < p.size() && p[i] != ']') {
        if (p[i] == '%') ++i;
        ++i;
      }
    } else if (c == '*' || c == '+' || c == '-') {
      ++n;
    }
  }
  return n;
}

void check_pattern_cost(lua_State* L, const char* fn) {
  std::size_t slen = 0, plen = 0;
  luaL_checklstring(L, 1, &slen);
  const char* p = luaL_checklstring(L, 2, &plen);
  std::string_view pat(p, plen);
  bool plain = lua_toboolean(L, 4) && std::strcmp(fn, "find") == 0;
  if (plain) return;
  int reps = repetitions(pat);
  double n = static_cast<double>(slen) + 1;
  double cost = (pat.empty() || pat[0] != '^') ? n : 1;
  for (int i = 0; i < reps && cost <= kMaxPatternCost; ++i) cost *= n;
  if (cost > kMaxPatternCost) {
    luaL_error(L,
               "string.%s: pattern with %d repetitions is too expensive on %d bytes; anchor it "
               "with ^, use fewer repetitions, or shorten the input",
               fn, reps, static_cast<int>(slen));
  }
}

template <int Which>
int guarded_pattern(lua_State* L) {
  LuaSandbox::check_deadline(L);
  static const char* names[] = {"find", "match", "gmatch", "gsub"};
  check_pattern_cost(L, names[Which]);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

int guarded_rep(lua_State* L) {
  LuaSandbox::check_deadline(L);
  std::size_t len = 0, sep = 0;
  luaL_checklstring(L, 1, &len);
  lua_Integer n = luaL_checkinteger(L, 2);
  luaL_optlstring(L, 3, "", &sep);
  if (n > 0 && static_cast<double>(len + sep) * static_cast<double>(n) > kMaxStringResult) {
    return luaL_error(L, "string.rep: result would exceed %d bytes",
                      static_cast<int>(kMaxStringResult));
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int safe_setmetatable(lua_State* L) {
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "__gc");
    bool gc = !lua_isnil(L, -1);
    lua_pop(L, 1);
    // Finalizers run with hooks off: a looping __gc would hang the state's close.
    if (gc) return luaL_error(L, "setmetatable: __gc metamethods are not allowed in workflows");
  }
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, 2, 1);
  return 1;
}

// load(chunk [, name [, mode [, env]]]): text only; the default env is the caller's own.
int safe_load(lua_State* L) {
  int top = lua_gettop(L);
  if (top >= 3 && !lua_isnil(L, 3)) {
    const char* mode = luaL_checkstring(L, 3);
    if (std::strcmp(mode, "t") != 0) return luaL_error(L, "load: only text chunks (mode \"t\")");
  }
  lua_pushvalue(L, lua_upvalueindex(2));  // the real load
  lua_pushvalue(L, 1);
  if (top >= 2) {
    lua_pushvalue(L, 2);
  } else {
    lua_pushnil(L);
  }
  lua_pushliteral(L, "t");
  if (top >= 4) {
    lua_pushvalue(L, 4);
  } else {
    lua_pushvalue(L, lua_upvalueindex(1));
  }
  lua_call(L, 4, 2);
  return 2;
}

int traceback(lua_State* L) {
  const char* msg = lua_tostring(L, 1);
  if (!msg) msg = luaL_tolstring(L, 1, nullptr);
  luaL_traceback(L, L, msg, 1);
  return 1;
}

void copy_table(lua_State* L, int src) {
  src = lua_absindex(L, src);
  lua_newtable(L);
  lua_pushnil(L);
  while (lua_next(L, src)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, -4);
  }
}

}  // namespace

LuaSandbox::LuaSandbox() {
  L_ = lua_newstate(&LuaSandbox::allocate, this);
  if (!L_) throw std::runtime_error("cannot create a Lua state");
  *static_cast<LuaSandbox**>(lua_getextraspace(L_)) = this;
  lua_atpanic(L_, panic);
  build_templates();
}

LuaSandbox::~LuaSandbox() {
  if (L_) lua_close(L_);
}

LuaSandbox& LuaSandbox::of(lua_State* L) {
  return **static_cast<LuaSandbox**>(lua_getextraspace(L));
}

void* LuaSandbox::allocate(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
  auto* self = static_cast<LuaSandbox*>(ud);
  std::size_t old = ptr ? osize : 0;  // osize is a type tag when ptr is null
  if (nsize == 0) {
    std::free(ptr);
    self->used_ -= old;
    return nullptr;
  }
  if (nsize > old) {
    std::size_t next = self->used_ - old + nsize;
    if ((self->cap_ && next > self->cap_) || next > kHardCeiling) {
      if (self->running_) self->hit_ = LimitHit::kMemory;
      return nullptr;
    }
  }
  void* p = std::realloc(ptr, nsize);
  if (p) self->used_ = self->used_ - old + nsize;
  return p;
}

void LuaSandbox::hook(lua_State* L, lua_Debug*) {
  LuaSandbox& self = of(L);
  if (!self.running_) return;
  self.spent_ += self.hit_ == LimitHit::kNone ? kHookEvery : 1;
  if (self.hit_ == LimitHit::kNone) {
    if (self.spent_ > self.budget_) {
      self.hit_ = LimitHit::kInstructions;
    } else if (std::chrono::steady_clock::now() > self.deadline_) {
      self.hit_ = LimitHit::kDeadline;
    }
  }
  // Every limit ends the run, the memory cap included: a script that caught the memory
  // error with pcall used to go on with its instruction budget and deadline unchecked
  // (found by fuzzing: a loop after a caught memory bomb ran until the process ended).
  if (self.hit_ != LimitHit::kNone) stop(L);
}

void LuaSandbox::stop(lua_State* L) {
  LuaSandbox& self = of(L);
  // Fire on every instruction from now on, in whichever coroutine runs: a pcall that
  // caught this error cannot make progress.
  lua_sethook(L, &LuaSandbox::hook, LUA_MASKCOUNT, 1);
  luaL_error(L,
             self.hit_ == LimitHit::kInstructions ? "instruction budget exhausted (%d instructions)"
             : self.hit_ == LimitHit::kMemory     ? "memory limit exceeded"
                                                  : "deadline exceeded",
             static_cast<int>(self.budget_));
}

void LuaSandbox::check_deadline(lua_State* L) {
  LuaSandbox& self = of(L);
  if (!self.running_) return;
  if (self.hit_ == LimitHit::kNone && std::chrono::steady_clock::now() > self.deadline_) {
    self.hit_ = LimitHit::kDeadline;
  }
  if (self.hit_ != LimitHit::kNone) stop(L);
}

void LuaSandbox::build_templates() {
  lua_State* L = L_;
  luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
  luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
  luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
  luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
  luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
  luaL_requiref(L, LUA_COLIBNAME, luaopen_coroutine, 1);
  luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 1);
  lua_settop(L, 0);

  // The real string table is also the strings' __index: guard it in place so method
  // calls ("x"):rep(...) get the bounded versions too.
  lua_getglobal(L, "string");
  int str = lua_gettop(L);
  auto wrap = [&](const char* name, lua_CFunction fn) {
    lua_getfield(L, str, name);
    lua_pushcclosure(L, fn, 1);
    lua_setfield(L, str, name);
  };
  wrap("rep", guarded_rep);
  wrap("find", guarded_pattern<0>);
  wrap("match", guarded_pattern<1>);
  wrap("gmatch", guarded_pattern<2>);
  wrap("gsub", guarded_pattern<3>);
  lua_pushnil(L);
  lua_setfield(L, str, "dump");  // bytecode out is bytecode in elsewhere
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");  // getmetatable("") cannot reach the shared table
  lua_settop(L, 0);

  lua_newtable(L);  // libraries
  for (const char* lib : {"string", "table", "math", "utf8", "coroutine"}) {
    lua_getglobal(L, lib);
    lua_setfield(L, -2, lib);
  }
  lua_newtable(L);  // os: clocks and dates only
  lua_getglobal(L, "os");
  for (const char* f : {"time", "date", "clock", "difftime"}) {
    lua_getfield(L, -1, f);
    lua_setfield(L, -3, f);
  }
  lua_pop(L, 1);
  lua_setfield(L, -2, "os");
  libs_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);

  lua_newtable(L);  // base functions
  for (const char* f :
       {"assert", "error", "ipairs", "next", "pairs", "pcall", "xpcall", "rawequal", "rawget",
        "rawlen", "rawset", "select", "tonumber", "tostring", "type", "getmetatable", "_VERSION"}) {
    lua_getglobal(L, f);
    lua_setfield(L, -2, f);
  }
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, safe_setmetatable, 1);
  lua_setfield(L, -2, "setmetatable");
  base_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_settop(L, 0);
}

void LuaSandbox::set_crm(int table_ref) {
  crm_ref_ = table_ref;
}

void LuaSandbox::push_new_env() {
  lua_State* L = L_;
  lua_newtable(L);
  int env = lua_gettop(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, base_ref_);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, env);
  }
  lua_pop(L, 1);
  lua_rawgeti(L, LUA_REGISTRYINDEX, libs_ref_);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    copy_table(L, -1);
    lua_remove(L, -2);
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, env);
  }
  lua_pop(L, 1);
  lua_pushvalue(L, env);
  lua_setfield(L, env, "_G");
  lua_pushvalue(L, env);
  lua_getglobal(L, "load");
  lua_pushcclosure(L, safe_load, 2);
  lua_setfield(L, env, "load");
  if (crm_ref_ != -2) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, crm_ref_);
    lua_setfield(L, env, "crm");
    lua_rawgeti(L, LUA_REGISTRYINDEX, crm_ref_);
    lua_getfield(L, -1, "log");
    lua_setfield(L, env, "print");
    lua_pop(L, 1);
  }
}

void LuaSandbox::load(std::string_view source, const std::string& chunk_name, int env_index) {
  env_index = lua_absindex(L_, env_index);
  std::string name = "@" + chunk_name;
  if (luaL_loadbufferx(L_, source.data(), source.size(), name.c_str(), "t") != LUA_OK) {
    std::string msg = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "cannot load";
    lua_pop(L_, 1);
    throw std::runtime_error(msg);
  }
  lua_pushvalue(L_, env_index);
  lua_setupvalue(L_, -2, 1);
}

void LuaSandbox::begin_run(const RunLimits& limits) {
  budget_ = limits.instructions;
  spent_ = 0;
  hit_ = LimitHit::kNone;
  deadline_ = std::chrono::steady_clock::now() + limits.deadline;
  cap_ = used_ + limits.memory_bytes;
  running_ = true;
  lua_sethook(L_, &LuaSandbox::hook, LUA_MASKCOUNT, kHookEvery);
}

void LuaSandbox::end_run() {
  running_ = false;
  cap_ = 0;
  lua_sethook(L_, nullptr, 0, 0);
  // Collect here, outside any budget, so garbage of one run does not count against the next.
  if (used_ > (8u << 20)) lua_gc(L_, LUA_GCCOLLECT);
}

std::int64_t LuaSandbox::instructions_used() const {
  return spent_;
}

std::string LuaSandbox::pcall(int nargs, int nresults) {
  int fn = lua_gettop(L_) - nargs;
  lua_pushcfunction(L_, traceback);
  lua_insert(L_, fn);
  int rc = lua_pcall(L_, nargs, nresults, fn);
  lua_remove(L_, fn);
  if (rc == LUA_OK) return {};
  std::string msg;
  if (rc == LUA_ERRMEM || hit_ == LimitHit::kMemory) {
    msg = "memory limit exceeded";
  } else if (const char* s = lua_tostring(L_, -1)) {
    msg = s;
  } else {
    msg = "error object is not a string";
  }
  lua_pop(L_, 1);
  return msg;
}

}  // namespace sb::wf
