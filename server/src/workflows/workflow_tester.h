// Runs a workflow source against one sample event on a scratch store, never a team's data.
// POST /v1/workflows/test and `switchboard workflow test` ask this of the app layer, which
// owns the scratch server (see app/scratch_workflow_tester.h).
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sb::wf {

// One resource's records, each POSTed as a REST body to /v1/<resource> on the scratch server,
// so fixtures pass the same validation as real writes.
struct TestFixture {
  std::string label;     // names it in errors: a file name, or "fixtures[0]"
  std::string resource;  // a-z and _ only: contacts, users, groups, tickets...
  Poco::JSON::Array::Ptr items;
};

struct TestRun {
  std::string name;                        // the workflow's name, as its runs and errors show it
  std::string source;                      // Lua
  std::string event_label = "event";       // names the event in errors: "event", or its file
  std::string event_type;                  // "cron": the workflow's first every() handler
  std::optional<std::int64_t> contact_id;  // the subject; e.contact unless the payload has one
  Poco::JSON::Object::Ptr payload = new Poco::JSON::Object;
  std::vector<TestFixture> fixtures;  // loaded in order
};

struct TestReport {
  bool ok = true;  // every run succeeded
  // {handler, outcome, actions, log, error, duration_us}, in the order the runs happened.
  Poco::JSON::Array::Ptr runs = new Poco::JSON::Array;
};

class WorkflowTester {
 public:
  virtual ~WorkflowTester() = default;
  // Throws Error (validation_failed, naming the field) for a source that does not load, a
  // fixture the API refuses, a contact_id no fixture made, or "cron" without every().
  virtual TestReport run(const TestRun& run) = 0;
};

}  // namespace sb::wf
