// Registry loading, directory sync and snapshots.
#include "workflows/workflow_registry.h"

#include <Poco/Logger.h>
#include <soci/soci.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/error.h"
#include "store/database.h"

namespace sb::wf {

namespace fs = std::filesystem;

WorkflowDefPtr TeamWorkflows::find(std::int64_t id) const {
  for (const auto& w : workflows) {
    if (w->id == id) return w;
  }
  return nullptr;
}

WorkflowRegistry::WorkflowRegistry(Database& db, std::string directory)
    : db_(db),
      directory_(std::move(directory)),
      store_(db.dialect()),
      snapshot_(std::make_shared<Snapshot>()) {}

WorkflowRegistry::~WorkflowRegistry() = default;

void WorkflowRegistry::check(WorkflowDef& def) {
  std::lock_guard lock(mutex_);
  try {
    def.handlers.clear();
    engine_.inspect(def);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kValidationFailed,
                std::string("the workflow does not load: ") + e.what(),
                {{"field", std::string("source")}});
  }
}

LintResult WorkflowRegistry::lint(WorkflowDef& def) {
  std::lock_guard lock(mutex_);
  return lint_workflow(engine_, def);
}

void WorkflowRegistry::refresh(bool force) {
  WorkflowsFingerprint now = db_.read([&](soci::session& s) { return store_.fingerprint(s); });
  std::lock_guard lock(mutex_);
  if (!force && now == fingerprint_) return;
  auto rows = db_.read([&](soci::session& s) { return store_.all(s); });
  std::map<std::int64_t, std::shared_ptr<TeamWorkflows>> teams;
  Poco::Logger& log = Poco::Logger::get("workflows");
  for (const WorkflowRow& row : rows) {
    if (!row.enabled) continue;
    WorkflowDefPtr def;
    auto old_team = snapshot_->find(row.team_id);
    if (old_team != snapshot_->end()) {
      WorkflowDefPtr old = old_team->second->find(row.id);
      if (old && old->version == row.version && old->name == row.name) def = old;
    }
    if (!def) {
      auto fresh = std::make_shared<WorkflowDef>();
      fresh->team_id = row.team_id;
      fresh->id = row.id;
      fresh->name = row.name;
      fresh->version = row.version;
      fresh->source = row.source;
      try {
        engine_.inspect(*fresh);
        engine_.forget(row.team_id, row.id);
        def = fresh;
      } catch (const std::exception& e) {
        log.warning("workflow %s (team %Ld) does not load: %s", row.name,
                    static_cast<Poco::Int64>(row.team_id), std::string(e.what()));
        continue;
      }
    }
    auto& team = teams[row.team_id];
    if (!team) team = std::make_shared<TeamWorkflows>();
    team->workflows.push_back(def);
    for (const HandlerSpec& h : def->handlers) {
      if (h.kind == HandlerKind::kBefore) team->before_ops.insert(h.pattern);
    }
  }
  auto next = std::make_shared<Snapshot>();
  for (auto& [id, t] : teams) (*next)[id] = t;
  snapshot_ = next;
  fingerprint_ = now;
}

std::shared_ptr<const TeamWorkflows> WorkflowRegistry::team(std::int64_t team_id) const {
  std::shared_ptr<const Snapshot> snap;
  {
    std::lock_guard lock(mutex_);
    snap = snapshot_;
  }
  auto it = snap->find(team_id);
  return it == snap->end() ? nullptr : it->second;
}

bool WorkflowRegistry::wants_before(std::int64_t team_id, const std::string& op) const {
  auto t = team(team_id);
  return t && t->before_ops.count(op) > 0;
}

std::vector<CronJob> WorkflowRegistry::cron_jobs() const {
  std::shared_ptr<const Snapshot> snap;
  {
    std::lock_guard lock(mutex_);
    snap = snapshot_;
  }
  std::vector<CronJob> jobs;
  for (const auto& [team_id, team] : *snap) {
    for (const auto& def : team->workflows) {
      for (std::size_t i = 0; i < def->handlers.size(); ++i) {
        const HandlerSpec& h = def->handlers[i];
        if (h.kind != HandlerKind::kEvery) continue;
        try {
          jobs.push_back({team_id,
                          "wf" + std::to_string(def->id) + "." + std::to_string(i) + ".v" +
                              std::to_string(def->version),
                          CronSchedule::parse(h.pattern), "{}"});
        } catch (const std::exception&) {
          // checked at registration; a bad one cannot get here
        }
      }
    }
  }
  return jobs;
}

int WorkflowRegistry::sync_directory() {
  if (directory_.empty()) return 0;
  std::error_code ec;
  if (!fs::is_directory(directory_, ec)) return 0;
  Poco::Logger& log = Poco::Logger::get("workflows");
  std::map<std::string, std::string> files;  // name -> source
  bool changed_files = false;
  std::set<std::string> present;
  for (const auto& entry : fs::directory_iterator(directory_, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".lua") continue;
    std::string name = entry.path().stem().string();
    if (name == "crm") continue;  // the LuaLS annotations of the API, not a workflow
    present.insert(name);
    auto stamp =
        std::make_pair(static_cast<long long>(entry.last_write_time().time_since_epoch().count()),
                       static_cast<long long>(entry.file_size()));
    if (seen_files_[name] != stamp) changed_files = true;
    seen_files_[name] = stamp;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    files[name] = text.str();
  }
  for (auto it = seen_files_.begin(); it != seen_files_.end();) {
    if (!present.count(it->first)) {
      changed_files = true;
      it = seen_files_.erase(it);
    } else {
      ++it;
    }
  }
  // Teams created since the last sync get the files too.
  auto teams = db_.read([&](soci::session& s) { return store_.team_ids(s); });
  if (!changed_files && teams.size() == known_teams_) return 0;
  known_teams_ = teams.size();

  std::map<std::string, std::string> errors;  // name -> compile error ("" loads)
  for (const auto& [name, source] : files) {
    WorkflowDef def;
    def.name = name;
    def.source = source;
    try {
      std::lock_guard lock(mutex_);
      engine_.inspect(def);
      errors[name] = "";
    } catch (const std::exception& e) {
      errors[name] = e.what();
      log.warning("workflow file %s.lua does not load: %s", name, std::string(e.what()));
    }
  }
  int changed = db_.write([&](soci::session& s) {
    int n = 0;
    for (std::int64_t team : teams) {
      std::map<std::string, WorkflowRow> rows;
      for (WorkflowRow& r : store_.list(s, team)) rows[r.name] = std::move(r);
      for (const auto& [name, source] : files) {
        const std::string& error = errors[name];
        auto it = rows.find(name);
        if (it == rows.end()) {
          WorkflowRow r;
          r.team_id = team;
          r.name = name;
          r.origin = "file";
          r.source = source;
          r.description = "from the workflows directory";
          store_.create(s, r);
          if (!error.empty()) store_.set_error(s, team, r.id, error);
          ++n;
          continue;
        }
        WorkflowRow& r = it->second;
        if (r.origin != "file") continue;  // a REST workflow of the same name wins
        if (r.source == source && r.last_error == error) continue;
        if (!error.empty()) {  // keep the running version, report the error
          if (r.last_error != error) store_.set_error(s, team, r.id, error);
        } else {
          bool source_changed = r.source != source;
          r.source = source;
          r.last_error.clear();
          store_.update(s, r, source_changed);
        }
        ++n;
      }
      for (const auto& [name, r] : rows) {
        if (r.origin == "file" && !files.count(name)) {
          store_.remove(s, team, r.id);
          ++n;
        }
      }
    }
    return n;
  });
  if (changed) refresh(true);
  return changed;
}

}  // namespace sb::wf
