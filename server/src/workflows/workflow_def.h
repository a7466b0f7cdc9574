// What a workflow is to the rest of the server once loaded: its row and the handlers its
// source registered (on / every / before), in registration order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sb::wf {

enum class HandlerKind { kOn, kEvery, kBefore };

struct HandlerSpec {
  HandlerKind kind = HandlerKind::kOn;
  std::string pattern;  // event pattern or timer name (on), cron (every), operation (before)
  bool has_filter = false;
};

struct WorkflowDef {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::string name;
  int version = 0;
  std::string source;
  int retries = -1;  // the workflow's `retries = N`; -1: the event bus's policy
  std::vector<HandlerSpec> handlers;
  // Chunk name in errors and tracebacks: "<name>.lua".
  std::string chunk_name() const { return name + ".lua"; }
};

using WorkflowDefPtr = std::shared_ptr<const WorkflowDef>;

// The operations before() accepts.
const std::vector<std::string>& before_operations();

}  // namespace sb::wf
