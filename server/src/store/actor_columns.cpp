// Actor id columns and the name lookup beside them.
#include "store/actor_columns.h"

namespace sb {

ActorColumns::ActorColumns(const Actor& a) {
  if (a.key_id) key_id = *a.key_id, key_ind = soci::i_ok;
  if (a.user_id) user_id = *a.user_id, user_ind = soci::i_ok;
}

void ActorColumns::into(soci::statement& st) {
  st.exchange(soci::into(key_id, key_ind));
  st.exchange(soci::into(user_id, user_ind));
  st.exchange(soci::into(name, name_ind));
}

ActorRef ActorColumns::read() const {
  ActorRef r;
  if (key_ind == soci::i_ok) r.actor.key_id = key_id;
  if (user_ind == soci::i_ok) r.actor.user_id = user_id;
  if (name_ind == soci::i_ok) r.name = name;
  return r;
}

std::string actor_select_sql(std::string_view alias, std::string_view key_col,
                             std::string_view user_col) {
  const std::string a(alias), key = a + "." + std::string(key_col),
                              user = a + "." + std::string(user_col);
  // Scalar subqueries rather than joins: the row may be read FOR UPDATE, which PostgreSQL
  // refuses on the nullable side of an outer join.
  return key + ", " + user + ", COALESCE((SELECT u.name FROM users u WHERE u.team_id = " + a +
         ".team_id AND u.id = " + user +
         "), (SELECT k.name FROM api_keys k WHERE k.team_id = " + a + ".team_id AND k.id = " + key +
         "))";
}

}  // namespace sb
