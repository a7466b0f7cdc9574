// contact_files rows.
#include "store/file_store.h"
#include "store/statement.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include "model/contact_json.h"
#include "store/actor_columns.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

std::vector<ContactFile> query(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                               long long id) {
  long long team = team_id, contact = contact_id, fid = 0, size = 0, created = 0;
  ActorColumns by;
  ContactFile f;
  std::string sql = "SELECT f.id, f.name, f.content_type, f.size, f.sha256, " +
                    actor_select_sql("f", "uploaded_by_key_id", "uploaded_by_user_id") +
                    ", f.created_at FROM contact_files f "
                    "WHERE f.team_id = :t AND f.contact_id = :c";
  sql += id ? " AND f.id = :id" : " ORDER BY f.id DESC";
  soci::statement st(s);
  st.exchange(soci::into(fid));
  st.exchange(soci::into(f.name));
  st.exchange(soci::into(f.content_type));
  st.exchange(soci::into(size));
  st.exchange(soci::into(f.sha256));
  by.into(st);
  st.exchange(soci::into(created));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(contact, "c"));
  if (id) st.exchange(soci::use(id, "id"));
  const bool found = execute_once(st, sql);
  std::vector<ContactFile> out;
  if (found) {
    do {
      f.team_id = team_id;
      f.id = fid;
      f.contact_id = contact_id;
      f.size = size;
      f.uploaded_by = by.read();
      f.created_at = created;
      out.push_back(f);
    } while (st.fetch());
  }
  return out;
}

}  // namespace

ContactFile FileStore::add(soci::session& s, ContactFile f) const {
  f.created_at = now_ms();
  long long team = f.team_id, contact = f.contact_id, size = f.size, id = 0;
  ActorColumns by(f.uploaded_by.actor);
  run_cached(s,
             "INSERT INTO contact_files (team_id, contact_id, name, content_type, size, sha256, "
             "uploaded_by_key_id, uploaded_by_user_id, created_at) "
             "VALUES (:t, :c, :n, :ct, :sz, :h, :by, :byu, :cr) RETURNING id",
             soci::use(team), soci::use(contact), soci::use(f.name), soci::use(f.content_type),
             soci::use(size), soci::use(f.sha256), soci::use(by.key_id, by.key_ind),
             soci::use(by.user_id, by.user_ind), soci::use(f.created_at), soci::into(id));
  f.id = id;
  timeline_.add(s, f.team_id, f.contact_id, "file_added", json_text(file_to_json(f)),
                f.uploaded_by.actor);
  events_.append(s, {.team_id = f.team_id,
                     .type = "file.added",
                     .subject_type = "contact",
                     .subject_id = f.contact_id,
                     .payload_json = json_text(file_to_json(f))});
  return get(s, f.team_id, f.contact_id, f.id).value_or(f);  // with the uploader's name
}

std::optional<ContactFile> FileStore::get(soci::session& s, std::int64_t team_id,
                                          std::int64_t contact_id, std::int64_t id) const {
  auto rows = query(s, team_id, contact_id, id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<ContactFile> FileStore::list(soci::session& s, std::int64_t team_id,
                                         std::int64_t contact_id) const {
  return query(s, team_id, contact_id, 0);
}

bool FileStore::remove(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                       std::int64_t id) const {
  auto f = get(s, team_id, contact_id, id);
  if (!f) return false;
  long long team = team_id, fid = id;
  run_cached(s, "DELETE FROM contact_files WHERE team_id = :t AND id = :id", soci::use(team),
             soci::use(fid));
  events_.append(s, {.team_id = team_id,
                     .type = "file.deleted",
                     .subject_type = "contact",
                     .subject_id = contact_id,
                     .payload_json = json_text(file_to_json(*f))});
  return true;
}

}  // namespace sb
