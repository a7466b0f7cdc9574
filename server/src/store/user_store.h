// Team members (users): the people contacts and, later, tickets are assigned to. Users are
// deactivated, never deleted, so past assignments keep their meaning.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"
#include "model/contact_attachments.h"
#include "model/role.h"
#include "store/event_store.h"

namespace soci {
class session;
}

namespace sb {

class UserStore {
 public:
  explicit UserStore(const Dialect& dialect) : dialect_(dialect), events_(dialect) {}

  // 409 when the email is taken in the team; 422 on an empty name or bad email.
  User create(soci::session& s, User user) const;
  User update(soci::session& s, const User& user) const;
  // `for_update`: the row stays locked until the transaction ends (If-Match, then change).
  std::optional<User> get(soci::session& s, std::int64_t team_id, std::int64_t id,
                          bool for_update = false) const;
  std::vector<User> list(soci::session& s, std::int64_t team_id, std::int64_t after_id,
                         int limit) const;
  // 422 naming `field` unless `id` is an active user of the team.
  // Of `ids`, those of active users of the team, ascending: one query for a whole group.
  std::vector<std::int64_t> active_ids(soci::session& s, std::int64_t team_id,
                                       const std::vector<std::int64_t>& ids) const;
  void require_active(soci::session& s, std::int64_t team_id, std::int64_t id,
                      const std::string& field) const;

 private:
  Dialect dialect_;
  EventStore events_;
};

}  // namespace sb
