// audit_log rows.
#include "store/audit_store.h"

#include <soci/soci.h>

#include "store/contact_filter_sql.h"
#include "store/dialect.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {

void AuditStore::append(soci::session& s, const AuditEntry& e) const {
  long long team = e.team_id, at = e.at ? e.at : now_ms(), subject = e.subject_id.value_or(0);
  int status = e.status.value_or(0);
  const std::string empty;
  auto ind = [](bool present) { return present ? soci::i_ok : soci::i_null; };
  soci::indicator actor_ind = ind(e.actor_id.has_value()),
                  subject_type_ind = ind(e.subject_type.has_value()),
                  subject_ind = ind(e.subject_id.has_value()),
                  status_ind = ind(e.status.has_value()), origin_ind = ind(e.origin.has_value()),
                  request_ind = ind(e.request_id.has_value()),
                  detail_ind = ind(e.detail_json.has_value());
  run_cached(s,
             "INSERT INTO audit_log (team_id, at, actor_type, actor_id, action, subject_type, "
             "subject_id, status, origin, request_id, detail) VALUES (:t, :at, :atype, :aid, :act, "
             ":st, :sid, :status, :origin, :rid, " +
                 dialect_.json_param("detail") + ")",
             soci::use(team, "t"), soci::use(at, "at"), soci::use(e.actor_type, "atype"),
             soci::use(e.actor_id ? *e.actor_id : empty, actor_ind, "aid"),
             soci::use(e.action, "act"),
             soci::use(e.subject_type ? *e.subject_type : empty, subject_type_ind, "st"),
             soci::use(subject, subject_ind, "sid"), soci::use(status, status_ind, "status"),
             soci::use(e.origin ? *e.origin : empty, origin_ind, "origin"),
             soci::use(e.request_id ? *e.request_id : empty, request_ind, "rid"),
             soci::use(e.detail_json ? *e.detail_json : empty, detail_ind, "detail"));
}

void AuditStore::append_alone(soci::session& s, const AuditEntry& entry) const {
  if (dialect_.backend() == Backend::kPostgresql) s << "SET LOCAL synchronous_commit = off";
  append(s, entry);
}

std::vector<AuditEntry> AuditStore::list(soci::session& s, const AuditQuery& q) const {
  SqlParams p;
  std::string sql =
      "SELECT id, at, actor_type, actor_id, action, subject_type, subject_id, status, origin, "
      "request_id, detail FROM audit_log WHERE team_id = " +
      p.add(static_cast<long long>(q.team_id));
  if (q.before_id > 0) sql += " AND id < " + p.add(static_cast<long long>(q.before_id));
  if (q.actor_type) sql += " AND actor_type = " + p.add(*q.actor_type);
  if (q.actor_id) sql += " AND actor_id = " + p.add(*q.actor_id);
  if (q.action_prefix) {
    // A prefix match without LIKE, so % and _ in the input stay literal.
    std::string n = p.add(static_cast<long long>(q.action_prefix->size()));
    sql += " AND substr(action, 1, " + n + ") = " + p.add(*q.action_prefix);
  }
  if (q.subject_type) sql += " AND subject_type = " + p.add(*q.subject_type);
  if (q.subject_id) sql += " AND subject_id = " + p.add(static_cast<long long>(*q.subject_id));
  if (q.since) sql += " AND at >= " + p.add(static_cast<long long>(*q.since));
  if (q.until) sql += " AND at < " + p.add(static_cast<long long>(*q.until));
  sql += " ORDER BY id DESC LIMIT " + p.add(static_cast<long long>(q.limit));

  AuditEntry e;
  long long id = 0, at = 0, subject = 0;
  int status = 0;
  std::string actor_id, subject_type, origin, request_id, detail;
  soci::indicator actor_ind, subject_type_ind, subject_ind, status_ind, origin_ind, request_ind,
      detail_ind;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(at));
  st.exchange(soci::into(e.actor_type));
  st.exchange(soci::into(actor_id, actor_ind));
  st.exchange(soci::into(e.action));
  st.exchange(soci::into(subject_type, subject_type_ind));
  st.exchange(soci::into(subject, subject_ind));
  st.exchange(soci::into(status, status_ind));
  st.exchange(soci::into(origin, origin_ind));
  st.exchange(soci::into(request_id, request_ind));
  st.exchange(soci::into(detail, detail_ind));
  p.bind(st);
  std::vector<AuditEntry> out;
  if (!execute_once(st, sql)) return out;
  auto opt = [](soci::indicator i, const std::string& v) {
    return i == soci::i_ok ? std::optional<std::string>(v) : std::nullopt;
  };
  do {
    AuditEntry row = e;
    row.id = id;
    row.team_id = q.team_id;
    row.at = at;
    row.actor_id = opt(actor_ind, actor_id);
    row.subject_type = opt(subject_type_ind, subject_type);
    row.subject_id =
        subject_ind == soci::i_ok ? std::optional<std::int64_t>(subject) : std::nullopt;
    row.status = status_ind == soci::i_ok ? std::optional<int>(status) : std::nullopt;
    row.origin = opt(origin_ind, origin);
    row.request_id = opt(request_ind, request_id);
    row.detail_json = opt(detail_ind, detail);
    out.push_back(std::move(row));
  } while (st.fetch());
  return out;
}

}  // namespace sb
