// contact_notes rows.
#include "store/note_store.h"
#include "store/statement.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include "model/contact_json.h"
#include "model/error.h"
#include "store/actor_columns.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

void check_body(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error::validation("body", "must not be empty");
  if (body.size() > NoteStore::kMaxBodyBytes) {
    throw Error::validation(
        "body", "must be at most " + std::to_string(NoteStore::kMaxBodyBytes) + " bytes");
  }
}

std::vector<Note> query(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                        long long id, std::string_view lock = "") {
  long long team = team_id, contact = contact_id, nid = 0, created = 0, updated = 0;
  int pinned = 0;
  ActorColumns by;
  Note n;
  std::string sql = "SELECT n.id, " + actor_select_sql("n", "author_key_id", "author_user_id") +
                    ", n.body, n.pinned, n.created_at, n.updated_at FROM contact_notes n "
                    "WHERE n.team_id = :t AND n.contact_id = :c";
  sql += id ? " AND n.id = :id" + std::string(lock) : " ORDER BY n.pinned DESC, n.id DESC";
  soci::statement st(s);
  st.exchange(soci::into(nid));
  by.into(st);
  st.exchange(soci::into(n.body));
  st.exchange(soci::into(pinned));
  st.exchange(soci::into(created));
  st.exchange(soci::into(updated));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(contact, "c"));
  if (id) st.exchange(soci::use(id, "id"));
  const bool found = execute_once(st, sql);
  std::vector<Note> out;
  if (found) {
    do {
      n.team_id = team_id;
      n.id = nid;
      n.contact_id = contact_id;
      n.author = by.read();
      n.pinned = pinned != 0;
      n.created_at = created;
      n.updated_at = updated;
      out.push_back(n);
    } while (st.fetch());
  }
  return out;
}

}  // namespace

Note NoteStore::add(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                    const std::string& body, bool pinned, const Actor& author) const {
  check_body(body);
  Note n;
  n.team_id = team_id;
  n.contact_id = contact_id;
  n.author.actor = author;
  n.body = body;
  n.pinned = pinned;
  n.created_at = n.updated_at = now_ms();
  long long team = team_id, contact = contact_id, id = 0;
  ActorColumns by(author);
  int pin = pinned;
  run_cached(s,
             "INSERT INTO contact_notes (team_id, contact_id, author_key_id, author_user_id, body, "
             "pinned, created_at, updated_at) "
             "VALUES (:t, :c, :a, :au, :b, :p, :cr, :u) RETURNING id",
             soci::use(team), soci::use(contact), soci::use(by.key_id, by.key_ind),
             soci::use(by.user_id, by.user_ind), soci::use(n.body), soci::use(pin),
             soci::use(n.created_at), soci::use(n.updated_at), soci::into(id));
  n = *get(s, team_id, contact_id, id);  // with the author's name
  Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
  entry.set("note_id", n.id);
  entry.set("excerpt", body.substr(0, 200));
  timeline_.add(s, team_id, contact_id, "note_added", json_text(entry), author);
  events_.append(s, {.team_id = team_id,
                     .type = "note.added",
                     .subject_type = "contact",
                     .subject_id = contact_id,
                     .payload_json = json_text(note_to_json(n))});
  return n;
}

std::optional<Note> NoteStore::get(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                                   std::int64_t id, bool for_update) const {
  auto rows = query(s, team_id, contact_id, id, for_update ? dialect_.for_update() : "");
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<Note> NoteStore::list(soci::session& s, std::int64_t team_id,
                                  std::int64_t contact_id) const {
  return query(s, team_id, contact_id, 0);
}

Note NoteStore::update(soci::session& s, const Note& note) const {
  check_body(note.body);
  Note n = note;
  n.updated_at = now_ms();
  long long team = n.team_id, id = n.id;
  int pin = n.pinned;
  run_cached(
      s,
      "UPDATE contact_notes SET body = :b, pinned = :p, updated_at = :u WHERE team_id = :t AND id "
      "= :id",
      soci::use(n.body), soci::use(pin), soci::use(n.updated_at), soci::use(team), soci::use(id));
  events_.append(s, {.team_id = n.team_id,
                     .type = "note.updated",
                     .subject_type = "contact",
                     .subject_id = n.contact_id,
                     .payload_json = json_text(note_to_json(n))});
  return n;
}

bool NoteStore::remove(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                       std::int64_t id) const {
  auto n = get(s, team_id, contact_id, id);
  if (!n) return false;
  long long team = team_id, nid = id;
  run_cached(s, "DELETE FROM contact_notes WHERE team_id = :t AND id = :id", soci::use(team),
             soci::use(nid));
  events_.append(s, {.team_id = team_id,
                     .type = "note.deleted",
                     .subject_type = "contact",
                     .subject_id = contact_id,
                     .payload_json = json_text(note_to_json(*n))});
  return true;
}

}  // namespace sb
