// Loading workflows into environments and calling their handlers under a budget.
#include "workflows/workflow_engine.h"

#include <lua.hpp>

#include <algorithm>
#include <stdexcept>

#include "model/crm_schemas.h"
#include "model/cron.h"
#include "workflows/lua_json.h"

namespace sb::wf {
namespace {

constexpr int kMaxHandlers = 200;

int register_handler(lua_State* L) {
  auto kind = static_cast<HandlerKind>(lua_tointeger(L, lua_upvalueindex(2)));
  const char* usage = kind == HandlerKind::kOn      ? "on(event, [filter], fn)"
                      : kind == HandlerKind::kEvery ? "every(cron, fn)"
                                                    : "before(operation, fn)";
  if (lua_type(L, 1) != LUA_TSTRING)
    return luaL_error(L, "%s: the first argument must be a string", usage);
  std::string pattern = lua_tostring(L, 1);
  int filter = 0, fn = 2;
  if (kind == HandlerKind::kOn && lua_istable(L, 2)) {
    filter = 2;
    fn = 3;
  }
  if (!lua_isfunction(L, fn)) return luaL_error(L, "%s: missing the handler function", usage);
  if (pattern.empty() || pattern.size() > 200) return luaL_error(L, "%s: bad name", usage);
  if (kind == HandlerKind::kEvery) {
    std::string err;
    try {
      CronSchedule::parse(pattern);
    } catch (const std::exception& e) {
      err = e.what();
    }
    if (!err.empty()) return luaL_error(L, "every(\"%s\"): %s", pattern.c_str(), err.c_str());
  }
  if (kind == HandlerKind::kBefore) {
    const auto& ops = before_operations();
    if (std::find(ops.begin(), ops.end(), pattern) == ops.end()) {
      return luaL_error(L,
                        "before(\"%s\"): not an operation hooks can guard (contact.create, "
                        "contact.update, ticket.create, ...)",
                        pattern.c_str());
    }
  }
  int regs = lua_upvalueindex(1);
  lua_Integer n = static_cast<lua_Integer>(lua_rawlen(L, regs));
  if (n >= kMaxHandlers) return luaL_error(L, "%s: more than %d handlers", usage, kMaxHandlers);
  lua_createtable(L, 4, 0);
  lua_pushinteger(L, static_cast<lua_Integer>(kind));
  lua_rawseti(L, -2, 1);
  lua_pushstring(L, pattern.c_str());
  lua_rawseti(L, -2, 2);
  if (filter) {
    lua_pushvalue(L, filter);
  } else {
    lua_pushboolean(L, 0);
  }
  lua_rawseti(L, -2, 3);
  lua_pushvalue(L, fn);
  lua_rawseti(L, -2, 4);
  lua_rawseti(L, regs, n + 1);
  return 0;
}

int late_registration(lua_State* L) {
  return luaL_error(L, "on/every/before may only be called while the workflow loads (top level)");
}

// Looks up a dotted key ("contact.source") in the table at `e`; pushes the value.
void push_path(lua_State* L, int e, const char* key) {
  lua_pushvalue(L, e);
  std::string_view k(key);
  std::size_t start = 0;
  while (true) {
    std::size_t dot = k.find('.', start);
    std::string part(
        k.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!lua_istable(L, -1)) {
      lua_pop(L, 1);
      lua_pushnil(L);
      return;
    }
    lua_pushlstring(L, part.data(), part.size());
    lua_rawget(L, -2);
    lua_remove(L, -2);
    if (dot == std::string_view::npos) return;
    start = dot + 1;
  }
}

bool filter_matches(lua_State* L, int filter, int e) {
  lua_pushnil(L);
  while (lua_next(L, filter)) {
    if (lua_type(L, -2) != LUA_TSTRING) {
      lua_pop(L, 2);
      return false;
    }
    push_path(L, e, lua_tostring(L, -2));
    bool ok = false;
    if (lua_istable(L, -2)) {  // any of a list
      for (lua_Integer i = 1; !ok && i <= static_cast<lua_Integer>(lua_rawlen(L, -2)); ++i) {
        lua_rawgeti(L, -2, i);
        ok = lua_rawequal(L, -1, -2);
        lua_pop(L, 1);
      }
    } else {
      ok = lua_rawequal(L, -1, -2);
    }
    lua_pop(L, 2);
    if (!ok) {
      lua_pop(L, 1);
      return false;
    }
  }
  return true;
}

struct CallArgs {
  int handlers_ref;
  int index;
  std::string_view json;
  bool before;
  RunResult* result;
};

int call_handler(lua_State* L) {
  auto* a = static_cast<CallArgs*>(lua_touserdata(L, 1));
  lua_settop(L, 0);
  lua_rawgeti(L, LUA_REGISTRYINDEX, a->handlers_ref);
  lua_rawgeti(L, -1, a->index + 1);
  int reg = lua_gettop(L);
  push_json(L, a->json);
  int e = lua_gettop(L);
  lua_rawgeti(L, reg, 3);
  if (lua_istable(L, -1) && !filter_matches(L, lua_gettop(L), e)) {
    a->result->matched = false;
    return 0;
  }
  lua_pop(L, 1);
  if (a->before) {
    lua_newtable(L);
    lua_setfield(L, e, "set");
  }
  lua_rawgeti(L, reg, 4);
  lua_pushvalue(L, e);
  lua_call(L, 1, 1);
  if (!a->before) return 0;
  if (lua_istable(L, -1) && lua_getmetatable(L, -1)) {
    luaL_getmetatable(L, "sb.reject");
    bool reject = lua_rawequal(L, -1, -2);
    lua_pop(L, 2);
    if (reject) {
      lua_getfield(L, -1, "reason");
      a->result->outcome = "rejected";
      a->result->reject_reason = lua_tostring(L, -1) ? lua_tostring(L, -1) : "rejected";
      return 0;
    }
  }
  lua_getfield(L, e, "set");
  if (lua_istable(L, -1)) {
    lua_pushnil(L);
    if (lua_next(L, -2)) {
      lua_pop(L, 2);
      a->result->set_json = to_json(L, -1, "change.set");
    }
  }
  return 0;
}

}  // namespace

const std::vector<std::string>& before_operations() {
  static const std::vector<std::string> ops = [] {
    std::vector<std::string> v = {"contact.create", "contact.update"};
    for (const EntitySchema* s : crm::all()) {
      if (s == &crm::conversation() || s == &crm::outbox_message() || s == &crm::notification())
        continue;
      v.push_back(std::string(s->name) + ".create");
      v.push_back(std::string(s->name) + ".update");
    }
    return v;
  }();
  return ops;
}

WorkflowEngine::WorkflowEngine(EngineLimits limits) : limits_(limits) {
  install_crm(box_);
}

WorkflowEngine::~WorkflowEngine() = default;

WorkflowEngine::Loaded WorkflowEngine::load(WorkflowDef& def) {
  lua_State* L = box_.L();
  int base = lua_gettop(L);
  box_.push_new_env();
  int env = lua_gettop(L);
  lua_newtable(L);
  int regs = lua_gettop(L);
  const std::pair<const char*, HandlerKind> kinds[] = {
      {"on", HandlerKind::kOn}, {"every", HandlerKind::kEvery}, {"before", HandlerKind::kBefore}};
  for (auto [name, kind] : kinds) {
    lua_pushvalue(L, regs);
    lua_pushinteger(L, static_cast<lua_Integer>(kind));
    lua_pushcclosure(L, register_handler, 2);
    lua_setfield(L, env, name);
  }
  try {
    box_.load(def.source, def.chunk_name(), env);
  } catch (...) {
    lua_settop(L, base);
    throw;
  }
  box_.begin_run(limits_.load);
  std::string err = box_.pcall(0, 0);
  box_.end_run();
  if (!err.empty()) {
    lua_settop(L, base);
    throw std::runtime_error(err);
  }
  for (auto [name, kind] : kinds) {
    lua_pushcfunction(L, late_registration);
    lua_setfield(L, env, name);
  }
  std::vector<HandlerSpec> specs;
  for (lua_Integer i = 1; i <= static_cast<lua_Integer>(lua_rawlen(L, regs)); ++i) {
    lua_rawgeti(L, regs, i);
    HandlerSpec h;
    lua_rawgeti(L, -1, 1);
    h.kind = static_cast<HandlerKind>(lua_tointeger(L, -1));
    lua_rawgeti(L, -2, 2);
    h.pattern = lua_tostring(L, -1);
    lua_rawgeti(L, -3, 3);
    h.has_filter = lua_istable(L, -1);
    lua_pop(L, 4);
    specs.push_back(std::move(h));
  }
  lua_getfield(L, env, "retries");
  if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 0 && lua_tointeger(L, -1) <= 20) {
    def.retries = static_cast<int>(lua_tointeger(L, -1));
  }
  lua_pop(L, 1);
  if (!def.handlers.empty()) {
    bool same = def.handlers.size() == specs.size();
    for (std::size_t i = 0; same && i < specs.size(); ++i)
      same = specs[i].kind == def.handlers[i].kind && specs[i].pattern == def.handlers[i].pattern;
    if (!same) {
      lua_settop(L, base);
      throw std::runtime_error(def.chunk_name() +
                               ": registers different handlers each time it loads (registration "
                               "must not depend on time or randomness)");
    }
  }
  def.handlers = std::move(specs);
  Loaded l;
  l.version = def.version;
  l.handlers_ref = luaL_ref(L, LUA_REGISTRYINDEX);  // pops regs
  l.env_ref = luaL_ref(L, LUA_REGISTRYINDEX);       // pops env
  lua_settop(L, base);
  return l;
}

void WorkflowEngine::release(Loaded& l) {
  luaL_unref(box_.L(), LUA_REGISTRYINDEX, l.env_ref);
  luaL_unref(box_.L(), LUA_REGISTRYINDEX, l.handlers_ref);
  l.env_ref = l.handlers_ref = -2;
}

void WorkflowEngine::inspect(WorkflowDef& def) {
  Loaded l = load(def);
  release(l);
}

const WorkflowEngine::Loaded& WorkflowEngine::loaded(const WorkflowDef& def) {
  auto key = std::make_pair(def.team_id, def.id);
  auto it = cache_.find(key);
  if (it != cache_.end() && it->second.version == def.version) return it->second;
  if (it != cache_.end()) {
    release(it->second);
    cache_.erase(it);
  }
  WorkflowDef copy = def;  // load() fills handlers; the registry's definition stays as is
  Loaded l = load(copy);
  return cache_.emplace(key, l).first->second;
}

void WorkflowEngine::forget(std::int64_t team_id, std::int64_t workflow_id) {
  auto it = cache_.find({team_id, workflow_id});
  if (it == cache_.end()) return;
  release(it->second);
  cache_.erase(it);
}

RunResult WorkflowEngine::run(const WorkflowDef& def, int index, std::string_view event_json,
                              RunContext& ctx) {
  RunResult result;
  auto started = std::chrono::steady_clock::now();
  auto finish = [&] {
    result.duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
    return result;
  };
  const Loaded* l = nullptr;
  try {
    l = &loaded(def);
  } catch (const std::exception& e) {
    result.outcome = "error";
    result.error = e.what();
    return finish();
  }
  lua_State* L = box_.L();
  int base = lua_gettop(L);
  CallArgs args{l->handlers_ref, index, event_json, ctx.before_hook, &result};
  lua_pushcfunction(L, call_handler);
  lua_pushlightuserdata(L, &args);
  box_.user = &ctx;
  box_.begin_run(ctx.before_hook ? limits_.before : limits_.handler);
  std::string err = box_.pcall(1, 0);
  box_.end_run();
  box_.user = nullptr;
  lua_settop(L, base);
  if (!err.empty()) {
    result.outcome = "error";
    result.error = err;
  } else if (!ctx.failed.empty()) {
    // The script caught a store failure with pcall; the transaction may be unusable.
    result.outcome = "error";
    result.error = "a crm call failed and the script went on: " + ctx.failed;
  }
  return finish();
}

}  // namespace sb::wf
