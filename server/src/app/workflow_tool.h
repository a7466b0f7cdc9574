// `switchboard workflow check|test`: the admin's offline tools for a workflow file. check
// compiles and lints it; test runs it against one event on a scratch SQLite store.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace sb {

// Prints "FILE:LINE: error: ..." lines and a summary; 0 when clean, 1 when not.
int workflow_check(const std::string& file, std::ostream& out, std::ostream& err);

// Loads the fixtures (DIR/*.json, each an array of REST bodies POSTed to
// /v1/<name without leading "NN-">), registers the workflow, delivers the event once and
// prints every run's actions as JSON. 0 when every run succeeded, 1 when one failed. Throws
// Error for fixtures or an event the scratch server refuses (see wf::WorkflowTester).
int workflow_test(const std::string& file, const std::string& event_file,
                  const std::optional<std::string>& fixtures_dir, std::ostream& out);

}  // namespace sb
