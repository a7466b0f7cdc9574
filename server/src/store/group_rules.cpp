// Member checks of user groups.
#include "store/group_rules.h"

#include <Poco/JSON/Parser.h>

#include "model/crm_schemas.h"

namespace sb {

void GroupHooks::before_write(soci::session& s, const Record*, Record& after,
                              std::vector<int>& changed, const WriteContext&) const {
  const EntitySchema& schema = crm::user_group();
  if (!was_changed(changed, schema, "members")) return;
  Poco::JSON::Parser parser;
  auto members =
      parser.parse(after.text_or(schema, "members", "[]")).extract<Poco::JSON::Array::Ptr>();
  for (std::size_t i = 0; i < members->size(); ++i) {
    users_.require_active(s, after.team_id, members->getElement<std::int64_t>(i),
                          "members[" + std::to_string(i) + "]");
  }
}

}  // namespace sb
