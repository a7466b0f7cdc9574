// users.password_hash, user_sessions and auth_links rows.
#include "store/sign_in_store.h"

#include <soci/soci.h>

#include "model/role.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr const char* kSessionColumns =
    "s.id, s.team_id, s.user_id, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, "
    "s.client_address, s.user_agent";

struct SessionRow {
  long long id = 0, team = 0, user = 0, created = 0, seen = 0, expires = 0;
  UserSession value;
  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(team));
    st.exchange(soci::into(user));
    st.exchange(soci::into(value.csrf_token));
    st.exchange(soci::into(created));
    st.exchange(soci::into(seen));
    st.exchange(soci::into(expires));
    st.exchange(soci::into(value.client_address));
    st.exchange(soci::into(value.user_agent));
  }
  UserSession get() {
    value.id = id;
    value.team_id = team;
    value.user_id = user;
    value.created_at = created;
    value.last_seen_at = seen;
    value.expires_at = expires;
    return value;
  }
};

}  // namespace

const char* link_kind_name(LinkKind kind) {
  switch (kind) {
    case LinkKind::kSetup:
      return "setup";
    case LinkKind::kInvite:
      return "invite";
    case LinkKind::kReset:
      return "reset";
  }
  return "reset";
}

std::vector<Credential> SignInStore::credentials(soci::session& s, const std::string& email) const {
  long long team = 0, id = 0;
  std::string role, hash;
  Credential c;
  soci::statement st(s);
  st.exchange(soci::into(team));
  st.exchange(soci::into(id));
  st.exchange(soci::into(c.user.name));
  st.exchange(soci::into(c.user.email));
  st.exchange(soci::into(role));
  st.exchange(soci::into(c.team_name));
  st.exchange(soci::into(hash));
  std::string e = email;
  st.exchange(soci::use(e, "e"));
  std::vector<Credential> out;
  bool more = execute_once(st,
                           "SELECT u.team_id, u.id, u.name, u.email, u.role, t.name, "
                           "u.password_hash FROM users u JOIN teams t ON t.id = u.team_id "
                           "WHERE u.email = :e AND u.active <> 0 AND u.password_hash IS NOT NULL "
                           "ORDER BY u.team_id");
  for (; more; more = st.fetch()) {
    c.user.team_id = team;
    c.user.id = id;
    c.user.role = parse_role(role).value_or(Role::kViewer);
    c.password_hash = hash;
    out.push_back(c);
  }
  return out;
}

void SignInStore::set_password(soci::session& s, std::int64_t team_id, std::int64_t user_id,
                               const std::string& hash) const {
  long long team = team_id, id = user_id;
  EpochMs now = now_ms();
  run_cached(s,
             "UPDATE users SET password_hash = :h, updated_at = :u WHERE team_id = :t AND id = :i",
             soci::use(hash), soci::use(now), soci::use(team), soci::use(id));
}

std::vector<std::pair<std::int64_t, std::int64_t>> SignInStore::active_accounts(
    soci::session& s, const std::string& email) const {
  long long team = 0, id = 0;
  std::string e = email;
  soci::statement st(s);
  st.exchange(soci::into(team));
  st.exchange(soci::into(id));
  st.exchange(soci::use(e, "e"));
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  bool more = execute_once(
      st, "SELECT team_id, id FROM users WHERE email = :e AND active <> 0 ORDER BY team_id");
  for (; more; more = st.fetch()) out.emplace_back(team, id);
  return out;
}

bool SignInStore::anyone_can_sign_in(soci::session& s) const {
  int n = 0;
  run_cached(s,
             "SELECT COUNT(*) FROM (SELECT 1 FROM users WHERE password_hash IS NOT NULL LIMIT 1) x",
             soci::into(n));
  return n > 0;
}

UserSession SignInStore::create_session(soci::session& s, UserSession v,
                                        const std::string& token_hash) const {
  long long team = v.team_id, user = v.user_id, id = 0;
  run_cached(
      s,
      "INSERT INTO user_sessions (team_id, user_id, token_hash, csrf_token, created_at, "
      "last_seen_at, expires_at, client_address, user_agent) VALUES (:t, :u, :h, :c, :cr, :ls, "
      ":ex, :a, :ua) RETURNING id",
      soci::use(team), soci::use(user), soci::use(token_hash), soci::use(v.csrf_token),
      soci::use(v.created_at), soci::use(v.last_seen_at), soci::use(v.expires_at),
      soci::use(v.client_address), soci::use(v.user_agent), soci::into(id));
  v.id = id;
  return v;
}

std::optional<ActiveSession> SignInStore::find_session(soci::session& s,
                                                       const std::string& token_hash, EpochMs now,
                                                       EpochMs idle_ms) const {
  SessionRow row;
  std::string role;
  ActiveSession out;
  soci::statement st(s);
  row.bind(st);
  st.exchange(soci::into(role));
  st.exchange(soci::into(out.principal.user_name));
  st.exchange(soci::into(out.principal.user_email));
  st.exchange(soci::into(out.principal.team_name));
  std::string h = token_hash;
  long long at = now, seen_after = now - idle_ms;
  st.exchange(soci::use(h, "h"));
  st.exchange(soci::use(at, "now"));
  st.exchange(soci::use(seen_after, "seen"));
  bool found = execute_once(
      st, std::string("SELECT ") + kSessionColumns +
              ", u.role, u.name, u.email, t.name FROM user_sessions s JOIN users u ON u.team_id "
              "= s.team_id AND u.id = s.user_id JOIN teams t ON t.id = s.team_id WHERE "
              "s.token_hash = :h AND s.revoked_at IS NULL AND s.expires_at > :now AND "
              "s.last_seen_at > :seen AND u.active <> 0 AND u.password_hash IS NOT NULL");
  if (!found) return std::nullopt;
  out.session = row.get();
  Principal& p = out.principal;
  p.team_id = out.session.team_id;
  p.role = parse_role(role).value_or(Role::kViewer);
  p.user_id = out.session.user_id;
  p.session_id = out.session.id;
  return out;
}

void SignInStore::touch_session(soci::session& s, std::int64_t session_id, EpochMs now) const {
  long long id = session_id;
  run_cached(s, "UPDATE user_sessions SET last_seen_at = :n WHERE id = :i", soci::use(now),
             soci::use(id));
}

bool SignInStore::revoke_session(soci::session& s, std::int64_t team_id, std::int64_t user_id,
                                 std::int64_t session_id, EpochMs now) const {
  long long team = team_id, user = user_id, id = session_id;
  soci::statement st = (s.prepare << "UPDATE user_sessions SET revoked_at = :n WHERE team_id = :t "
                                     "AND user_id = :u AND id = :i AND revoked_at IS NULL",
                        soci::use(now), soci::use(team), soci::use(user), soci::use(id));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

int SignInStore::revoke_sessions(soci::session& s, std::int64_t team_id, std::int64_t user_id,
                                 EpochMs now) const {
  long long team = team_id, user = user_id;
  soci::statement st = (s.prepare << "UPDATE user_sessions SET revoked_at = :n WHERE team_id = :t "
                                     "AND user_id = :u AND revoked_at IS NULL",
                        soci::use(now), soci::use(team), soci::use(user));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

std::vector<UserSession> SignInStore::sessions(soci::session& s, std::int64_t team_id,
                                               std::int64_t user_id, EpochMs now,
                                               EpochMs idle_ms) const {
  SessionRow row;
  soci::statement st(s);
  row.bind(st);
  long long team = team_id, user = user_id, at = now, seen_after = now - idle_ms;
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(user, "u"));
  st.exchange(soci::use(at, "now"));
  st.exchange(soci::use(seen_after, "seen"));
  std::vector<UserSession> out;
  bool more = execute_once(st, std::string("SELECT ") + kSessionColumns +
                                   " FROM user_sessions s WHERE s.team_id = :t AND s.user_id = "
                                   ":u AND s.revoked_at IS NULL AND s.expires_at > :now AND "
                                   "s.last_seen_at > :seen ORDER BY s.id DESC LIMIT 100");
  for (; more; more = st.fetch()) out.push_back(row.get());
  return out;
}

AuthLink SignInStore::create_link(soci::session& s, AuthLink link,
                                  const std::string& token_hash) const {
  long long team = link.team_id, user = link.user_id.value_or(0), id = 0;
  soci::indicator user_ind = link.user_id ? soci::i_ok : soci::i_null;
  std::string kind = link_kind_name(link.kind);
  EpochMs now = now_ms();
  // Earlier links of the same purpose stop working: only the newest one sent counts.
  if (link.user_id) {
    run_cached(
        s,
        "UPDATE auth_links SET used_at = :n WHERE team_id = :t AND user_id = :u AND kind = :k "
        "AND used_at IS NULL",
        soci::use(now), soci::use(team), soci::use(user), soci::use(kind));
  } else {
    run_cached(
        s,
        "UPDATE auth_links SET used_at = :n WHERE team_id = :t AND user_id IS NULL AND kind = "
        ":k AND used_at IS NULL",
        soci::use(now), soci::use(team), soci::use(kind));
  }
  run_cached(s,
             "INSERT INTO auth_links (team_id, user_id, kind, token_hash, created_at, expires_at) "
             "VALUES (:t, :u, :k, :h, :c, :e) RETURNING id",
             soci::use(team), soci::use(user, user_ind), soci::use(kind), soci::use(token_hash),
             soci::use(now), soci::use(link.expires_at), soci::into(id));
  link.id = id;
  return link;
}

std::optional<AuthLink> SignInStore::use_link(soci::session& s, const std::string& token_hash,
                                              LinkKind kind, EpochMs now) const {
  long long id = 0, team = 0, user = 0, expires = 0;
  soci::indicator user_ind = soci::i_null;
  std::string k = link_kind_name(kind);
  // The UPDATE decides: of two concurrent uses, only one changes the row.
  soci::statement st = (s.prepare << "UPDATE auth_links SET used_at = :n WHERE token_hash = :h "
                                     "AND kind = :k AND used_at IS NULL AND expires_at > :n2",
                        soci::use(now), soci::use(token_hash), soci::use(k), soci::use(now));
  st.execute(true);
  if (st.get_affected_rows() != 1) return std::nullopt;
  run_cached(s, "SELECT id, team_id, user_id, expires_at FROM auth_links WHERE token_hash = :h",
             soci::use(token_hash), soci::into(id), soci::into(team), soci::into(user, user_ind),
             soci::into(expires));
  AuthLink link;
  link.id = id;
  link.team_id = team;
  if (user_ind == soci::i_ok) link.user_id = user;
  link.kind = kind;
  link.expires_at = expires;
  return link;
}

}  // namespace sb
