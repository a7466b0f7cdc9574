#include "store/sequence_store.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/sequence.h"
#include "store/contact_filter_sql.h"
#include "store/contact_store.h"
#include "store/dialect.h"
#include "store/event_store.h"
#include "store/messaging_store.h"
#include "store/record_store.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr const char* kColumns =
    "team_id, id, sequence_id, contact_id, run, status, step, next_at, exit_reason, source, "
    "enrolled_at, updated_at, finished_at";

// The into() targets of one enrolment row, in kColumns order.
struct RowBuffer {
  long long team = 0, id = 0, sequence = 0, contact = 0, next_at = 0, enrolled = 0, updated = 0,
            finished = 0;
  int run = 0, step = 0;
  std::string status, reason, source;
  soci::indicator next_ind = soci::i_null, reason_ind = soci::i_null, source_ind = soci::i_null,
                  finished_ind = soci::i_null;

  void exchange(soci::statement& st) {
    st.exchange(soci::into(team));
    st.exchange(soci::into(id));
    st.exchange(soci::into(sequence));
    st.exchange(soci::into(contact));
    st.exchange(soci::into(run));
    st.exchange(soci::into(status));
    st.exchange(soci::into(step));
    st.exchange(soci::into(next_at, next_ind));
    st.exchange(soci::into(reason, reason_ind));
    st.exchange(soci::into(source, source_ind));
    st.exchange(soci::into(enrolled));
    st.exchange(soci::into(updated));
    st.exchange(soci::into(finished, finished_ind));
  }
  Enrollment get() const {
    Enrollment e;
    e.team_id = team;
    e.id = id;
    e.sequence_id = sequence;
    e.contact_id = contact;
    e.run = run;
    e.status = status;
    e.step = step;
    if (next_ind == soci::i_ok) e.next_at = next_at;
    if (reason_ind == soci::i_ok) e.exit_reason = reason;
    if (source_ind == soci::i_ok) e.source = source;
    e.enrolled_at = enrolled;
    e.updated_at = updated;
    if (finished_ind == soci::i_ok) e.finished_at = finished;
    return e;
  }
};

std::vector<Enrollment> query(soci::session& s, const std::string& sql, SqlParams& p) {
  RowBuffer row;
  soci::statement st(s);
  row.exchange(st);
  p.bind(st);
  std::vector<Enrollment> out;
  if (execute_once(st, sql)) {
    do {
      out.push_back(row.get());
    } while (st.fetch());
  }
  return out;
}

}  // namespace

std::pair<Enrollment, bool> SequenceStore::enroll(soci::session& s, std::int64_t team_id,
                                                  std::int64_t sequence_id, std::int64_t contact_id,
                                                  const std::string& source) const {
  const EntitySchema& schema = crm::sequence();
  Record seq = RecordStore(dialect_).require(s, schema, team_id, sequence_id);
  if (seq.text_or(schema, "status", "active") == "archived") {
    throw Error(ErrorCode::kConflict, "the sequence is archived: it takes no new enrolments",
                {{"sequence_id", sequence_id}});
  }
  ContactStore(dialect_).require(s, team_id, contact_id);
  std::vector<SequenceStep> steps = parse_sequence_steps(seq.text_or(schema, "steps", "[]"));
  const EpochMs now = now_ms();
  const EpochMs due = now + (steps.empty() ? 0 : steps.front().delay_ms);
  std::optional<Enrollment> existing = find(s, team_id, sequence_id, contact_id);
  if (existing && existing->status == "active") return {*existing, false};
  SqlParams p;
  std::string sql;
  if (existing) {
    // A finished run starts over; events of the earlier run no longer match `run`.
    sql =
        "UPDATE sequence_enrollments SET run = run + 1, status = 'active', step = 0, "
        "next_at = " +
        p.add(static_cast<long long>(due)) +
        ", exit_reason = NULL, finished_at = NULL, source = " + p.add(source) +
        ", enrolled_at = " + p.add(static_cast<long long>(now)) +
        ", updated_at = " + p.add(static_cast<long long>(now)) +
        " WHERE team_id = " + p.add(static_cast<long long>(team_id)) +
        " AND id = " + p.add(static_cast<long long>(existing->id)) + " RETURNING " + kColumns;
  } else {
    sql =
        "INSERT INTO sequence_enrollments (team_id, sequence_id, contact_id, run, status, "
        "step, next_at, source, enrolled_at, updated_at) VALUES (" +
        p.add(static_cast<long long>(team_id)) + ", " + p.add(static_cast<long long>(sequence_id)) +
        ", " + p.add(static_cast<long long>(contact_id)) + ", 1, 'active', 0, " +
        p.add(static_cast<long long>(due)) + ", " + p.add(source) + ", " +
        p.add(static_cast<long long>(now)) + ", " + p.add(static_cast<long long>(now)) +
        ") RETURNING " + kColumns;
  }
  Enrollment e = query(s, sql, p).at(0);
  event(s, e, "sequence.enrolled", "");
  if (seq.text_or(schema, "status", "active") == "paused") {
    wait(s, e);
    e.next_at.reset();
  } else {
    schedule_step(s, e, due);
  }
  return {e, true};
}

std::optional<Enrollment> SequenceStore::get(soci::session& s, std::int64_t team_id,
                                             std::int64_t id, bool for_update) const {
  SqlParams p;
  auto rows = query(
      s,
      std::string("SELECT ") + kColumns +
          " FROM sequence_enrollments WHERE team_id = " + p.add(static_cast<long long>(team_id)) +
          " AND id = " + p.add(static_cast<long long>(id)) +
          (for_update ? std::string(" ") + std::string(dialect_.for_update()) : ""),
      p);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::optional<Enrollment> SequenceStore::find(soci::session& s, std::int64_t team_id,
                                              std::int64_t sequence_id,
                                              std::int64_t contact_id) const {
  SqlParams p;
  auto rows = query(
      s,
      std::string("SELECT ") + kColumns +
          " FROM sequence_enrollments WHERE team_id = " + p.add(static_cast<long long>(team_id)) +
          " AND sequence_id = " + p.add(static_cast<long long>(sequence_id)) +
          " AND contact_id = " + p.add(static_cast<long long>(contact_id)),
      p);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<std::pair<Enrollment, std::string>> SequenceStore::active_for_contact(
    soci::session& s, std::int64_t team_id, std::int64_t contact_id) const {
  // kColumns qualified with the enrolment table's alias, and the sequence's conditions.
  std::string columns = std::string("e.") + kColumns;
  for (std::size_t at = 0; (at = columns.find(", ", at)) != std::string::npos; at += 4) {
    columns.replace(at, 2, ", e.");
  }
  RowBuffer row;
  std::string exit_on;
  long long team = team_id, contact = contact_id;
  soci::statement st(s);
  row.exchange(st);
  st.exchange(soci::into(exit_on));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(contact, "c"));
  std::vector<std::pair<Enrollment, std::string>> out;
  if (execute_once(st, "SELECT " + columns +
                           ", q.exit_on FROM sequence_enrollments e JOIN sequences q ON "
                           "q.team_id = e.team_id AND q.id = e.sequence_id WHERE e.team_id = :t "
                           "AND e.contact_id = :c AND e.status = 'active' ORDER BY e.id")) {
    do {
      out.emplace_back(row.get(), exit_on);
    } while (st.fetch());
  }
  return out;
}

std::vector<Enrollment> SequenceStore::list(soci::session& s, std::int64_t team_id,
                                            std::optional<std::int64_t> sequence_id,
                                            std::optional<std::int64_t> contact_id,
                                            const std::string& status, std::int64_t after_id,
                                            int limit) const {
  SqlParams p;
  std::string sql =
      std::string("SELECT ") + kColumns +
      " FROM sequence_enrollments WHERE team_id = " + p.add(static_cast<long long>(team_id));
  if (sequence_id) sql += " AND sequence_id = " + p.add(static_cast<long long>(*sequence_id));
  if (contact_id) sql += " AND contact_id = " + p.add(static_cast<long long>(*contact_id));
  if (!status.empty()) sql += " AND status = " + p.add(status);
  if (after_id > 0) sql += " AND id > " + p.add(static_cast<long long>(after_id));
  sql += " ORDER BY id LIMIT " + p.add(limit);
  return query(s, sql, p);
}

bool SequenceStore::exit(soci::session& s, const Enrollment& e, const std::string& reason) const {
  long long team = e.team_id, id = e.id, now = now_ms();
  soci::statement st =
      (s.prepare << "UPDATE sequence_enrollments SET status = 'exited', exit_reason = :r, "
                    "next_at = NULL, finished_at = :now, updated_at = :now2 WHERE team_id = :t "
                    "AND id = :id AND status = 'active'",
       soci::use(reason, "r"), soci::use(now, "now"), soci::use(now, "now2"), soci::use(team, "t"),
       soci::use(id, "id"));
  st.execute(true);
  if (st.get_affected_rows() == 0) return false;
  event(s, e, "sequence.exited", reason);
  return true;
}

void SequenceStore::advance(soci::session& s, const Enrollment& e, bool last,
                            std::int64_t delay_ms) const {
  long long team = e.team_id, id = e.id, now = now_ms();
  if (last) {
    run_cached(s,
               "UPDATE sequence_enrollments SET status = 'completed', step = step + 1, next_at = "
               "NULL, finished_at = :now, updated_at = :now2 WHERE team_id = :t AND id = :id",
               soci::use(now, "now"), soci::use(now, "now2"), soci::use(team, "t"),
               soci::use(id, "id"));
    event(s, e, "sequence.completed", "");
    return;
  }
  long long due = now + delay_ms;
  run_cached(s,
             "UPDATE sequence_enrollments SET step = step + 1, next_at = :due, updated_at = :now "
             "WHERE team_id = :t AND id = :id",
             soci::use(due, "due"), soci::use(now, "now"), soci::use(team, "t"),
             soci::use(id, "id"));
  Enrollment next = e;
  next.step = e.step + 1;
  schedule_step(s, next, due);
}

void SequenceStore::wait(soci::session& s, const Enrollment& e) const {
  long long team = e.team_id, id = e.id, now = now_ms();
  run_cached(s,
             "UPDATE sequence_enrollments SET next_at = NULL, updated_at = :now WHERE team_id = :t "
             "AND id = :id",
             soci::use(now, "now"), soci::use(team, "t"), soci::use(id, "id"));
}

std::int64_t SequenceStore::resume_waiting(soci::session& s, std::int64_t team_id,
                                           std::int64_t sequence_id) const {
  std::int64_t resumed = 0;
  const long long now = now_ms();
  for (std::int64_t after = 0;;) {
    SqlParams p;
    auto rows = query(
        s,
        std::string("SELECT ") + kColumns +
            " FROM sequence_enrollments WHERE team_id = " + p.add(static_cast<long long>(team_id)) +
            " AND sequence_id = " + p.add(static_cast<long long>(sequence_id)) +
            " AND status = 'active' AND next_at IS NULL AND id > " +
            p.add(static_cast<long long>(after)) + " ORDER BY id LIMIT 500",
        p);
    for (const Enrollment& e : rows) {
      long long team = team_id, id = e.id;
      run_cached(
          s,
          "UPDATE sequence_enrollments SET next_at = :now, updated_at = :now2 WHERE team_id = "
          ":t AND id = :id",
          soci::use(now, "now"), soci::use(now, "now2"), soci::use(team, "t"), soci::use(id, "id"));
      schedule_step(s, e, now);
      after = e.id;
      ++resumed;
    }
    if (rows.size() < 500) return resumed;
  }
}

std::int64_t SequenceStore::member_of_any(soci::session& s, std::int64_t team_id,
                                          std::int64_t contact_id,
                                          const std::vector<std::int64_t>& segment_ids) const {
  if (segment_ids.empty()) return 0;
  SqlParams p;
  long long found = 0;
  soci::indicator ind = soci::i_null;
  soci::statement st(s);
  st.exchange(soci::into(found, ind));
  std::string sql = "SELECT MIN(segment_id) FROM segment_members WHERE team_id = " +
                    p.add(static_cast<long long>(team_id)) +
                    " AND contact_id = " + p.add(static_cast<long long>(contact_id)) +
                    " AND segment_id IN (" + p.add_ids(segment_ids) + ")";
  p.bind(st);
  execute_once(st, sql);
  return ind == soci::i_ok ? found : 0;
}

SequenceStats SequenceStore::stats(soci::session& s, std::int64_t team_id,
                                   std::int64_t sequence_id) const {
  SequenceStats out;
  long long team = team_id, id = sequence_id, n = 0;
  std::string status, reason;
  soci::indicator reason_ind = soci::i_null;
  {
    soci::statement st(s);
    st.exchange(soci::into(status));
    st.exchange(soci::into(reason, reason_ind));
    st.exchange(soci::into(n));
    st.exchange(soci::use(team, "t"));
    st.exchange(soci::use(id, "id"));
    if (execute_once(st,
                     "SELECT status, exit_reason, COUNT(*) FROM sequence_enrollments WHERE "
                     "team_id = :t AND sequence_id = :id GROUP BY status, exit_reason")) {
      do {
        out.enrolled += n;
        if (status == "active") out.active += n;
        if (status == "completed") out.completed += n;
        if (status == "exited") {
          out.exited += n;
          out.exited_by_reason[reason_ind == soci::i_ok ? reason : "unknown"] += n;
        }
      } while (st.fetch());
    }
  }
  const std::string source = "sequence:" + std::to_string(sequence_id);
  soci::statement st(s);
  st.exchange(soci::into(status));
  st.exchange(soci::into(n));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(source, "src"));
  if (execute_once(st,
                   "SELECT status, COUNT(*) FROM outbox_messages WHERE team_id = :t AND source = "
                   ":src GROUP BY status")) {
    do {
      out.messages_by_status[status] = n;
    } while (st.fetch());
  }
  return out;
}

void SequenceStore::remove_all(soci::session& s, std::int64_t team_id,
                               std::int64_t sequence_id) const {
  long long team = team_id, id = sequence_id;
  run_cached(s, "DELETE FROM sequence_enrollments WHERE team_id = :t AND sequence_id = :id",
             soci::use(team, "t"), soci::use(id, "id"));
}

void SequenceStore::schedule_step(soci::session& s, const Enrollment& e, EpochMs due) const {
  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set("enrollment_id", e.id);
  payload.set("sequence_id", e.sequence_id);
  payload.set("run", e.run);
  payload.set("step", e.step);
  EventStore(dialect_).append(
      s, {e.team_id, kSequenceStepEvent, "contact", e.contact_id, json_text(payload), due});
}

void SequenceStore::event(soci::session& s, const Enrollment& e, const std::string& type,
                          const std::string& reason) const {
  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set("sequence_id", e.sequence_id);
  payload.set("enrollment_id", e.id);
  payload.set("run", e.run);
  if (!reason.empty()) payload.set("reason", reason);
  MessagingStore(dialect_).contact_event(s, e.team_id, e.contact_id, type, json_text(payload));
}

}  // namespace sb
