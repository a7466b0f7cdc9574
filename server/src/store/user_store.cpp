// users rows.
#include "store/user_store.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/error.h"
#include "store/sql_errors.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

void check(User& u) {
  u.name = require_text("name", u.name, 200);
  u.email = normalize_email("email", u.email);
}

std::vector<User> query(soci::session& s, std::int64_t team_id, const std::string& where,
                        long long a, int limit, std::string_view lock = "") {
  long long team = team_id, id = 0, created = 0, updated = 0;
  int active = 0, can_sign_in = 0;
  std::string role;
  User u;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(u.name));
  st.exchange(soci::into(u.email));
  st.exchange(soci::into(role));
  st.exchange(soci::into(active));
  st.exchange(soci::into(can_sign_in));
  st.exchange(soci::into(created));
  st.exchange(soci::into(updated));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(a, "a"));
  st.exchange(soci::use(limit, "l"));
  std::vector<User> out;
  bool more = execute_once(st,
                           "SELECT id, name, email, role, active, CASE WHEN password_hash IS NULL "
                           "THEN 0 ELSE 1 END, created_at, updated_at FROM "
                           "users WHERE team_id = :t AND " +
                               where + " ORDER BY id LIMIT :l" + std::string(lock));
  for (; more; more = st.fetch()) {
    u.team_id = team_id;
    u.id = id;
    u.role = parse_role(role).value_or(Role::kViewer);
    u.active = active != 0;
    u.can_sign_in = can_sign_in != 0;
    u.created_at = created;
    u.updated_at = updated;
    out.push_back(u);
  }
  return out;
}

}  // namespace

User UserStore::create(soci::session& s, User u) const {
  check(u);
  u.created_at = u.updated_at = now_ms();
  long long team = u.team_id, id = 0;
  std::string role(role_name(u.role));
  int active = u.active;
  try {
    run_cached(s,
               "INSERT INTO users (team_id, name, email, role, active, created_at, updated_at) "
               "VALUES (:t, :n, :e, :r, :a, :c, :u) RETURNING id",
               soci::use(team), soci::use(u.name), soci::use(u.email), soci::use(role),
               soci::use(active), soci::use(u.created_at), soci::use(u.updated_at), soci::into(id));
  } catch (const soci::soci_error& e) {
    if (is_unique_violation(e))
      throw Error(ErrorCode::kConflict, "a user with this email exists",
                  {{"field", std::string("email")}});
    throw;
  }
  u.id = id;
  events_.append(s, {.team_id = u.team_id,
                     .type = "user.created",
                     .subject_type = "user",
                     .subject_id = u.id,
                     .payload_json = json_text(user_to_json(u))});
  return u;
}

User UserStore::update(soci::session& s, const User& in) const {
  User u = in;
  check(u);
  u.updated_at = now_ms();
  long long team = u.team_id, id = u.id;
  std::string role(role_name(u.role));
  int active = u.active;
  try {
    run_cached(
        s,
        "UPDATE users SET name = :n, email = :e, role = :r, active = :a, updated_at = :u WHERE "
        "team_id = :t AND id = :id",
        soci::use(u.name), soci::use(u.email), soci::use(role), soci::use(active),
        soci::use(u.updated_at), soci::use(team), soci::use(id));
  } catch (const soci::soci_error& e) {
    if (is_unique_violation(e))
      throw Error(ErrorCode::kConflict, "a user with this email exists",
                  {{"field", std::string("email")}});
    throw;
  }
  events_.append(s, {.team_id = u.team_id,
                     .type = "user.updated",
                     .subject_type = "user",
                     .subject_id = u.id,
                     .payload_json = json_text(user_to_json(u))});
  return u;
}

std::optional<User> UserStore::get(soci::session& s, std::int64_t team_id, std::int64_t id,
                                   bool for_update) const {
  auto rows = query(s, team_id, "id = :a", id, 1, for_update ? dialect_.for_update() : "");
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<User> UserStore::list(soci::session& s, std::int64_t team_id, std::int64_t after_id,
                                  int limit) const {
  return query(s, team_id, "id > :a", after_id, limit);
}

std::vector<std::int64_t> UserStore::active_ids(soci::session& s, std::int64_t team_id,
                                                const std::vector<std::int64_t>& ids) const {
  std::vector<std::int64_t> out;
  if (ids.empty()) return out;
  // A group lists at most a few hundred users: inline integers, not a parameter per id
  // (they are int64 values, never text, so nothing reaches the SQL unparsed).
  std::string list;
  for (std::int64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  long long team = team_id;
  long long id = 0;
  soci::statement st =
      (s.prepare << "SELECT id FROM users WHERE team_id = :t AND active <> 0 AND id IN (" + list +
                        ") ORDER BY id",
       soci::use(team), soci::into(id));
  st.execute();
  while (st.fetch()) out.push_back(id);
  return out;
}

void UserStore::require_active(soci::session& s, std::int64_t team_id, std::int64_t id,
                               const std::string& field) const {
  auto u = get(s, team_id, id);
  if (!u || !u->active) throw Error::validation(field, "no active user with this id in the team");
}

}  // namespace sb
