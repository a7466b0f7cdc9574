// Generic record SQL.
#include "store/record_store.h"

#include <soci/soci.h>

#include <algorithm>

#include "model/error.h"
#include "store/statement.h"

namespace sb {
namespace {

bool is_integer_type(FieldType t) {
  return t == FieldType::kInt || t == FieldType::kRef || t == FieldType::kBool ||
         t == FieldType::kTime;
}

bool is_json_type(FieldType t) {
  return t == FieldType::kTags || t == FieldType::kJson;
}

// Storage for one bound value or one fetched column; addresses must stay stable while the
// statement runs, so these live in a pre-sized vector.
struct Cell {
  long long i = 0;
  double d = 0;
  std::string s;
  soci::indicator ind = soci::i_ok;
};

void load(Cell& c, const FieldSpec& spec, const FieldValue& v) {
  c.ind = soci::i_ok;
  if (std::holds_alternative<std::monostate>(v)) {
    c.ind = soci::i_null;
  } else if (spec.type == FieldType::kReal) {
    c.d = std::holds_alternative<double>(v) ? std::get<double>(v)
                                            : static_cast<double>(std::get<std::int64_t>(v));
  } else if (is_integer_type(spec.type)) {
    c.i = std::get<std::int64_t>(v);
  } else {
    c.s = std::get<std::string>(v);
  }
}

FieldValue unload(const Cell& c, const FieldSpec& spec) {
  if (c.ind == soci::i_null) return std::monostate{};
  if (spec.type == FieldType::kReal) return c.d;
  if (is_integer_type(spec.type)) return static_cast<std::int64_t>(c.i);
  return c.s;
}

void bind_use(soci::statement& st, Cell& c, const FieldSpec& spec, const std::string& name) {
  if (spec.type == FieldType::kReal) {
    st.exchange(soci::use(c.d, c.ind, name));
  } else if (is_integer_type(spec.type)) {
    st.exchange(soci::use(c.i, c.ind, name));
  } else {
    st.exchange(soci::use(c.s, c.ind, name));
  }
}

void bind_into(soci::statement& st, Cell& c, const FieldSpec& spec) {
  if (spec.type == FieldType::kReal) {
    st.exchange(soci::into(c.d, c.ind));
  } else if (is_integer_type(spec.type)) {
    st.exchange(soci::into(c.i, c.ind));
  } else {
    st.exchange(soci::into(c.s, c.ind));
  }
}

std::string column_list(const EntitySchema& schema) {
  std::string cols = "id, created_at, updated_at";
  for (const auto& f : schema.fields) cols += ", " + std::string(f.name);
  return cols;
}

// A SELECT over the schema's columns; each fetched row is handed to `row`.
class RowReader {
 public:
  RowReader(soci::session& s, const EntitySchema& schema)
      : st_(s), schema_(schema), cells_(schema.fields.size()) {
    st_.exchange(soci::into(id_));
    st_.exchange(soci::into(created_));
    st_.exchange(soci::into(updated_));
    for (std::size_t i = 0; i < cells_.size(); ++i) bind_into(st_, cells_[i], schema.fields[i]);
  }
  soci::statement& statement() { return st_; }

  std::vector<Record> run(const std::string& sql, std::int64_t team_id) {
    std::vector<Record> out;
    if (!execute_once(st_, sql)) return out;
    do {
      Record r;
      r.team_id = team_id;
      r.id = id_;
      r.created_at = created_;
      r.updated_at = updated_;
      for (std::size_t i = 0; i < cells_.size(); ++i)
        r.values.push_back(unload(cells_[i], schema_.fields[i]));
      out.push_back(std::move(r));
    } while (st_.fetch());
    return out;
  }

 private:
  soci::statement st_;
  const EntitySchema& schema_;
  std::vector<Cell> cells_;
  long long id_ = 0, created_ = 0, updated_ = 0;
};

// WHERE conditions of the filters; values bound through `cells` (sized by the caller).
std::string filter_sql(const EntitySchema& schema, const std::vector<RecordFilter>& filters,
                       const Dialect& dialect, std::vector<Cell>& cells,
                       std::vector<std::pair<int, std::string>>& binds) {
  std::string sql;
  for (const auto& f : filters) {
    const FieldSpec& spec = schema.fields[static_cast<std::size_t>(f.field)];
    std::string col(spec.name);
    if (!f.bound.empty()) {
      std::string name = "f" + std::to_string(binds.size());
      cells.emplace_back();
      binds.emplace_back(f.field, name);
      sql += " AND " + col + " " + std::string(f.bound) + " :" + name;
      continue;
    }
    std::vector<std::string> terms;
    std::vector<std::string> in_params;
    for (const auto& v : f.any_of) {
      if (std::holds_alternative<std::monostate>(v)) {
        terms.push_back(col + " IS NULL");
        continue;
      }
      std::string name = "f" + std::to_string(binds.size());
      cells.emplace_back();
      binds.emplace_back(f.field, name);
      if (spec.type == FieldType::kTags) {
        terms.push_back("EXISTS (SELECT 1 FROM " + dialect.json_array_elements(col) +
                        " WHERE e.value = :" + name + ")");
      } else {
        in_params.push_back(":" + name);
      }
    }
    if (!in_params.empty()) {
      std::string list;
      for (const auto& p : in_params) list += (list.empty() ? "" : ", ") + p;
      terms.push_back(col + " IN (" + list + ")");
    }
    std::string any;
    for (const auto& t : terms) any += (any.empty() ? "" : " OR ") + t;
    sql += " AND (" + any + ")";
  }
  return sql;
}

// Binds filter values after filter_sql() sized `cells`.
void bind_filters(soci::statement& st, const EntitySchema& schema,
                  const std::vector<RecordFilter>& filters, std::vector<Cell>& cells,
                  const std::vector<std::pair<int, std::string>>& binds) {
  std::size_t k = 0;
  for (const auto& f : filters) {
    const FieldSpec& spec = schema.fields[static_cast<std::size_t>(f.field)];
    for (const auto& v : f.any_of) {
      if (std::holds_alternative<std::monostate>(v)) continue;
      FieldSpec as = spec;
      if (spec.type == FieldType::kTags) as.type = FieldType::kText;
      load(cells[k], as, v);
      bind_use(st, cells[k], as, binds[k].second);
      ++k;
    }
  }
}

// "contacts" -> "contact": error messages name what is missing.
std::string ref_label(std::string_view table) {
  if (table == "pipeline_stages") return "stage";
  if (table == "sla_policies") return "SLA policy";
  std::string t(table);
  if (!t.empty() && t.back() == 's') t.pop_back();
  return t;
}

}  // namespace

void RecordStore::insert(soci::session& s, const EntitySchema& schema, Record& record) const {
  EpochMs now = now_ms();
  if (record.created_at == 0) record.created_at = now;
  record.updated_at = now;
  std::string cols = "team_id, created_at, updated_at", vals = ":team, :created, :updated";
  std::vector<Cell> cells(schema.fields.size());
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    const auto& f = schema.fields[i];
    std::string p = "v" + std::to_string(i);
    cols += ", " + std::string(f.name);
    vals += ", " + (is_json_type(f.type) ? dialect_.json_param(p) : ":" + p);
  }
  long long team = record.team_id, created = record.created_at, updated = record.updated_at, id = 0;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::use(team, "team"));
  st.exchange(soci::use(created, "created"));
  st.exchange(soci::use(updated, "updated"));
  for (std::size_t i = 0; i < cells.size(); ++i) {
    load(cells[i], schema.fields[i], record.values[i]);
    bind_use(st, cells[i], schema.fields[i], "v" + std::to_string(i));
  }
  execute_once(st, "INSERT INTO " + std::string(schema.table) + " (" + cols + ") VALUES (" + vals +
                       ") RETURNING id");
  record.id = id;
}

std::optional<Record> RecordStore::get(soci::session& s, const EntitySchema& schema,
                                       std::int64_t team_id, std::int64_t id,
                                       bool for_update) const {
  RowReader reader(s, schema);
  long long team = team_id, rid = id;
  reader.statement().exchange(soci::use(team, "team"));
  reader.statement().exchange(soci::use(rid, "id"));
  auto rows = reader.run("SELECT " + column_list(schema) + " FROM " + std::string(schema.table) +
                             " WHERE team_id = :team AND id = :id" +
                             std::string(for_update ? dialect_.for_update() : ""),
                         team_id);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

Record RecordStore::require(soci::session& s, const EntitySchema& schema, std::int64_t team_id,
                            std::int64_t id, bool for_update) const {
  auto r = get(s, schema, team_id, id, for_update);
  if (!r) throw Error::not_found(schema.name, id);
  return std::move(*r);
}

void RecordStore::update(soci::session& s, const EntitySchema& schema, Record& record) const {
  record.updated_at = now_ms();
  std::string sets = "updated_at = :updated";
  std::vector<Cell> cells(schema.fields.size());
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    const auto& f = schema.fields[i];
    std::string p = "v" + std::to_string(i);
    sets += ", " + std::string(f.name) + " = " +
            (is_json_type(f.type) ? dialect_.json_param(p) : ":" + p);
  }
  long long team = record.team_id, id = record.id, updated = record.updated_at;
  soci::statement st(s);
  st.exchange(soci::use(updated, "updated"));
  for (std::size_t i = 0; i < cells.size(); ++i) {
    load(cells[i], schema.fields[i], record.values[i]);
    bind_use(st, cells[i], schema.fields[i], "v" + std::to_string(i));
  }
  st.exchange(soci::use(team, "team"));
  st.exchange(soci::use(id, "id"));
  execute_once(st, "UPDATE " + std::string(schema.table) + " SET " + sets +
                       " WHERE team_id = :team AND id = :id");
}

bool RecordStore::remove(soci::session& s, const EntitySchema& schema, std::int64_t team_id,
                         std::int64_t id) const {
  long long team = team_id, rid = id;
  soci::statement st(s);
  st.exchange(soci::use(team, "team"));
  st.exchange(soci::use(rid, "id"));
  execute_once(st,
               "DELETE FROM " + std::string(schema.table) + " WHERE team_id = :team AND id = :id");
  return st.get_affected_rows() > 0;
}

std::vector<Record> RecordStore::list(soci::session& s, const EntitySchema& schema,
                                      std::int64_t team_id, const RecordQuery& query) const {
  std::vector<Cell> cells;
  std::vector<std::pair<int, std::string>> binds;
  std::string where = filter_sql(schema, query.filters, dialect_, cells, binds);
  RowReader reader(s, schema);
  long long team = team_id, after = query.after_id, limit = query.limit;
  reader.statement().exchange(soci::use(team, "team"));
  if (after > 0) {
    where += query.newest_first ? " AND id < :after" : " AND id > :after";
    reader.statement().exchange(soci::use(after, "after"));
  }
  reader.statement().exchange(soci::use(limit, "lim"));
  bind_filters(reader.statement(), schema, query.filters, cells, binds);
  return reader.run("SELECT " + column_list(schema) + " FROM " + std::string(schema.table) +
                        " WHERE team_id = :team" + where + " ORDER BY id" +
                        (query.newest_first ? " DESC" : "") + " LIMIT :lim",
                    team_id);
}

std::int64_t RecordStore::count(soci::session& s, const EntitySchema& schema, std::int64_t team_id,
                                const std::vector<RecordFilter>& filters) const {
  std::vector<Cell> cells;
  std::vector<std::pair<int, std::string>> binds;
  std::string where = filter_sql(schema, filters, dialect_, cells, binds);
  long long team = team_id, n = 0;
  soci::statement st(s);
  st.exchange(soci::into(n));
  st.exchange(soci::use(team, "team"));
  bind_filters(st, schema, filters, cells, binds);
  execute_once(
      st, "SELECT COUNT(*) FROM " + std::string(schema.table) + " WHERE team_id = :team" + where);
  return n;
}

void RecordStore::clear_default(soci::session& s, const EntitySchema& schema, std::int64_t team_id,
                                std::int64_t except_id) const {
  long long team = team_id, id = except_id;
  soci::statement st(s);
  st.exchange(soci::use(team, "team"));
  st.exchange(soci::use(id, "id"));
  execute_once(st,
               "UPDATE " + std::string(schema.table) +
                   " SET is_default = 0 WHERE team_id = :team AND id <> :id AND is_default = 1");
}

bool RecordStore::exists(soci::session& s, std::string_view table, std::int64_t team_id,
                         std::int64_t id, std::string_view extra_condition) const {
  long long team = team_id, rid = id, one = 0;
  soci::statement st(s);
  st.exchange(soci::into(one));
  st.exchange(soci::use(team, "team"));
  st.exchange(soci::use(rid, "id"));
  return execute_once(st, "SELECT 1 FROM " + std::string(table) +
                              " WHERE team_id = :team AND id = :id" + std::string(extra_condition));
}

void RecordStore::check_refs(soci::session& s, const EntitySchema& schema, const Record& record,
                             const std::vector<int>& fields) const {
  for (std::size_t i = 0; i < schema.fields.size(); ++i) {
    const auto& f = schema.fields[i];
    if (f.type != FieldType::kRef || f.has(kParent)) continue;
    if (!fields.empty() &&
        std::find(fields.begin(), fields.end(), static_cast<int>(i)) == fields.end())
      continue;
    const auto* id = std::get_if<std::int64_t>(&record.values[i]);
    if (!id) continue;
    // Deactivated users keep their history but take no new work.
    bool users = f.ref == "users";
    if (!exists(s, users ? "users" : f.ref, record.team_id, *id, users ? " AND active = 1" : "")) {
      throw Error(
          ErrorCode::kValidationFailed,
          std::string(f.name) + ": no " + (users ? "active " : "") + ref_label(f.ref) +
              " with this id in the team",
          {{"field", std::string(f.name)}, {"reason", std::string("not found")}, {"id", *id}});
    }
  }
}

}  // namespace sb
