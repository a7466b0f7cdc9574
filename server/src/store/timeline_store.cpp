// timeline_entries rows.
#include "store/timeline_store.h"
#include "store/statement.h"

#include <soci/soci.h>

#include "store/actor_columns.h"
#include "store/dialect.h"
#include "store/json_rows.h"
#include "store/statement_cache.h"

namespace sb {

std::int64_t TimelineStore::add(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                                const std::string& kind, const std::string& data_json,
                                const Actor& actor) const {
  long long team = team_id, contact = contact_id, id = 0;
  ActorColumns by(actor);
  EpochMs now = now_ms();
  run_cached(s,
             "INSERT INTO timeline_entries (team_id, contact_id, kind, data, actor_key_id, "
             "actor_user_id, created_at) VALUES (:t, :c, :k, " +
                 dialect_.json_param("d") + ", :a, :u, :now) RETURNING id",
             soci::use(team, "t"), soci::use(contact, "c"), soci::use(kind, "k"),
             soci::use(data_json, "d"), soci::use(by.key_id, by.key_ind, "a"),
             soci::use(by.user_id, by.user_ind, "u"), soci::use(now, "now"), soci::into(id));
  return id;
}

void TimelineStore::add_many(soci::session& s, std::int64_t team_id,
                             const std::vector<NewEntry>& entries) const {
  if (entries.empty()) return;
  JsonRows rows;
  for (const NewEntry& e : entries) {
    rows.row()
        .add("contact_id", e.contact_id)
        .add("kind", e.kind)
        .add_json("data", e.data_json)
        .add("seq", static_cast<std::int64_t>(rows.size()));
  }
  std::string text = rows.text();
  std::string source = json_rows_source(dialect_, "rows",
                                        {{"contact_id", RowType::kInt},
                                         {"kind", RowType::kText},
                                         {"data", RowType::kJson},
                                         {"seq", RowType::kInt}});
  long long team = team_id, now = now_ms();
  run_cached(
      s,
      "INSERT INTO timeline_entries (team_id, contact_id, kind, data, created_at) SELECT :t, "
      "r.contact_id, r.kind, r.data, :now FROM " +
          source + " ORDER BY r.seq",
      soci::use(text, "rows"), soci::use(team, "t"), soci::use(now, "now"));
}

std::vector<TimelineEntry> TimelineStore::list(soci::session& s, std::int64_t team_id,
                                               std::int64_t contact_id, std::int64_t before_id,
                                               int limit) const {
  long long team = team_id, contact = contact_id, before = before_id > 0 ? before_id : (1LL << 62);
  long long id = 0, created = 0;
  ActorColumns by;
  TimelineEntry e;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(e.kind));
  st.exchange(soci::into(e.data_json));
  by.into(st);
  st.exchange(soci::into(created));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(contact, "c"));
  st.exchange(soci::use(before, "b"));
  st.exchange(soci::use(limit, "l"));
  std::vector<TimelineEntry> out;
  if (execute_once(st, "SELECT e.id, e.kind, e.data, " +
                           actor_select_sql("e", "actor_key_id", "actor_user_id") +
                           ", e.created_at FROM timeline_entries e "
                           "WHERE e.team_id = :t AND e.contact_id = :c AND e.id < :b ORDER BY e.id "
                           "DESC LIMIT :l")) {
    do {
      e.id = id;
      e.contact_id = contact_id;
      e.actor = by.read();
      e.created_at = created;
      out.push_back(e);
    } while (st.fetch());
  }
  return out;
}

}  // namespace sb
