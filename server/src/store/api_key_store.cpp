// API key issue, lookup and revocation.
#include "store/api_key_store.h"
#include "store/statement.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>
#include <sys/random.h>

#include <sstream>

#include "model/error.h"
#include "model/hash.h"
#include "store/sql_errors.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr std::size_t kSecretChars = 40;  // 40 * log2(62) ~= 238 bits
constexpr std::size_t kPrefixChars = 10;  // "sb_" + 7: recognisable, useless to an attacker

std::string key_event_payload(const ApiKey& key) {
  Poco::JSON::Object o;
  o.set("id", key.id);
  o.set("name", key.name);
  o.set("role", std::string(role_name(key.role)));
  o.set("prefix", key.prefix);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string select_keys(std::string_view where) {
  std::string sql =
      "SELECT team_id, id, name, role, prefix, created_at, revoked_at, agent_id FROM api_keys ";
  sql.append(where);
  return sql;
}

// One row of kSelectKey, bound once per statement.
struct KeyRow {
  long long team_id = 0, id = 0, created_at = 0, revoked_at = 0, agent_id = 0;
  std::string name, role, prefix;
  soci::indicator revoked_ind = soci::i_null, agent_ind = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(team_id));
    st.exchange(soci::into(id));
    st.exchange(soci::into(name));
    st.exchange(soci::into(role));
    st.exchange(soci::into(prefix));
    st.exchange(soci::into(created_at));
    st.exchange(soci::into(revoked_at, revoked_ind));
    st.exchange(soci::into(agent_id, agent_ind));
  }
  ApiKey value() const {
    ApiKey k;
    k.team_id = team_id;
    k.id = id;
    k.name = name;
    k.role = parse_key_role(role).value_or(Role::kViewer);
    k.prefix = prefix;
    k.created_at = created_at;
    if (revoked_ind == soci::i_ok) k.revoked_at = revoked_at;
    if (agent_ind == soci::i_ok) k.agent_id = agent_id;
    return k;
  }
};

}  // namespace

std::string ApiKeyStore::generate_secret() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out = "sb_";
  unsigned char buf[64];
  while (out.size() < 3 + kSecretChars) {
    if (getrandom(buf, sizeof buf, 0) != static_cast<ssize_t>(sizeof buf)) {
      throw Error(ErrorCode::kInternal, "cannot read random bytes");
    }
    for (unsigned char b : buf) {
      if (b >= 248) continue;  // rejection keeps the 62 symbols equally likely
      out.push_back(kAlphabet[b % 62]);
      if (out.size() == 3 + kSecretChars) break;
    }
  }
  return out;
}

std::string ApiKeyStore::hash_secret(std::string_view secret) {
  return sha256_hex(secret);
}

bool ApiKeyStore::well_formed(std::string_view secret) {
  if (secret.size() < 23 || secret.size() > 203 || secret.substr(0, 3) != "sb_") return false;
  for (char c : secret.substr(3)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

IssuedKey ApiKeyStore::issue(soci::session& s, std::int64_t team_id, std::string_view name,
                             Role role, std::optional<std::string> secret,
                             std::optional<std::int64_t> agent_id) const {
  IssuedKey out;
  out.secret = secret ? *secret : generate_secret();
  if (!well_formed(out.secret)) {
    throw Error::validation("key", "must be sb_ followed by 20 to 200 letters, digits, _ or -");
  }
  ApiKey& k = out.key;
  k.team_id = team_id;
  k.name = std::string(name);
  k.role = role;
  k.agent_id = agent_id;
  k.prefix = out.secret.substr(0, kPrefixChars);
  k.created_at = now_ms();
  std::string hash = hash_secret(out.secret);
  std::string role_str(role_name(role));
  long long team = team_id, id = 0, agent = agent_id.value_or(0);
  soci::indicator agent_ind = agent_id ? soci::i_ok : soci::i_null;
  try {
    run_cached(s,
               "INSERT INTO api_keys (team_id, name, role, key_hash, prefix, created_at, agent_id) "
               "VALUES (:t, :n, :r, :h, :p, :c, :a) RETURNING id",
               soci::use(team), soci::use(k.name), soci::use(role_str), soci::use(hash),
               soci::use(k.prefix), soci::use(k.created_at), soci::use(agent, agent_ind),
               soci::into(id));
  } catch (const soci::soci_error& e) {
    if (is_unique_violation(e)) throw Error(ErrorCode::kConflict, "this API key already exists");
    throw;
  }
  k.id = id;
  events_.append(s, {.team_id = team_id,
                     .type = "api_key.created",
                     .subject_type = "api_key",
                     .subject_id = k.id,
                     .payload_json = key_event_payload(k)});
  return out;
}

std::optional<Principal> ApiKeyStore::authenticate(soci::session& s,
                                                   std::string_view secret) const {
  if (!well_formed(secret)) return std::nullopt;
  return authenticate_hash(s, hash_secret(secret));
}

std::optional<Principal> ApiKeyStore::authenticate_hash(soci::session& s,
                                                        const std::string& hash) const {
  long long team_id = 0, id = 0, agent = 0;
  soci::indicator agent_ind = soci::i_null;
  std::string role;
  Principal p;
  s << "SELECT k.team_id, k.id, k.role, k.name, k.prefix, t.name, k.agent_id FROM api_keys k "
       "JOIN teams t ON t.id = k.team_id WHERE k.key_hash = :h AND k.revoked_at IS NULL",
      soci::use(hash), soci::into(team_id), soci::into(id), soci::into(role),
      soci::into(p.key_name), soci::into(p.key_prefix), soci::into(p.team_name),
      soci::into(agent, agent_ind);
  if (!s.got_data()) return std::nullopt;
  p.team_id = team_id;
  p.key_id = id;
  p.role = parse_key_role(role).value_or(Role::kViewer);
  if (agent_ind == soci::i_ok) p.agent_id = agent;
  return p;
}

std::optional<ApiKey> ApiKeyStore::get(soci::session& s, std::int64_t team_id,
                                       std::int64_t id) const {
  KeyRow row;
  long long team = team_id, key_id = id;
  soci::statement st(s);
  row.bind(st);
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(key_id, "id"));
  const bool found = execute_once(st, select_keys("WHERE team_id = :t AND id = :id"));
  if (!found) return std::nullopt;
  return row.value();
}

std::vector<ApiKey> ApiKeyStore::list(soci::session& s, std::int64_t team_id, std::int64_t after_id,
                                      int limit) const {
  KeyRow row;
  long long team = team_id, after = after_id;
  soci::statement st(s);
  row.bind(st);
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(after, "after"));
  st.exchange(soci::use(limit, "lim"));
  const bool found =
      execute_once(st, select_keys("WHERE team_id = :t AND id > :after ORDER BY id LIMIT :lim"));
  std::vector<ApiKey> out;
  if (found) {
    do {
      out.push_back(row.value());
    } while (st.fetch());
  }
  return out;
}

bool ApiKeyStore::revoke(soci::session& s, std::int64_t team_id, std::int64_t id) const {
  auto key = get(s, team_id, id);
  if (!key || key->revoked_at) return false;
  long long team = team_id, key_id = id;
  EpochMs now = now_ms();
  run_cached(
      s,
      "UPDATE api_keys SET revoked_at = :now WHERE team_id = :t AND id = :id AND revoked_at IS "
      "NULL",
      soci::use(now), soci::use(team), soci::use(key_id));
  key->revoked_at = now;
  events_.append(s, {.team_id = team_id,
                     .type = "api_key.revoked",
                     .subject_type = "api_key",
                     .subject_id = id,
                     .payload_json = key_event_payload(*key)});
  return true;
}

}  // namespace sb
