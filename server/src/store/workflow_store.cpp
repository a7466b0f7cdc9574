// workflows, workflow_versions, workflow_runs, workflow_timers, assignment_cursors rows.
#include "store/workflow_store.h"

#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include "model/error.h"
#include "store/sql_errors.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr const char* kColumns =
    "team_id, id, name, description, origin, source, version, enabled, last_error, created_at, "
    "updated_at";

std::vector<WorkflowRow> query(soci::session& s, const std::string& where, long long team,
                               long long id) {
  WorkflowRow r;
  long long t = 0, i = 0, created = 0, updated = 0;
  int enabled = 0;
  std::string description, error;
  soci::indicator di = soci::i_ok, ei = soci::i_ok;
  soci::statement st(s);
  st.exchange(soci::into(t));
  st.exchange(soci::into(i));
  st.exchange(soci::into(r.name));
  st.exchange(soci::into(description, di));
  st.exchange(soci::into(r.origin));
  st.exchange(soci::into(r.source));
  st.exchange(soci::into(r.version));
  st.exchange(soci::into(enabled));
  st.exchange(soci::into(error, ei));
  st.exchange(soci::into(created));
  st.exchange(soci::into(updated));
  if (where.find(":t") != std::string::npos) st.exchange(soci::use(team, "t"));
  if (where.find(":i") != std::string::npos) st.exchange(soci::use(id, "i"));
  std::vector<WorkflowRow> out;
  for (bool more = execute_once(st, std::string("SELECT ") + kColumns + " FROM workflows " + where +
                                        " ORDER BY team_id, id");
       more; more = st.fetch()) {
    r.team_id = t;
    r.id = i;
    r.description = di == soci::i_ok ? description : "";
    r.enabled = enabled != 0;
    r.last_error = ei == soci::i_ok ? error : "";
    r.created_at = created;
    r.updated_at = updated;
    out.push_back(r);
  }
  return out;
}

void add_version(soci::session& s, const WorkflowRow& r) {
  long long team = r.team_id, id = r.id, at = r.updated_at;
  run_cached(s,
             "INSERT INTO workflow_versions (team_id, workflow_id, version, source, created_at) "
             "VALUES (:t, :w, :v, :s, :c)",
             soci::use(team), soci::use(id), soci::use(r.version), soci::use(r.source),
             soci::use(at));
}

}  // namespace

WorkflowsFingerprint WorkflowStore::fingerprint(soci::session& s) const {
  long long count = 0, last = 0, sum = 0;
  soci::indicator li = soci::i_ok, si = soci::i_ok;
  run_cached(s, "SELECT count(*), max(updated_at), sum(id) FROM workflows", soci::into(count),
             soci::into(last, li), soci::into(sum, si));
  return {count, li == soci::i_ok ? last : 0, si == soci::i_ok ? sum : 0};
}

std::vector<WorkflowRow> WorkflowStore::all(soci::session& s) const {
  return query(s, "", 0, 0);
}

std::vector<WorkflowRow> WorkflowStore::list(soci::session& s, std::int64_t team_id) const {
  return query(s, "WHERE team_id = :t", team_id, 0);
}

std::optional<WorkflowRow> WorkflowStore::get(soci::session& s, std::int64_t team_id,
                                              std::int64_t id) const {
  auto rows = query(s, "WHERE team_id = :t AND id = :i", team_id, id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<WorkflowRow> WorkflowStore::by_name(soci::session& s, std::int64_t team_id,
                                                  const std::string& name) const {
  for (WorkflowRow& r : list(s, team_id)) {
    if (r.name == name) return std::move(r);
  }
  return std::nullopt;
}

void WorkflowStore::create(soci::session& s, WorkflowRow& r) const {
  r.version = 1;
  r.created_at = r.updated_at = now_ms();
  long long team = r.team_id, id = 0, at = r.created_at;
  int enabled = r.enabled ? 1 : 0;
  soci::indicator di = r.description.empty() ? soci::i_null : soci::i_ok;
  try {
    run_cached(
        s,
        "INSERT INTO workflows (team_id, name, description, origin, source, version, enabled, "
        "created_at, updated_at) VALUES (:t, :n, :d, :o, :s, 1, :e, :c, :u) RETURNING id",
        soci::use(team, "t"), soci::use(r.name, "n"), soci::use(r.description, di, "d"),
        soci::use(r.origin, "o"), soci::use(r.source, "s"), soci::use(enabled, "e"),
        soci::use(at, "c"), soci::use(at, "u"), soci::into(id));
  } catch (const soci::soci_error& e) {
    if (is_unique_violation(e)) {
      throw Error(ErrorCode::kConflict, "a workflow named '" + r.name + "' exists",
                  {{"field", std::string("name")}});
    }
    throw;
  }
  r.id = id;
  add_version(s, r);
}

void WorkflowStore::update(soci::session& s, WorkflowRow& r, bool source_changed) const {
  if (source_changed) ++r.version;
  r.updated_at = std::max(now_ms(), r.updated_at + 1);  // the registry sees every change
  long long team = r.team_id, id = r.id, at = r.updated_at;
  int enabled = r.enabled ? 1 : 0;
  soci::indicator di = r.description.empty() ? soci::i_null : soci::i_ok;
  soci::indicator ei = r.last_error.empty() ? soci::i_null : soci::i_ok;
  try {
    run_cached(s,
               "UPDATE workflows SET name = :n, description = :d, source = :s, version = :v, "
               "enabled = :e, last_error = :le, updated_at = :u WHERE team_id = :t AND id = :i",
               soci::use(r.name, "n"), soci::use(r.description, di, "d"), soci::use(r.source, "s"),
               soci::use(r.version, "v"), soci::use(enabled, "e"),
               soci::use(r.last_error, ei, "le"), soci::use(at, "u"), soci::use(team, "t"),
               soci::use(id, "i"));
  } catch (const soci::soci_error& e) {
    if (is_unique_violation(e)) {
      throw Error(ErrorCode::kConflict, "a workflow named '" + r.name + "' exists",
                  {{"field", std::string("name")}});
    }
    throw;
  }
  if (source_changed) add_version(s, r);
}

void WorkflowStore::set_error(soci::session& s, std::int64_t team_id, std::int64_t id,
                              const std::string& error) const {
  long long team = team_id, wid = id, at = now_ms();
  soci::indicator ei = error.empty() ? soci::i_null : soci::i_ok;
  run_cached(
      s, "UPDATE workflows SET last_error = :e, updated_at = :u WHERE team_id = :t AND id = :i",
      soci::use(error, ei, "e"), soci::use(at, "u"), soci::use(team, "t"), soci::use(wid, "i"));
}

bool WorkflowStore::remove(soci::session& s, std::int64_t team_id, std::int64_t id) const {
  long long team = team_id, wid = id, gone = 0;
  s << "DELETE FROM workflows WHERE team_id = :t AND id = :i RETURNING id", soci::use(team),
      soci::use(wid), soci::into(gone);
  if (!s.got_data()) return false;
  run_cached(s, "DELETE FROM workflow_versions WHERE team_id = :t AND workflow_id = :i",
             soci::use(team), soci::use(wid));
  run_cached(s, "DELETE FROM workflow_runs WHERE team_id = :t AND workflow_id = :i",
             soci::use(team), soci::use(wid));
  return true;
}

std::optional<std::string> WorkflowStore::version_source(soci::session& s, std::int64_t team_id,
                                                         std::int64_t id, int version) const {
  long long team = team_id, wid = id;
  std::string source;
  s << "SELECT source FROM workflow_versions WHERE team_id = :t AND workflow_id = :i AND "
       "version = :v",
      soci::use(team), soci::use(wid), soci::use(version), soci::into(source);
  if (!s.got_data()) return std::nullopt;
  return source;
}

std::vector<std::int64_t> WorkflowStore::team_ids(soci::session& s) const {
  long long id = 0;
  soci::statement st(s);
  st.exchange(soci::into(id));
  std::vector<std::int64_t> out;
  for (bool more = execute_once(st, "SELECT id FROM teams ORDER BY id"); more; more = st.fetch())
    out.push_back(id);
  return out;
}

void WorkflowStore::add_run(soci::session& s, const WorkflowRun& r) const {
  long long team = r.team_id, wid = r.workflow_id, event = r.event_id.value_or(0),
            duration = r.duration_us, at = r.created_at ? r.created_at : now_ms();
  soci::indicator evi = r.event_id ? soci::i_ok : soci::i_null;
  soci::indicator li = r.log.empty() ? soci::i_null : soci::i_ok;
  soci::indicator ei = r.error.empty() ? soci::i_null : soci::i_ok;
  run_cached(
      s,
      "INSERT INTO workflow_runs (team_id, workflow_id, workflow_version, event_id, event_type, "
      "handler, outcome, duration_us, actions, log, error, created_at) VALUES (:t, :w, :v, :ev, "
      ":et, :h, :o, :d, " +
          dialect_.json_param("a") + ", :l, :e, :c)",
      soci::use(team, "t"), soci::use(wid, "w"), soci::use(r.workflow_version, "v"),
      soci::use(event, evi, "ev"), soci::use(r.event_type, "et"), soci::use(r.handler, "h"),
      soci::use(r.outcome, "o"), soci::use(duration, "d"), soci::use(r.actions_json, "a"),
      soci::use(r.log, li, "l"), soci::use(r.error, ei, "e"), soci::use(at, "c"));
}

std::vector<WorkflowRun> WorkflowStore::runs(soci::session& s, std::int64_t team_id,
                                             std::int64_t workflow_id, std::int64_t before_id,
                                             int limit) const {
  WorkflowRun r;
  long long team = team_id, wid = workflow_id, before = before_id > 0 ? before_id : INT64_MAX,
            id = 0, event = 0, duration = 0, created = 0;
  soci::indicator evi = soci::i_ok, li = soci::i_ok, ei = soci::i_ok;
  std::string log, error;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(r.workflow_version));
  st.exchange(soci::into(event, evi));
  st.exchange(soci::into(r.event_type));
  st.exchange(soci::into(r.handler));
  st.exchange(soci::into(r.outcome));
  st.exchange(soci::into(duration));
  st.exchange(soci::into(r.actions_json));
  st.exchange(soci::into(log, li));
  st.exchange(soci::into(error, ei));
  st.exchange(soci::into(created));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(wid, "w"));
  st.exchange(soci::use(before, "b"));
  st.exchange(soci::use(limit, "l"));
  std::vector<WorkflowRun> out;
  for (bool more = execute_once(
           st, std::string("SELECT id, workflow_version, event_id, event_type, handler, outcome, "
                           "duration_us, ") +
                   (dialect_.backend() == Backend::kPostgresql ? "actions::text" : "actions") +
                   ", log, error, created_at FROM workflow_runs WHERE team_id = :t AND "
                   "workflow_id = :w AND id < :b ORDER BY id DESC LIMIT :l");
       more; more = st.fetch()) {
    r.team_id = team_id;
    r.workflow_id = workflow_id;
    r.id = id;
    r.event_id = evi == soci::i_ok ? std::optional<std::int64_t>(event) : std::nullopt;
    r.duration_us = duration;
    r.log = li == soci::i_ok ? log : "";
    r.error = ei == soci::i_ok ? error : "";
    r.created_at = created;
    out.push_back(r);
  }
  return out;
}

std::int64_t WorkflowStore::prune_runs(soci::session& s, EpochMs cutoff, int limit) const {
  long long before = cutoff;
  soci::statement st(s);
  st.exchange(soci::use(before, "c"));
  st.exchange(soci::use(limit, "l"));
  execute_once(st,
               "DELETE FROM workflow_runs WHERE id IN (SELECT id FROM workflow_runs WHERE "
               "created_at < :c ORDER BY created_at LIMIT :l)");
  return static_cast<std::int64_t>(st.get_affected_rows());
}

void WorkflowStore::add_timer(soci::session& s, std::int64_t team_id, const std::string& key,
                              std::int64_t contact_id, const std::string& cancel_on_json,
                              EpochMs due) const {
  long long team = team_id, contact = contact_id, at = due;
  // after_event_id: the contact's newest event visible now, so that events already written
  // (the one being handled, and any committed with it) never cancel this timer.
  run_cached(
      s,
      "INSERT INTO workflow_timers (team_id, dedupe_key, contact_id, cancel_on, due_at, "
      "after_event_id) VALUES (:t, :k, :c, " +
          dialect_.json_param("o") +
          ", :d, (SELECT COALESCE(MAX(id), 0) FROM events WHERE team_id = :t2 AND subject_type = "
          "'contact' AND subject_id = :c2)) ON CONFLICT (team_id, dedupe_key) DO UPDATE SET "
          "contact_id = excluded.contact_id, cancel_on = excluded.cancel_on, due_at = "
          "excluded.due_at, after_event_id = excluded.after_event_id",
      soci::use(team, "t"), soci::use(key, "k"), soci::use(contact, "c"),
      soci::use(cancel_on_json, "o"), soci::use(at, "d"), soci::use(team, "t2"),
      soci::use(contact, "c2"));
}

bool WorkflowStore::take_timer(soci::session& s, std::int64_t team_id, const std::string& key,
                               std::optional<EpochMs> due) const {
  long long team = team_id, at = due.value_or(0);
  int any = due ? 0 : 1;
  std::string gone;
  s << "DELETE FROM workflow_timers WHERE team_id = :t AND dedupe_key = :k AND (:any = 1 OR "
       "due_at = :d) RETURNING dedupe_key",
      soci::use(team, "t"), soci::use(key, "k"), soci::use(any, "any"), soci::use(at, "d"),
      soci::into(gone);
  return s.got_data();
}

std::vector<std::string> WorkflowStore::cancelled_by(soci::session& s, std::int64_t team_id,
                                                     std::int64_t contact_id,
                                                     const std::string& type,
                                                     std::int64_t event_id) const {
  long long team = team_id, contact = contact_id, event = event_id;
  std::string key, cancel_on;
  soci::statement st(s);
  st.exchange(soci::into(key));
  st.exchange(soci::into(cancel_on));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(contact, "c"));
  st.exchange(soci::use(event, "e"));
  std::vector<std::string> out;
  for (bool more = execute_once(
           st, std::string("SELECT dedupe_key, ") +
                   (dialect_.backend() == Backend::kPostgresql ? "cancel_on::text" : "cancel_on") +
                   " FROM workflow_timers WHERE team_id = :t AND contact_id = :c AND "
                   "after_event_id < :e");
       more; more = st.fetch()) {
    Poco::JSON::Parser parser;
    auto types = parser.parse(cancel_on).extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < types->size(); ++i) {
      if (types->getElement<std::string>(i) == type) {
        out.push_back(key);
        break;
      }
    }
  }
  for (const std::string& k : out) take_timer(s, team_id, k);
  return out;
}

std::int64_t WorkflowStore::cursor(soci::session& s, std::int64_t team_id,
                                   std::int64_t group_id) const {
  long long team = team_id, group = group_id, last = 0, at = now_ms();
  // The row must exist before it is locked: FOR UPDATE on a missing row locks nothing, so
  // two first assignments to a new group both read 0 and pick the same person. A second
  // transaction's insert waits for the first one's uncommitted row, then its SELECT sees
  // the position that one wrote.
  run_cached(
      s,
      "INSERT INTO assignment_cursors (team_id, group_id, last_user_id, updated_at) VALUES (:t, "
      ":g, 0, :a) ON CONFLICT (team_id, group_id) DO NOTHING",
      soci::use(team, "t"), soci::use(group, "g"), soci::use(at, "a"));
  s << "SELECT last_user_id FROM assignment_cursors WHERE team_id = :t AND group_id = :g" +
           std::string(dialect_.for_update()),
      soci::use(team, "t"), soci::use(group, "g"), soci::into(last);
  return s.got_data() ? last : 0;
}

void WorkflowStore::set_cursor(soci::session& s, std::int64_t team_id, std::int64_t group_id,
                               std::int64_t user_id) const {
  long long team = team_id, group = group_id, user = user_id, at = now_ms();
  run_cached(
      s,
      "INSERT INTO assignment_cursors (team_id, group_id, last_user_id, updated_at) VALUES (:t, "
      ":g, :u, :a) ON CONFLICT (team_id, group_id) DO UPDATE SET last_user_id = "
      "excluded.last_user_id, updated_at = excluded.updated_at",
      soci::use(team, "t"), soci::use(group, "g"), soci::use(user, "u"), soci::use(at, "a"));
}

std::map<std::int64_t, std::int64_t> WorkflowStore::owner_loads(
    soci::session& s, std::int64_t team_id, const std::vector<std::int64_t>& users) const {
  std::map<std::int64_t, std::int64_t> out;
  if (users.empty()) return out;
  std::string ids = "[";
  for (std::int64_t u : users) ids += (ids.size() > 1 ? "," : "") + std::to_string(u);
  ids += "]";
  long long team = team_id, owner = 0, n = 0;
  soci::statement st(s);
  st.exchange(soci::into(owner));
  st.exchange(soci::into(n));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(ids, "ids"));
  // The ids travel as one bound JSON array, never spliced into the SQL.
  for (bool more = execute_once(
           st,
           "SELECT owner_id, count(*) FROM contacts WHERE team_id = :t AND owner_id IN "
           "(SELECT CAST(e.value AS BIGINT) FROM " +
               dialect_.json_array_elements(dialect_.json_param("ids")) + ") GROUP BY owner_id");
       more; more = st.fetch()) {
    out[owner] = n;
  }
  return out;
}

}  // namespace sb
