// Teams (tenants) and their provisioning with a first owner key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/team.h"
#include "store/api_key_store.h"
#include "store/event_store.h"

namespace soci {
class session;
}

namespace sb {

class Database;

class TeamStore {
 public:
  explicit TeamStore(const Dialect& dialect) : dialect_(dialect), events_(dialect) {}

  // Inside a write transaction; appends team.created and creates the team's defaults (the
  // "Sales" pipeline, the "Standard" SLA policy). Throws Error(kValidationFailed) for
  // an empty or over-long name.
  Team create(soci::session& s, std::string_view name) const;
  std::optional<Team> get(soci::session& s, std::int64_t id) const;
  std::int64_t count(soci::session& s) const;
  std::vector<std::int64_t> ids(soci::session& s) const;  // ascending

 private:
  const Dialect& dialect_;
  EventStore events_;
};

struct ProvisionedTeam {
  Team team;
  IssuedKey owner_key;
};

// A new team and its first owner key in one transaction (CLI `team create`, first start,
// SB_BOOTSTRAP_API_KEY). With `only_if_empty`, does nothing and returns nullopt when any
// team exists, atomically with the check.
std::optional<ProvisionedTeam> provision_team(Database& db, std::string_view name,
                                              std::optional<std::string> owner_secret,
                                              bool only_if_empty);

}  // namespace sb
