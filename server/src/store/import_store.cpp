// imports and import_errors rows.
#include "store/import_store.h"

#include <soci/soci.h>

#include "store/contact_filter_sql.h"
#include "store/dialect.h"
#include "store/json_rows.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr const char* kColumns =
    "team_id, id, status, options, file, bytes, delimiter, rows_total, rows_done, created, "
    "updated, unchanged, skipped, failed, error, created_by_key_id, created_at, updated_at, "
    "finished_at";

}  // namespace

ImportJob ImportStore::create(soci::session& s, ImportJob job) const {
  job.created_at = job.updated_at = now_ms();
  job.status = "queued";
  long long team = job.team_id, bytes = job.bytes, total = job.rows_total,
            key = job.created_by_key_id.value_or(0), at = job.created_at, id = 0;
  soci::indicator key_ind = job.created_by_key_id ? soci::i_ok : soci::i_null;
  std::string delimiter(1, job.delimiter);
  run_cached(s,
             "INSERT INTO imports (team_id, status, options, file, bytes, delimiter, rows_total, "
             "created_by_key_id, created_at, updated_at) VALUES (:t, 'queued', " +
                 dialect_.json_param("o") + ", :f, :b, :d, :n, :k, :at, :up) RETURNING id",
             soci::use(team, "t"), soci::use(job.options_json, "o"), soci::use(job.file, "f"),
             soci::use(bytes, "b"), soci::use(delimiter, "d"), soci::use(total, "n"),
             soci::use(key, key_ind, "k"), soci::use(at, "at"), soci::use(at, "up"),
             soci::into(id));
  job.id = id;
  return job;
}

std::vector<ImportJob> ImportStore::select(soci::session& s, const std::string& where_sql,
                                           SqlParams& p) const {
  ImportJob j;
  long long team = 0, id = 0, bytes = 0, total = 0, done = 0, created = 0, updated = 0,
            unchanged = 0, skipped = 0, failed = 0, key = 0, created_at = 0, updated_at = 0,
            finished = 0;
  std::string delimiter, error;
  soci::indicator error_ind, key_ind, finished_ind;
  soci::statement st(s);
  st.exchange(soci::into(team));
  st.exchange(soci::into(id));
  st.exchange(soci::into(j.status));
  st.exchange(soci::into(j.options_json));
  st.exchange(soci::into(j.file));
  st.exchange(soci::into(bytes));
  st.exchange(soci::into(delimiter));
  st.exchange(soci::into(total));
  st.exchange(soci::into(done));
  st.exchange(soci::into(created));
  st.exchange(soci::into(updated));
  st.exchange(soci::into(unchanged));
  st.exchange(soci::into(skipped));
  st.exchange(soci::into(failed));
  st.exchange(soci::into(error, error_ind));
  st.exchange(soci::into(key, key_ind));
  st.exchange(soci::into(created_at));
  st.exchange(soci::into(updated_at));
  st.exchange(soci::into(finished, finished_ind));
  p.bind(st);
  std::vector<ImportJob> out;
  if (!execute_once(st, std::string("SELECT ") + kColumns + " FROM imports " + where_sql))
    return out;
  do {
    ImportJob row = j;
    row.team_id = team;
    row.id = id;
    row.bytes = bytes;
    row.delimiter = delimiter.empty() ? ',' : delimiter[0];
    row.rows_total = total;
    row.counts = {done, created, updated, unchanged, skipped, failed};
    row.error = error_ind == soci::i_ok ? std::optional(error) : std::nullopt;
    row.created_by_key_id = key_ind == soci::i_ok ? std::optional<std::int64_t>(key) : std::nullopt;
    row.created_at = created_at;
    row.updated_at = updated_at;
    row.finished_at = finished_ind == soci::i_ok ? std::optional<EpochMs>(finished) : std::nullopt;
    out.push_back(std::move(row));
  } while (st.fetch());
  return out;
}

std::optional<ImportJob> ImportStore::get(soci::session& s, std::int64_t team_id,
                                          std::int64_t id) const {
  SqlParams p;
  auto rows = select(s,
                     "WHERE team_id = " + p.add(static_cast<long long>(team_id)) +
                         " AND id = " + p.add(static_cast<long long>(id)),
                     p);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<ImportJob> ImportStore::list(soci::session& s, std::int64_t team_id,
                                         std::int64_t before_id, int limit) const {
  SqlParams p;
  std::string where = "WHERE team_id = " + p.add(static_cast<long long>(team_id));
  if (before_id > 0) where += " AND id < " + p.add(static_cast<long long>(before_id));
  where += " ORDER BY id DESC LIMIT " + p.add(static_cast<long long>(limit));
  return select(s, where, p);
}

std::optional<ImportJob> ImportStore::claim(soci::session& s, const std::string& owner,
                                            std::int64_t lease_ms) const {
  long long now = now_ms(), until = now + lease_ms, team = 0, id = 0;
  soci::indicator ind = soci::i_null;
  run_cached(s,
             "SELECT team_id, id FROM imports WHERE status = 'queued' OR (status = 'running' AND "
             "lease_until < :now) ORDER BY id LIMIT 1" +
                 std::string(dialect_.for_update()),
             soci::use(now, "now"), soci::into(team, ind), soci::into(id));
  if (ind != soci::i_ok) return std::nullopt;
  run_cached(
      s,
      "UPDATE imports SET status = 'running', lease_owner = :o, lease_until = :u, updated_at = "
      ":now WHERE team_id = :t AND id = :id",
      soci::use(owner, "o"), soci::use(until, "u"), soci::use(now, "now"), soci::use(team, "t"),
      soci::use(id, "id"));
  return get(s, team, id);
}

bool ImportStore::progress(soci::session& s, const ImportJob& job, const std::string& owner,
                           std::int64_t lease_ms) const {
  long long now = now_ms(), until = now + lease_ms, team = job.team_id, id = job.id;
  const ImportCounts& c = job.counts;
  long long done = c.rows_done, created = c.created, updated = c.updated, same = c.unchanged,
            skipped = c.skipped, failed = c.failed;
  soci::statement st(s);
  st.exchange(soci::use(done, "rd"));
  st.exchange(soci::use(created, "cr"));
  st.exchange(soci::use(updated, "up"));
  st.exchange(soci::use(same, "un"));
  st.exchange(soci::use(skipped, "sk"));
  st.exchange(soci::use(failed, "fa"));
  st.exchange(soci::use(until, "lu"));
  st.exchange(soci::use(now, "now"));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(id, "id"));
  st.exchange(soci::use(owner, "o"));
  execute_once(st,
               "UPDATE imports SET rows_done = :rd, created = :cr, updated = :up, unchanged = "
               ":un, skipped = :sk, failed = :fa, lease_until = :lu, updated_at = :now WHERE "
               "team_id = :t AND id = :id AND status = 'running' AND lease_owner = :o");
  return st.get_affected_rows() == 1;
}

bool ImportStore::finish(soci::session& s, std::int64_t team_id, std::int64_t id,
                         const std::string& status, const std::optional<std::string>& error) const {
  long long team = team_id, iid = id, now = now_ms();
  std::string text = error.value_or("");
  soci::indicator ind = error ? soci::i_ok : soci::i_null;
  soci::statement st(s);
  st.exchange(soci::use(status, "s"));
  st.exchange(soci::use(text, ind, "e"));
  st.exchange(soci::use(now, "now"));
  st.exchange(soci::use(now, "fin"));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(iid, "id"));
  execute_once(st,
               "UPDATE imports SET status = :s, error = :e, lease_owner = NULL, lease_until = "
               "NULL, updated_at = :now, finished_at = :fin WHERE team_id = :t AND id = :id AND "
               "status IN ('queued', 'running')");
  return st.get_affected_rows() == 1;
}

void ImportStore::add_errors(soci::session& s, std::int64_t team_id, std::int64_t import_id,
                             const std::vector<ImportRowError>& errors) const {
  if (errors.empty()) return;
  JsonRows rows;
  for (const ImportRowError& e : errors) {
    auto& r = rows.row().add("row", e.row).add("line", e.line);
    if (e.column) {
      r.add("col", *e.column);
    } else {
      r.add_null("col");
    }
    r.add("outcome", e.outcome).add("reason", e.reason);
  }
  std::string text = rows.text();
  std::string source = json_rows_source(dialect_, "rows",
                                        {{"row", RowType::kInt},
                                         {"line", RowType::kInt},
                                         {"col", RowType::kText},
                                         {"outcome", RowType::kText},
                                         {"reason", RowType::kText}});
  long long team = team_id, id = import_id;
  run_cached(
      s,
      "INSERT INTO import_errors (team_id, import_id, row_number, line, column_name, outcome, "
      "reason) SELECT :t, :i, r.row, r.line, r.col, r.outcome, r.reason FROM " +
          source + " WHERE true ON CONFLICT DO NOTHING",  // SQLite: WHERE before an upsert
      soci::use(text, "rows"), soci::use(team, "t"), soci::use(id, "i"));
}

std::vector<ImportRowError> ImportStore::errors(soci::session& s, std::int64_t team_id,
                                                std::int64_t import_id, std::int64_t after_row,
                                                int limit) const {
  long long team = team_id, id = import_id, after = after_row, row = 0, line = 0;
  std::string column, outcome, reason;
  soci::indicator column_ind;
  soci::statement st(s);
  st.exchange(soci::into(row));
  st.exchange(soci::into(line));
  st.exchange(soci::into(column, column_ind));
  st.exchange(soci::into(outcome));
  st.exchange(soci::into(reason));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(id, "i"));
  st.exchange(soci::use(after, "a"));
  st.exchange(soci::use(limit, "l"));
  std::vector<ImportRowError> out;
  if (!execute_once(st,
                    "SELECT row_number, line, column_name, outcome, reason FROM import_errors "
                    "WHERE team_id = :t AND import_id = :i AND row_number > :a ORDER BY "
                    "row_number LIMIT :l"))
    return out;
  do {
    out.push_back({row, line, column_ind == soci::i_ok ? std::optional(column) : std::nullopt,
                   outcome, reason});
  } while (st.fetch());
  return out;
}

void ImportStore::refresh_statistics(soci::session& s) const {
  if (dialect_.backend() == Backend::kPostgresql) s << "ANALYZE contacts, timeline_entries, events";
}

std::map<std::string, std::int64_t> ImportStore::contacts_by(
    soci::session& s, std::int64_t team_id, const std::string& key,
    const std::vector<std::string>& values) const {
  std::map<std::string, std::int64_t> out;
  if (values.empty()) return out;
  // `key` picks one of three fixed columns; it never reaches the SQL as text.
  const char* column = key == "email" ? "email" : key == "phone" ? "phone" : "external_id";
  SqlParams p;
  std::string list;
  for (const std::string& v : values) list += (list.empty() ? "" : ", ") + p.add(v);
  std::string sql = std::string("SELECT ") + column +
                    ", id FROM contacts WHERE team_id = " + p.add(static_cast<long long>(team_id)) +
                    " AND " + column + " IN (" + list + ")";
  std::string value;
  long long id = 0;
  soci::statement st(s);
  st.exchange(soci::into(value));
  st.exchange(soci::into(id));
  p.bind(st);
  if (execute_once(st, sql)) {
    do {
      // The oldest contact wins. Not ORDER BY id: SQLite then walks every contact of the
      // team in id order instead of seeking the column's index (quadratic over an import).
      auto [it, fresh] = out.emplace(value, id);
      if (!fresh && id < it->second) it->second = id;
    } while (st.fetch());
  }
  return out;
}

}  // namespace sb
