// Runs workflow handlers in one sandboxed Lua state: compiles each workflow once per
// (state, version) into its own environment, then calls handlers with an event table, a
// budget and a RunContext. One engine per thread (dispatcher worker, request thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "workflows/crm_api.h"
#include "workflows/lua_sandbox.h"
#include "workflows/workflow_def.h"

namespace sb::wf {

struct EngineLimits {
  RunLimits handler;                                                    // on / every / timers
  RunLimits before{200'000, 8u << 20, std::chrono::milliseconds(100)};  // inside a write
  RunLimits load{1'000'000, 16u << 20, std::chrono::milliseconds(500)};
};

struct RunResult {
  bool matched = true;         // false: the handler's filter did not match (nothing ran)
  std::string outcome = "ok";  // ok | error | rejected
  std::string error;
  std::string reject_reason;
  std::string set_json;  // before hooks: fields to set ("" none)
  std::int64_t duration_us = 0;
};

class WorkflowEngine {
 public:
  explicit WorkflowEngine(EngineLimits limits = {});
  ~WorkflowEngine();

  // Compiles and registers `source` in a scratch environment: the handler list and the
  // declared retries, or std::runtime_error with "<name>.lua:<line>: ..." .
  void inspect(WorkflowDef& def);

  // Runs handler `index` of `def` with the event (JSON object text) as `e`. For before
  // hooks the JSON is the change; `set` fields and crm.reject() come back in the result.
  RunResult run(const WorkflowDef& def, int index, std::string_view event_json, RunContext& ctx);

  // Drops compiled workflows no longer current (a workflow deleted or a new version).
  void forget(std::int64_t team_id, std::int64_t workflow_id);
  std::size_t memory_in_use() const { return box_.memory_in_use(); }

 private:
  struct Loaded {
    int version = 0;
    int env_ref = -2;
    int handlers_ref = -2;  // the registrations table: {kind, pattern, filter, fn}
  };
  // Leaves nothing on the stack; throws std::runtime_error on compile/load errors.
  Loaded load(WorkflowDef& def);
  const Loaded& loaded(const WorkflowDef& def);
  void release(Loaded& l);

  LuaSandbox box_;
  EngineLimits limits_;
  std::map<std::pair<std::int64_t, std::int64_t>, Loaded> cache_;
};

}  // namespace sb::wf
