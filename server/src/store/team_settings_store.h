// Per-team settings stored as JSON values; today the contact status list.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sb {

class Dialect;

class TeamSettingsStore {
 public:
  explicit TeamSettingsStore(const Dialect& dialect) : dialect_(dialect) {}

  // The team's contact statuses, or the defaults when it never set its own.
  std::vector<std::string> contact_statuses(soci::session& s, std::int64_t team_id) const;
  void set_contact_statuses(soci::session& s, std::int64_t team_id,
                            const std::vector<std::string>& statuses) const;

 private:
  const Dialect& dialect_;
};

}  // namespace sb
