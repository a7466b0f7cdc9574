// Outbox writes and reads.
#include "store/event_store.h"

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

}  // namespace sb
