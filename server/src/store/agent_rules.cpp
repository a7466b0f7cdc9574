// Agent rules.
#include "store/agent_rules.h"

#include <soci/soci.h>

#include <algorithm>

#include "model/contact.h"
#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "store/statement_cache.h"

namespace sb {

void AgentHooks::before_write(soci::session&, const Record*, Record& after, std::vector<int>&,
                              const WriteContext&) const {
  const auto& a = crm::agent();
  for (const std::string& p : parse_string_array(after.text_or(a, "platforms", "[]"))) {
    const auto& known = contact_enums::kPlatforms;
    if (std::find(known.begin(), known.end(), p) == known.end()) {
      throw Error::validation("platforms", "'" + p +
                                               "' is not a platform (web, whatsapp, telegram, "
                                               "facebook, zalo, other)");
    }
  }
  if (after.text_or(a, "visibility", "public") == "paid" && after.is_null(a, "paid_tag")) {
    throw Error::validation("paid_tag",
                            "is required for a paid agent: contacts with this tag are admitted");
  }
}

void AgentHooks::before_remove(soci::session& s, const Record& r) const {
  long long team = r.team_id, id = r.id, conversations = 0;
  run_cached(s, "SELECT COUNT(*) FROM conversations WHERE team_id = :t AND agent_id = :id",
             soci::use(team), soci::use(id), soci::into(conversations));
  if (conversations > 0) {
    throw Error(ErrorCode::kConflict,
                "the agent has " + std::to_string(conversations) +
                    " conversations; turn customer_tracking off instead of deleting it",
                {{"conversations", static_cast<std::int64_t>(conversations)}});
  }
  long long now = now_ms();
  run_cached(s,
             "UPDATE api_keys SET revoked_at = :now WHERE team_id = :t AND agent_id = :id AND "
             "revoked_at IS NULL",
             soci::use(now), soci::use(team), soci::use(id));
}

}  // namespace sb
