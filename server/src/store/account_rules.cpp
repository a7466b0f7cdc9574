// Account domain rules.
#include "store/account_rules.h"

#include <soci/soci.h>

#include "model/crm_schemas.h"
#include "model/error.h"
#include "store/statement_cache.h"

namespace sb {

void AccountHooks::before_write(soci::session& s, const Record*, Record& after, std::vector<int>&,
                                const WriteContext&) const {
  const auto& a = crm::account();
  if (after.is_null(a, "domain")) return;
  std::string domain = crm::normalize_domain("domain", after.text_or(a, "domain", ""));
  after.set(a, "domain", domain);
  long long team = after.team_id, id = after.id, existing = 0;
  s << "SELECT id FROM accounts WHERE team_id = :t AND domain = :d AND id <> :id", soci::use(team),
      soci::use(domain), soci::use(id), soci::into(existing);
  if (s.got_data())
    throw Error(
        ErrorCode::kConflict, "an account with this domain exists",
        {{"field", std::string("domain")}, {"existing_id", static_cast<std::int64_t>(existing)}});
}

void AccountHooks::before_remove(soci::session& s, const Record& r) const {
  long long team = r.team_id, id = r.id;
  run_cached(s,
             "UPDATE contacts SET account_id = NULL, version = version + 1 WHERE team_id = :t AND "
             "account_id = :id",
             soci::use(team), soci::use(id));
  run_cached(s, "UPDATE leads SET account_id = NULL WHERE team_id = :t AND account_id = :id",
             soci::use(team), soci::use(id));
}

}  // namespace sb
