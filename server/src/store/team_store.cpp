// Team rows and team provisioning.
#include "store/team_store.h"
#include "store/segment_store.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include <sstream>

#include "model/error.h"
#include "store/database.h"
#include "store/pipeline_rules.h"
#include "store/statement_cache.h"
#include "store/ticket_rules.h"

namespace sb {

Team TeamStore::create(soci::session& s, std::string_view name) const {
  if (name.empty() || name.size() > 200) {
    throw Error::validation("name", "must be 1 to 200 characters");
  }
  Team t;
  t.name = std::string(name);
  t.created_at = now_ms();
  long long id = 0;
  run_cached(s, "INSERT INTO teams (name, created_at) VALUES (:n, :c) RETURNING id",
             soci::use(t.name), soci::use(t.created_at), soci::into(id));
  t.id = id;
  create_default_pipeline(s, dialect_, t.id);
  create_default_sla_policy(s, dialect_, t.id);
  Poco::JSON::Object payload;
  payload.set("id", t.id);
  payload.set("name", t.name);
  std::ostringstream json;
  payload.stringify(json);
  events_.append(s, {.team_id = t.id,
                     .type = "team.created",
                     .subject_type = "team",
                     .subject_id = t.id,
                     .payload_json = json.str()});
  return t;
}

std::optional<Team> TeamStore::get(soci::session& s, std::int64_t id) const {
  Team t;
  long long team_id = id, created = 0;
  s << "SELECT name, created_at FROM teams WHERE id = :id", soci::use(team_id), soci::into(t.name),
      soci::into(created);
  if (!s.got_data()) return std::nullopt;
  t.id = id;
  t.created_at = created;
  return t;
}

std::int64_t TeamStore::count(soci::session& s) const {
  long long n = 0;
  run_cached(s, "SELECT COUNT(*) FROM teams", soci::into(n));
  return n;
}

std::vector<std::int64_t> TeamStore::ids(soci::session& s) const {
  std::vector<std::int64_t> out;
  long long id = 0;
  soci::statement st = (s.prepare << "SELECT id FROM teams ORDER BY id", soci::into(id));
  st.execute();
  while (st.fetch()) out.push_back(id);
  return out;
}

std::optional<ProvisionedTeam> provision_team(Database& db, std::string_view name,
                                              std::optional<std::string> owner_secret,
                                              bool only_if_empty) {
  TeamStore teams(db.dialect());
  ApiKeyStore keys(db.dialect());
  return db.write([&](soci::session& s) -> std::optional<ProvisionedTeam> {
    if (only_if_empty) {
      // Two processes starting together on one PostgreSQL must not both provision.
      if (db.backend() == Backend::kPostgresql) s << "LOCK TABLE teams IN EXCLUSIVE MODE";
      if (teams.count(s) > 0) return std::nullopt;
    }
    ProvisionedTeam out;
    out.team = teams.create(s, name);
    out.owner_key = keys.issue(s, out.team.id, "owner", Role::kOwner, std::move(owner_secret));
    SegmentStore(db.dialect()).ensure_builtin(s, out.team.id);
    return out;
  });
}

}  // namespace sb
