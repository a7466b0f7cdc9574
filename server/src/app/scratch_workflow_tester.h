// The workflow test engine: a whole Switchboard on a scratch SQLite file in a temporary
// directory (no workers, no stock workflows, no mail), fixtures loaded through its REST API,
// the one event delivered on the calling thread, the directory removed after.
#pragma once

#include <mutex>
#include <string>

#include "workflows/workflow_tester.h"

namespace sb {

class ScratchWorkflowTester final : public wf::WorkflowTester {
 public:
  // plugins_dir: native plugins the scratch server loads ("": none). The CLI loads the
  // working directory's, as `serve` would; the running server loads none into a second host.
  explicit ScratchWorkflowTester(std::string plugins_dir = "")
      : plugins_dir_(std::move(plugins_dir)) {}
  wf::TestReport run(const wf::TestRun& run) override;

 private:
  std::string plugins_dir_;
  std::mutex one_at_a_time_;  // each run is a server with its own port and files
};

}  // namespace sb
