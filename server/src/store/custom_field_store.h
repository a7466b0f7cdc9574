// Custom field definitions of a team.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/custom_field.h"
#include "store/event_store.h"

namespace soci {
class session;
}

namespace sb {

class CustomFieldStore {
 public:
  explicit CustomFieldStore(const Dialect& dialect) : dialect_(dialect), events_(dialect) {}

  std::vector<CustomField> list(soci::session& s, std::int64_t team_id) const;
  std::map<std::string, CustomField> by_key(soci::session& s, std::int64_t team_id) const;
  // `for_update`: the row stays locked until the transaction ends (If-Match, then change).
  std::optional<CustomField> get(soci::session& s, std::int64_t team_id, std::int64_t id,
                                 bool for_update = false) const;
  // Validates key, type, options; 409 when the key exists.
  CustomField create(soci::session& s, CustomField field) const;
  // Label, options, required, allow_for_ai; key and type are fixed once created.
  CustomField update(soci::session& s, const CustomField& field) const;
  // Removes the definition and the values it held on every contact of the team.
  bool remove(soci::session& s, std::int64_t team_id, std::int64_t id) const;

 private:
  const Dialect& dialect_;
  EventStore events_;
};

}  // namespace sb
