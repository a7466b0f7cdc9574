// An Actor stored as two nullable id columns (an API key's, a person's), bound for writes
// and read back with the actor's display name.
#pragma once

#include <soci/soci.h>

#include <string>
#include <string_view>

#include "model/actor.h"

namespace sb {

struct ActorColumns {
  long long key_id = 0, user_id = 0;
  soci::indicator key_ind = soci::i_null, user_ind = soci::i_null;
  std::string name;
  soci::indicator name_ind = soci::i_null;

  ActorColumns() = default;
  explicit ActorColumns(const Actor& a);
  // Binds the three read columns (key id, user id, name) of a SELECT, in that order.
  void into(soci::statement& st);
  ActorRef read() const;
};

// The select list for an actor's key id, user id and name: `alias`.`key_col`,
// `alias`.`user_col` and the person's name (else the key's) in the row's team.
std::string actor_select_sql(std::string_view alias, std::string_view key_col,
                             std::string_view user_col);

}  // namespace sb
