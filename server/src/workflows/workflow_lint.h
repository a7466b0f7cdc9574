// Lints a workflow's source beyond compiling it: unknown crm.* calls (with a "did you mean"),
// on() handlers for event types that do not exist, timer handlers nothing schedules. The
// CLI's `workflow check` and POST /v1/workflows/check both report these.
#pragma once

#include <string>
#include <vector>

#include "workflows/workflow_def.h"

namespace sb::wf {

class WorkflowEngine;

struct LintFinding {
  int line = 0;  // 1-based; 0 when the problem has no line
  std::string message;
};

struct LintResult {
  bool loads = false;                 // compiled and registered its handlers
  std::vector<LintFinding> problems;  // by line; a load failure is the only one when !loads
};

// Compiles `def` in `engine` (filling def.handlers) and lints it.
LintResult lint_workflow(WorkflowEngine& engine, WorkflowDef& def);

// "on contact.created", "every 0 9 * * *", "before contact.update".
std::string handler_label(const HandlerSpec& h);

}  // namespace sb::wf
