// Outbox writes and reads.
#include "store/event_store.h"
#include "store/statement.h"

#include <soci/soci.h>

#include "store/database.h"

namespace sb {

std::int64_t EventStore::append(soci::session& s, const NewEvent& event) const {
  EpochMs now = now_ms();
  EpochMs available = event.available_at.value_or(now);
  long long subject_id = event.subject_id.value_or(0);
  soci::indicator subject_ind = event.subject_id ? soci::i_ok : soci::i_null;
  std::string subject_type = event.subject_type;
  soci::indicator type_ind = subject_type.empty() ? soci::i_null : soci::i_ok;
  long long team_id = event.team_id;
  long long id = 0;
  s << "INSERT INTO events (team_id, type, subject_type, subject_id, payload, created_at, "
       "available_at) VALUES (:team, :type, :stype, :sid, " +
           dialect_.json_param("payload") + ", :created, :available) RETURNING id",
      soci::use(team_id, "team"), soci::use(event.type, "type"),
      soci::use(subject_type, type_ind, "stype"), soci::use(subject_id, subject_ind, "sid"),
      soci::use(event.payload_json, "payload"), soci::use(now, "created"),
      soci::use(available, "available"), soci::into(id);
  Database::note_event_appended();
  return id;
}

std::vector<StoredEvent> EventStore::list_recent(soci::session& s, std::int64_t team_id,
                                                 int limit) const {
  std::vector<StoredEvent> out;
  StoredEvent row;
  long long id = 0, created = 0, available = 0, subject_id = 0;
  long long team = team_id;
  std::string subject_type;
  soci::indicator stype_ind, sid_ind;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(row.type));
  st.exchange(soci::into(subject_type, stype_ind));
  st.exchange(soci::into(subject_id, sid_ind));
  st.exchange(soci::into(row.payload_json));
  st.exchange(soci::into(created));
  st.exchange(soci::into(row.status));
  st.exchange(soci::into(row.attempts));
  st.exchange(soci::into(available));
  st.exchange(soci::use(team, "team"));
  st.exchange(soci::use(limit, "lim"));
  bool more =
      execute_once(st,
                   "SELECT id, type, subject_type, subject_id, payload, created_at, status, "
                   "attempts, available_at FROM events WHERE team_id = :team "
                   "ORDER BY id DESC LIMIT :lim");
  for (; more; more = st.fetch()) {
    row.team_id = team_id;
    row.id = id;
    row.subject_type = stype_ind == soci::i_ok ? subject_type : std::string();
    row.subject_id = sid_ind == soci::i_ok ? std::optional<std::int64_t>(subject_id) : std::nullopt;
    row.created_at = created;
    row.available_at = available;
    out.push_back(row);
  }
  return out;
}

}  // namespace sb
