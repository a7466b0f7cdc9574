// Outbox writes and reads.
#include "store/event_store.h"

#include <soci/soci.h>

#include <algorithm>

#include "store/database.h"
#include "store/json_rows.h"
#include "store/statement_cache.h"

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
  run_cached(s,
             "INSERT INTO events (team_id, type, subject_type, subject_id, payload, created_at, "
             "available_at) VALUES (:team, :type, :stype, :sid, " +
                 dialect_.json_param("payload") + ", :created, :available) RETURNING id",
             soci::use(team_id, "team"), soci::use(event.type, "type"),
             soci::use(subject_type, type_ind, "stype"), soci::use(subject_id, subject_ind, "sid"),
             soci::use(event.payload_json, "payload"), soci::use(now, "created"),
             soci::use(available, "available"), soci::into(id));
  Database::note_event_appended();
  return id;
}

void EventStore::append_many(soci::session& s, const std::vector<NewEvent>& events) const {
  if (events.empty()) return;
  if (events.size() == 1) {
    append(s, events.front());
    return;
  }
  // Bounded statements: a segment refresh over a whole imported list can hand over 100k
  // events, and one statement over all of them held ~130 MB more (SQLite, 200k events).
  if (events.size() > kMaxPerStatement) {
    for (std::size_t at = 0; at < events.size(); at += kMaxPerStatement) {
      const std::size_t end = std::min(events.size(), at + kMaxPerStatement);
      append_many(s, std::vector<NewEvent>(events.begin() + static_cast<std::ptrdiff_t>(at),
                                           events.begin() + static_cast<std::ptrdiff_t>(end)));
    }
    return;
  }
  EpochMs now = now_ms();
  JsonRows rows;
  for (const NewEvent& e : events) {
    rows.row()
        .add("team_id", e.team_id)
        .add("type", std::string_view(e.type))
        .add("subject_type", e.subject_type.empty() ? std::optional<std::string>()
                                                    : std::optional<std::string>(e.subject_type))
        .add("subject_id", e.subject_id)
        .add_json("payload", e.payload_json)
        .add("available_at", e.available_at.value_or(now))
        .add("seq", static_cast<std::int64_t>(rows.size()));
  }
  std::string text = rows.text();
  std::string source = json_rows_source(dialect_, "rows",
                                        {{"team_id", RowType::kInt},
                                         {"type", RowType::kText},
                                         {"subject_type", RowType::kText},
                                         {"subject_id", RowType::kInt},
                                         {"payload", RowType::kJson},
                                         {"available_at", RowType::kInt},
                                         {"seq", RowType::kInt}});
  // ORDER BY seq: identity values are assigned in the order rows reach the insert.
  run_cached(
      s,
      "INSERT INTO events (team_id, type, subject_type, subject_id, payload, created_at, "
      "available_at) SELECT r.team_id, r.type, r.subject_type, r.subject_id, r.payload, :now, "
      "r.available_at FROM " +
          source + " ORDER BY r.seq",
      soci::use(text, "rows"), soci::use(now, "now"));
  Database::note_event_appended();
}

}  // namespace sb
