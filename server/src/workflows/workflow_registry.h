// Which workflows each team runs: loaded from the workflows table (REST and the synced
// workflows directory), compiled once here to learn their handlers, and handed out as
// immutable snapshots. Refreshes when the table changes (any process may change it).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "events/scheduler.h"
#include "store/workflow_store.h"
#include "workflows/workflow_def.h"
#include "workflows/workflow_engine.h"
#include "workflows/workflow_lint.h"

namespace sb {
class Database;
}

namespace sb::wf {

struct TeamWorkflows {
  std::vector<WorkflowDefPtr> workflows;  // enabled and loadable, by id
  std::set<std::string> before_ops;       // operations some before() guards
  WorkflowDefPtr find(std::int64_t id) const;
};

class WorkflowRegistry {
 public:
  // `directory`: the workflows directory ("" for none).
  WorkflowRegistry(Database& db, std::string directory);
  ~WorkflowRegistry();

  // Reloads when the table changed since the last look (or always with force).
  void refresh(bool force = false);
  // Files of the directory -> every team's workflows (origin "file"): new files added,
  // changed ones become a new version unless they fail to compile (then the old version
  // keeps running and last_error says why), removed files removed. Returns rows changed.
  int sync_directory();

  std::shared_ptr<const TeamWorkflows> team(std::int64_t team_id) const;
  bool wants_before(std::int64_t team_id, const std::string& op) const;
  // Cron jobs of every team's every() handlers ("cron.wf<id>.<handler>").
  std::vector<CronJob> cron_jobs() const;

  // Compiles `def.source`, filling handlers and retries; Error 422 (field "source") with the
  // Lua message when it does not load.
  void check(WorkflowDef& def);
  // Compiles and lints `def.source` (POST /v1/workflows/check): problems at their lines.
  LintResult lint(WorkflowDef& def);

  const std::string& directory() const { return directory_; }

 private:
  using Snapshot = std::map<std::int64_t, std::shared_ptr<const TeamWorkflows>>;

  Database& db_;
  std::string directory_;
  WorkflowStore store_;
  mutable std::mutex mutex_;  // guards snapshot_, fingerprint_ and the engine
  std::shared_ptr<const Snapshot> snapshot_;
  WorkflowsFingerprint fingerprint_{-1, -1, -1};
  WorkflowEngine engine_;  // compiles for inspection only
  std::map<std::string, std::pair<long long, long long>> seen_files_;  // name -> mtime, size
  std::size_t known_teams_ = 0;
};

}  // namespace sb::wf
