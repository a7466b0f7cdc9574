// Queue operations on the events table.
#include "store/event_queue_store.h"

#include <soci/soci.h>

#include <algorithm>

#include "store/contact_filter_sql.h"
#include "store/database.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr const char* kEventColumns =
    "team_id, id, type, subject_type, subject_id, payload, created_at, status, attempts, "
    "available_at, last_error";

// Bound output of kEventColumns.
struct EventRow {
  long long team = 0, id = 0, subject_id = 0, created = 0, available = 0;
  std::string type, subject_type, payload, status, error;
  int attempts = 0;
  soci::indicator i_stype = soci::i_null, i_sid = soci::i_null, i_error = soci::i_null;
  void bind(soci::statement& st) {
    st.exchange(soci::into(team));
    st.exchange(soci::into(id));
    st.exchange(soci::into(type));
    st.exchange(soci::into(subject_type, i_stype));
    st.exchange(soci::into(subject_id, i_sid));
    st.exchange(soci::into(payload));
    st.exchange(soci::into(created));
    st.exchange(soci::into(status));
    st.exchange(soci::into(attempts));
    st.exchange(soci::into(available));
    st.exchange(soci::into(error, i_error));
  }
  StoredEvent value() const {
    StoredEvent e;
    e.team_id = team;
    e.id = id;
    e.type = type;
    e.subject_type = i_stype == soci::i_ok ? subject_type : "";
    if (i_sid == soci::i_ok) e.subject_id = subject_id;
    e.payload_json = payload;
    e.created_at = created;
    e.status = status;
    e.attempts = attempts;
    e.available_at = available;
    e.last_error = i_error == soci::i_ok ? error : "";
    return e;
  }
};

// `planned_each_time`: the claim, whose plan depends on how many events wait (PostgreSQL
// kept a generic plan for it and claimed 4x slower, measured).
std::vector<StoredEvent> fetch_events(soci::session& s, const std::string& sql, SqlParams& params,
                                      bool planned_each_time = false) {
  EventRow row;
  StatementCache::Use st =
      planned_each_time ? statements_of(s).one_time(sql) : statements_of(s).get(sql);
  row.bind(*st);
  params.bind(*st);
  std::vector<StoredEvent> out;
  for (bool more = st.execute(); more; more = st->fetch()) out.push_back(row.value());
  return out;
}

// (team_id = :t AND id IN (...)) OR ...: index-friendly on keys that start with team_id.
std::string by_team(const std::vector<std::pair<std::int64_t, std::int64_t>>& refs,
                    const char* id_column, SqlParams& p) {
  std::map<std::int64_t, std::vector<std::int64_t>> groups;
  for (const auto& [team, id] : refs) groups[team].push_back(id);
  std::string out;
  for (const auto& [team, ids] : groups) {
    std::string in;
    for (std::int64_t id : ids) in += (in.empty() ? "" : ", ") + p.add(static_cast<long long>(id));
    out += std::string(out.empty() ? "" : " OR ") +
           "(team_id = " + p.add(static_cast<long long>(team)) + " AND " + id_column + " IN (" +
           in + "))";
  }
  return "(" + out + ")";
}

}  // namespace

void EventQueueStore::relax_commit(soci::session& s) const {
  if (dialect_.backend() == Backend::kPostgresql) s << "SET LOCAL synchronous_commit = off";
}

std::vector<StoredEvent> EventQueueStore::claim(soci::session& s, const std::string& owner,
                                                EpochMs now, EpochMs lease_ms, int limit) const {
  // PostgreSQL's keys start with team_id, so the outer match is on (team_id, id). SQLite's
  // key is the rowid alone, and SQLite 3.40 returns only the first row for a row-value
  // (team_id, id) IN (SELECT ... LIMIT n): there, ids (unique across teams) are enough.
  const bool pg = dialect_.backend() == Backend::kPostgresql;
  SqlParams p;
  std::string pick =
      std::string(pg ? "SELECT e.team_id, e.id" : "SELECT e.id") +
      " FROM events e WHERE e.status = 'pending' AND e.available_at <= " + p.add(now) +
      " AND (e.lease_until IS NULL OR e.lease_until < " + p.add(now) +
      ") AND NOT EXISTS (SELECT 1 FROM events o WHERE o.team_id = e.team_id AND o.subject_type = "
      "e.subject_type "
      "AND o.subject_id = e.subject_id AND o.id < e.id AND o.status = 'pending' AND (o.attempts > "
      "0 OR o.available_at <= " +
      p.add(now) + ")) ORDER BY e.id LIMIT " + p.add(static_cast<long long>(limit));
  std::string sql;
  if (pg) {
    // The right plan walks events_pending_by_id and stops after `limit` rows. Right after a
    // burst of inserts, before autovacuum has analysed the table, the planner instead
    // scans and sorts every pending event on every claim (10x slower, measured): steer it.
    s << "SET LOCAL enable_seqscan = off";
    s << "SET LOCAL enable_sort = off";
    // A materialised CTE of at most `limit` rows makes the planner join back through the
    // primary key instead of hashing the whole table.
    std::string returning;
    for (std::string_view col :
         {"team_id", "id", "type", "subject_type", "subject_id", "payload", "created_at", "status",
          "attempts", "available_at", "last_error"}) {
      returning += std::string(returning.empty() ? "" : ", ") + "ev." + std::string(col);
    }
    sql = "WITH picked AS MATERIALIZED (" + pick +
          " FOR UPDATE SKIP LOCKED) UPDATE events ev SET lease_owner = " + p.add(owner) +
          ", lease_until = " + p.add(now + lease_ms) +
          ", attempts = ev.attempts + 1 FROM picked WHERE ev.team_id = picked.team_id AND ev.id = "
          "picked.id "
          "RETURNING " +
          returning;
  } else {
    sql = "UPDATE events SET lease_owner = " + p.add(owner) +
          ", lease_until = " + p.add(now + lease_ms) + ", attempts = attempts + 1 WHERE id IN (" +
          pick + ") RETURNING " + kEventColumns;
  }
  auto out = fetch_events(s, sql, p, true);
  std::sort(out.begin(), out.end(),
            [](const StoredEvent& a, const StoredEvent& b) { return a.id < b.id; });
  return out;
}

std::map<std::pair<std::int64_t, std::string>, std::string> EventQueueStore::delivery_states(
    soci::session& s, const std::vector<std::pair<std::int64_t, std::int64_t>>& events) const {
  std::map<std::pair<std::int64_t, std::string>, std::string> out;
  if (events.empty()) return out;
  SqlParams p;
  std::string where = by_team(events, "event_id", p);
  long long event_id = 0;
  std::string subscriber, status;
  StatementCache::Use st = statements_of(s).get(
      "SELECT event_id, subscriber, status FROM event_deliveries WHERE " + where);
  st->exchange(soci::into(event_id));
  st->exchange(soci::into(subscriber));
  st->exchange(soci::into(status));
  p.bind(*st);
  for (bool more = st.execute(); more; more = st->fetch()) {
    out[{event_id, subscriber}] = status;
  }
  return out;
}

void EventQueueStore::record_deliveries(
    soci::session& s,
    const std::vector<std::tuple<std::int64_t, std::int64_t, Delivery>>& rows) const {
  if (rows.empty()) return;
  SqlParams p;
  std::string values;
  long long now = now_ms();
  for (const auto& [team, event, d] : rows) {
    values += std::string(values.empty() ? "" : ", ") + "(" + p.add(static_cast<long long>(team)) +
              ", " + p.add(static_cast<long long>(event)) + ", " + p.add(d.subscriber) + ", " +
              p.add(d.status) + ", " + p.add(static_cast<long long>(d.attempts)) + ", " +
              p.add(d.last_error) + ", " + p.add(static_cast<long long>(d.duration_us)) + ", " +
              p.add(now) + ")";
  }
  StatementCache::Use st = statements_of(s).get(
      "INSERT INTO event_deliveries (team_id, event_id, subscriber, status, attempts, last_error, "
      "duration_us, updated_at) VALUES " +
      values +
      " ON CONFLICT (team_id, event_id, subscriber) DO UPDATE SET status = excluded.status, "
      "attempts = excluded.attempts, last_error = excluded.last_error, "
      "duration_us = excluded.duration_us, updated_at = excluded.updated_at");
  p.bind(*st);
  st.execute();
}

void EventQueueStore::finish_done(
    soci::session& s, const std::vector<std::pair<std::int64_t, std::int64_t>>& events) const {
  if (events.empty()) return;
  SqlParams p;
  std::string where = by_team(events, "id", p);
  StatementCache::Use st = statements_of(s).get(
      "UPDATE events SET status = 'done', lease_owner = NULL, lease_until = NULL WHERE " + where);
  p.bind(*st);
  st.execute();
}

void EventQueueStore::finish(soci::session& s, std::int64_t team_id, std::int64_t event_id,
                             const std::string& status, std::optional<EpochMs> retry_at,
                             const std::string& error) const {
  long long team = team_id, id = event_id;
  std::string next_status = retry_at ? "pending" : status;
  long long available = retry_at.value_or(0);
  soci::indicator err_ind = error.empty() ? soci::i_null : soci::i_ok;
  if (retry_at) {
    run_cached(s,
               "UPDATE events SET status = :s, available_at = :a, lease_owner = NULL, "
               "lease_until = NULL, last_error = :e WHERE team_id = :t AND id = :id",
               soci::use(next_status), soci::use(available), soci::use(error, err_ind),
               soci::use(team), soci::use(id));
  } else {
    run_cached(s,
               "UPDATE events SET status = :s, lease_owner = NULL, lease_until = NULL, "
               "last_error = :e WHERE team_id = :t AND id = :id",
               soci::use(next_status), soci::use(error, err_ind), soci::use(team), soci::use(id));
  }
}

std::optional<std::int64_t> EventQueueStore::schedule(soci::session& s, const NewEvent& event,
                                                      const std::string& dedupe_key) const {
  long long team = event.team_id, id = 0, subject_id = event.subject_id.value_or(0);
  soci::indicator sid_ind = event.subject_id ? soci::i_ok : soci::i_null;
  std::string stype = event.subject_type;
  soci::indicator stype_ind = stype.empty() ? soci::i_null : soci::i_ok;
  EpochMs now = now_ms(), due = event.available_at.value_or(now);
  const bool inserted = run_cached(
      s,
      "INSERT INTO events (team_id, type, subject_type, subject_id, payload, created_at, "
      "available_at, dedupe_key) VALUES (:t, :ty, :st, :sid, " +
          dialect_.json_param("p") +
          ", :c, :a, :k) "
          "ON CONFLICT (team_id, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING id",
      soci::use(team, "t"), soci::use(event.type, "ty"), soci::use(stype, stype_ind, "st"),
      soci::use(subject_id, sid_ind, "sid"), soci::use(event.payload_json, "p"),
      soci::use(now, "c"), soci::use(due, "a"), soci::use(dedupe_key, "k"), soci::into(id));
  if (!inserted) return std::nullopt;
  Database::note_event_appended();
  return id;
}

bool EventQueueStore::cancel(soci::session& s, std::int64_t team_id,
                             const std::string& dedupe_key) const {
  long long team = team_id, id = 0;
  return run_cached(s,
                    "DELETE FROM events WHERE team_id = :t AND dedupe_key = :k AND status = "
                    "'pending' AND attempts = 0 RETURNING id",
                    soci::use(team), soci::use(dedupe_key), soci::into(id));
}

void EventQueueStore::release_key(soci::session& s, std::int64_t team_id,
                                  const std::string& dedupe_key) const {
  cancel(s, team_id, dedupe_key);
  long long team = team_id;
  run_cached(s, "UPDATE events SET dedupe_key = NULL WHERE team_id = :t AND dedupe_key = :k",
             soci::use(team), soci::use(dedupe_key));
}

std::int64_t EventQueueStore::prune(soci::session& s, EpochMs cutoff, int limit) const {
  long long before = cutoff, team = 0, id = 0;
  int lim = limit;
  std::vector<std::pair<std::int64_t, std::int64_t>> victims;
  soci::statement st(s);
  st.exchange(soci::into(team));
  st.exchange(soci::into(id));
  st.exchange(soci::use(before));
  st.exchange(soci::use(lim));
  for (bool more =
           execute_once(st,
                        "SELECT team_id, id FROM events WHERE status = 'done' AND created_at < :c "
                        "ORDER BY id LIMIT :l");
       more; more = st.fetch()) {
    victims.emplace_back(team, id);
  }
  if (victims.empty()) return 0;
  for (const char* sql : {"DELETE FROM event_deliveries WHERE ", "DELETE FROM events WHERE "}) {
    SqlParams p;
    std::string where = by_team(
        victims, std::string(sql).find("deliveries") != std::string::npos ? "event_id" : "id", p);
    soci::statement del(s);
    p.bind(del);
    execute_once(del, sql + where);
  }
  // Effect keys stay: a dead event replayed later must still find the keys of effects that
  // already happened. They are small; linking them to events for pruning is future work.
  return static_cast<std::int64_t>(victims.size());
}

bool EventQueueStore::claim_effect(soci::session& s, std::int64_t team_id,
                                   const std::string& key) const {
  long long team = team_id;
  EpochMs now = now_ms();
  std::string got;
  return run_cached(s,
                    "INSERT INTO effect_keys (team_id, key, created_at) VALUES (:t, :k, :c) "
                    "ON CONFLICT (team_id, key) DO NOTHING RETURNING key",
                    soci::use(team), soci::use(key), soci::use(now), soci::into(got));
}

bool EventQueueStore::has_effect(soci::session& s, std::int64_t team_id,
                                 const std::string& key) const {
  long long team = team_id, n = 0;
  run_cached(s, "SELECT COUNT(*) FROM effect_keys WHERE team_id = :t AND key = :k", soci::use(team),
             soci::use(key), soci::into(n));
  return n > 0;
}

std::vector<StoredEvent> EventQueueStore::list(soci::session& s, std::int64_t team_id,
                                               const EventFilter& f, std::int64_t before_id,
                                               int limit) const {
  SqlParams p;
  std::string sql = std::string("SELECT ") + kEventColumns +
                    " FROM events WHERE team_id = " + p.add(static_cast<long long>(team_id));
  if (f.type) sql += " AND type = " + p.add(*f.type);
  if (f.status) sql += " AND status = " + p.add(*f.status);
  if (f.subject_type) sql += " AND subject_type = " + p.add(*f.subject_type);
  if (f.subject_id) sql += " AND subject_id = " + p.add(static_cast<long long>(*f.subject_id));
  if (before_id > 0) sql += " AND id < " + p.add(static_cast<long long>(before_id));
  sql += " ORDER BY id DESC LIMIT " + p.add(static_cast<long long>(limit));
  return fetch_events(s, sql, p);
}

std::vector<StoredEvent> EventQueueStore::after(soci::session& s, std::int64_t team_id,
                                                std::int64_t after_id, EpochMs now,
                                                int limit) const {
  SqlParams p;
  std::string sql = std::string("SELECT ") + kEventColumns +
                    " FROM events WHERE team_id = " + p.add(static_cast<long long>(team_id)) +
                    " AND id > " + p.add(static_cast<long long>(after_id)) +
                    " AND available_at <= " + p.add(static_cast<long long>(now)) +
                    " ORDER BY id LIMIT " + p.add(static_cast<long long>(limit));
  return fetch_events(s, sql, p);
}

std::int64_t EventQueueStore::newest_id(soci::session& s, std::int64_t team_id) const {
  long long team = team_id, id = 0;
  soci::indicator ind = soci::i_null;
  run_cached(s, "SELECT MAX(id) FROM events WHERE team_id = :t", soci::use(team),
             soci::into(id, ind));
  return ind == soci::i_ok ? id : 0;
}

std::optional<StoredEvent> EventQueueStore::get(soci::session& s, std::int64_t team_id,
                                                std::int64_t id) const {
  SqlParams p;
  std::string sql = std::string("SELECT ") + kEventColumns +
                    " FROM events WHERE team_id = " + p.add(static_cast<long long>(team_id)) +
                    " AND id = " + p.add(static_cast<long long>(id));
  auto rows = fetch_events(s, sql, p);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<Delivery> EventQueueStore::deliveries(soci::session& s, std::int64_t team_id,
                                                  std::int64_t event_id) const {
  long long team = team_id, id = event_id, duration = 0, updated = 0;
  Delivery d;
  soci::indicator err_ind;
  soci::statement st(s);
  st.exchange(soci::into(d.subscriber));
  st.exchange(soci::into(d.status));
  st.exchange(soci::into(d.attempts));
  st.exchange(soci::into(d.last_error, err_ind));
  st.exchange(soci::into(duration));
  st.exchange(soci::into(updated));
  st.exchange(soci::use(team));
  st.exchange(soci::use(id));
  std::vector<Delivery> out;
  for (bool more = execute_once(
           st,
           "SELECT subscriber, status, attempts, last_error, duration_us, updated_at "
           "FROM event_deliveries WHERE team_id = :t AND event_id = :e ORDER BY subscriber");
       more; more = st.fetch()) {
    Delivery row = d;
    if (err_ind != soci::i_ok) row.last_error.clear();
    row.duration_us = duration;
    row.updated_at = updated;
    out.push_back(row);
  }
  return out;
}

bool EventQueueStore::replay(soci::session& s, std::int64_t team_id, std::int64_t id) const {
  long long team = team_id, eid = id, got = 0;
  EpochMs now = now_ms();
  s << "UPDATE events SET status = 'pending', attempts = 0, available_at = :n, lease_owner = NULL, "
       "lease_until = NULL "
       "WHERE team_id = :t AND id = :id AND status = 'dead' RETURNING id",
      soci::use(now), soci::use(team), soci::use(eid), soci::into(got);
  if (!s.got_data()) return false;
  Database::note_event_appended();  // a replayed event is new work
  run_cached(
      s, "DELETE FROM event_deliveries WHERE team_id = :t AND event_id = :id AND status <> 'done'",
      soci::use(team), soci::use(eid));
  return true;
}

QueueStats EventQueueStore::stats(soci::session& s, EpochMs now) const {
  QueueStats q;
  long long pending = 0, dead = 0, oldest = 0;
  soci::indicator oldest_ind;
  EpochMs at = now;
  run_cached(s, "SELECT COUNT(*) FROM events WHERE status = 'pending'", soci::into(pending));
  run_cached(s, "SELECT COUNT(*) FROM events WHERE status = 'dead'", soci::into(dead));
  run_cached(s,
             "SELECT MIN(available_at) FROM events WHERE status = 'pending' AND available_at <= :n",
             soci::use(at), soci::into(oldest, oldest_ind));
  q.pending = pending;
  q.dead = dead;
  q.oldest_due = oldest_ind == soci::i_ok ? oldest : 0;
  return q;
}

}  // namespace sb
