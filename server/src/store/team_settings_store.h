// Per-team settings stored as JSON values: the contact status list, capture settings.
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
  // Any other setting as JSON text ("" when the team never set it).
  std::string get_json(soci::session& s, std::int64_t team_id, const std::string& key) const;
  // Stores `json` only if the key has no value yet (concurrent first writers agree on one).
  void insert_json_if_absent(soci::session& s, std::int64_t team_id, const std::string& key,
                             const std::string& json) const;
  void set_json(soci::session& s, std::int64_t team_id, const std::string& key,
                const std::string& json) const;

 private:
  const Dialect& dialect_;
};

}  // namespace sb
