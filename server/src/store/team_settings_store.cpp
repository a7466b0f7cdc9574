// team_settings rows.
#include "store/team_settings_store.h"

#include <soci/soci.h>

#include "model/clock.h"
#include "model/contact.h"
#include "model/contact_json.h"
#include "store/dialect.h"
#include "store/statement_cache.h"

namespace sb {

std::vector<std::string> TeamSettingsStore::contact_statuses(soci::session& s,
                                                             std::int64_t team_id) const {
  std::string value;
  long long team = team_id;
  s << "SELECT value FROM team_settings WHERE team_id = :t AND key = 'contact_statuses'",
      soci::use(team), soci::into(value);
  if (!s.got_data()) return contact_enums::kDefaultStatuses;
  return parse_string_array(value);
}

void TeamSettingsStore::set_contact_statuses(soci::session& s, std::int64_t team_id,
                                             const std::vector<std::string>& statuses) const {
  std::string value = json_text(*string_array(statuses));
  long long team = team_id;
  EpochMs now = now_ms();
  run_cached(s,
             "INSERT INTO team_settings (team_id, key, value, updated_at) VALUES (:t, "
             "'contact_statuses', " +
                 dialect_.json_param("v") +
                 ", :now) ON CONFLICT (team_id, key) DO UPDATE SET value = excluded.value, "
                 "updated_at = excluded.updated_at",
             soci::use(team, "t"), soci::use(value, "v"), soci::use(now, "now"));
}

std::string TeamSettingsStore::get_json(soci::session& s, std::int64_t team_id,
                                        const std::string& key) const {
  std::string value;
  long long team = team_id;
  s << "SELECT value FROM team_settings WHERE team_id = :t AND key = :k", soci::use(team),
      soci::use(key), soci::into(value);
  return s.got_data() ? value : std::string();
}

void TeamSettingsStore::insert_json_if_absent(soci::session& s, std::int64_t team_id,
                                              const std::string& key,
                                              const std::string& json) const {
  long long team = team_id;
  EpochMs now = now_ms();
  run_cached(s,
             "INSERT INTO team_settings (team_id, key, value, updated_at) VALUES (:t, :k, " +
                 dialect_.json_param("v") + ", :now) ON CONFLICT (team_id, key) DO NOTHING",
             soci::use(team, "t"), soci::use(key, "k"), soci::use(json, "v"),
             soci::use(now, "now"));
}

void TeamSettingsStore::set_json(soci::session& s, std::int64_t team_id, const std::string& key,
                                 const std::string& json) const {
  long long team = team_id;
  EpochMs now = now_ms();
  run_cached(s,
             "INSERT INTO team_settings (team_id, key, value, updated_at) VALUES (:t, :k, " +
                 dialect_.json_param("v") +
                 ", :now) ON CONFLICT (team_id, key) DO UPDATE SET value = excluded.value, "
                 "updated_at = excluded.updated_at",
             soci::use(team, "t"), soci::use(key, "k"), soci::use(json, "v"),
             soci::use(now, "now"));
}

}  // namespace sb
