// Workflow rows (sources, versions, enabled flag, last load error), their run log, the
// pending timers later events may cancel, and round-robin cursors of user groups.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"
#include "store/dialect.h"

namespace soci {
class session;
}

namespace sb {

struct WorkflowRow {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::string name;
  std::string description;
  std::string origin = "api";  // api | file
  std::string source;
  int version = 1;
  bool enabled = true;
  std::string last_error;
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

struct WorkflowRun {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::int64_t workflow_id = 0;
  int workflow_version = 0;
  std::optional<std::int64_t> event_id;
  std::string event_type;
  std::string handler;
  std::string outcome;  // ok | error | rejected
  std::int64_t duration_us = 0;
  std::string actions_json = "[]";
  std::string log;
  std::string error;
  EpochMs created_at = 0;
};

// A table-wide summary that changes whenever any workflow is created, changed or deleted.
struct WorkflowsFingerprint {
  std::int64_t count = 0;
  EpochMs last_update = 0;
  std::int64_t id_sum = 0;
  bool operator==(const WorkflowsFingerprint&) const = default;
};

class WorkflowStore {
 public:
  explicit WorkflowStore(const Dialect& dialect) : dialect_(dialect) {}

  WorkflowsFingerprint fingerprint(soci::session& s) const;
  // Every team's workflows (the registry's load), or one team's.
  std::vector<WorkflowRow> all(soci::session& s) const;
  std::vector<WorkflowRow> list(soci::session& s, std::int64_t team_id) const;
  std::optional<WorkflowRow> get(soci::session& s, std::int64_t team_id, std::int64_t id) const;
  std::optional<WorkflowRow> by_name(soci::session& s, std::int64_t team_id,
                                     const std::string& name) const;
  // 409 when the name is taken. Sets id, version 1, times; records version 1.
  void create(soci::session& s, WorkflowRow& row) const;
  // Writes name, description, enabled; a changed source becomes a new version.
  void update(soci::session& s, WorkflowRow& row, bool source_changed) const;
  void set_error(soci::session& s, std::int64_t team_id, std::int64_t id,
                 const std::string& error) const;
  bool remove(soci::session& s, std::int64_t team_id, std::int64_t id) const;
  std::optional<std::string> version_source(soci::session& s, std::int64_t team_id, std::int64_t id,
                                            int version) const;
  std::vector<std::int64_t> team_ids(soci::session& s) const;

  void add_run(soci::session& s, const WorkflowRun& run) const;
  std::vector<WorkflowRun> runs(soci::session& s, std::int64_t team_id, std::int64_t workflow_id,
                                std::int64_t before_id, int limit) const;
  std::int64_t prune_runs(soci::session& s, EpochMs cutoff, int limit) const;

  // Timers: the pending row of a crm.later() that names a key or events that cancel it.
  void add_timer(soci::session& s, std::int64_t team_id, const std::string& key,
                 std::int64_t contact_id, const std::string& cancel_on_json, EpochMs due) const;
  // Deletes the timer row scheduled for `due`; false when it was cancelled or replaced.
  bool take_timer(soci::session& s, std::int64_t team_id, const std::string& key,
                  std::optional<EpochMs> due = std::nullopt) const;
  // Keys of the contact's timers that the event `event_id` of `type` cancels (their rows
  // deleted): those naming the type in cancel_on and set before the event happened, i.e.
  // whose contact had no event with this id or a later one when they were set.
  std::vector<std::string> cancelled_by(soci::session& s, std::int64_t team_id,
                                        std::int64_t contact_id, const std::string& type,
                                        std::int64_t event_id) const;

  // The last user a group's round-robin picked (0 when none yet), and recording a pick.
  std::int64_t cursor(soci::session& s, std::int64_t team_id, std::int64_t group_id) const;
  void set_cursor(soci::session& s, std::int64_t team_id, std::int64_t group_id,
                  std::int64_t user_id) const;
  // Contacts owned by each of `users` (least-loaded assignment); absent users own none.
  std::map<std::int64_t, std::int64_t> owner_loads(soci::session& s, std::int64_t team_id,
                                                   const std::vector<std::int64_t>& users) const;

 private:
  const Dialect& dialect_;
};

}  // namespace sb
