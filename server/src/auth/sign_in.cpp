// Sign-in, sessions and one-time links. Every secret is 256 random bits shown once and
// stored as its SHA-256 hash (like API keys: nothing to guess, one indexed lookup).
#include "auth/sign_in.h"

#include <soci/soci.h>

#include "auth/password.h"
#include "model/contact_rules.h"
#include "model/error.h"
#include "model/hash.h"
#include "store/database.h"

namespace sb::auth {
namespace {

constexpr EpochMs kTouchEveryMs = 60 * 1000;

EpochMs ms(std::chrono::milliseconds d) {
  return static_cast<EpochMs>(d.count());
}

std::string new_token(std::string_view prefix) {
  return std::string(prefix) + random_hex(32);
}

// The answer to every unusable link: unknown, used and expired look the same.
Error link_refused() {
  return Error::validation("token",
                           "this link is unknown, already used or expired; ask for a new one");
}

}  // namespace

SignIn::SignIn(Database& db, SignInOptions options)
    : db_(db),
      options_(std::move(options)),
      throttle_(options_.account_failures, options_.account_window),
      users_(db.dialect()),
      teams_(db.dialect()),
      audit_(db.dialect()) {}

void SignIn::audit(soci::session& s, std::int64_t team_id, std::int64_t user_id, std::string action,
                   const Client& client) {
  audit_.append(s, {.team_id = team_id,
                    .actor_type = "user",
                    .actor_id = std::to_string(user_id),
                    .action = std::move(action),
                    .subject_type = std::string("user"),
                    .subject_id = user_id,
                    .origin = client.address,
                    .request_id = client.request_id});
}

std::string SignIn::team_name_of(soci::session& s, std::int64_t team_id) const {
  auto team = teams_.get(s, team_id);
  return team ? team->name : std::string();
}

NewSession SignIn::open_session(soci::session& s, const User& user, const std::string& team_name,
                                const Client& client) {
  NewSession out;
  out.token = new_token("sbs_");
  EpochMs now = now_ms();
  UserSession v;
  v.team_id = user.team_id;
  v.user_id = user.id;
  v.csrf_token = random_hex(32);
  v.created_at = v.last_seen_at = now;
  v.expires_at = now + ms(options_.absolute);
  v.client_address = client.address.substr(0, 100);
  v.user_agent = client.user_agent.substr(0, 300);
  out.active.session = store_.create_session(s, v, sha256_hex(out.token));
  Principal& p = out.active.principal;
  p.team_id = user.team_id;
  p.role = user.role;
  p.team_name = team_name;
  p.user_id = user.id;
  p.session_id = out.active.session.id;
  p.user_name = user.name;
  p.user_email = user.email;
  return out;
}

NewSession SignIn::login(std::string_view email_in, std::string_view password,
                         std::optional<std::int64_t> team_id, const Client& client) {
  const Error refused(ErrorCode::kUnauthorized, "the email or the password is wrong");
  std::string email;
  try {
    email = normalize_email("email", email_in);
  } catch (const Error&) {
    verify_nothing(password);
    throw refused;
  }
  if (int wait = throttle_.retry_after(email); wait > 0) {
    throw Error(ErrorCode::kRateLimited,
                "too many failed sign-ins for this account; try again later or reset the password")
        .with_retry_after(wait);
  }
  auto candidates = db_.read([&](soci::session& s) { return store_.credentials(s, email); });
  if (team_id) {
    std::erase_if(candidates, [&](const Credential& c) { return c.user.team_id != *team_id; });
  }
  std::vector<Credential> matching;
  for (const Credential& c : candidates) {
    if (verify_password(c.password_hash, password)) matching.push_back(c);
  }
  if (candidates.empty()) verify_nothing(password);
  if (matching.empty()) {
    throttle_.failed(email);
    if (!candidates.empty()) {
      db_.write([&](soci::session& s) {
        for (const Credential& c : candidates)
          audit(s, c.user.team_id, c.user.id, "auth.login_failed", client);
      });
    }
    throw refused;
  }
  if (matching.size() > 1) {
    // Only someone who knows the password learns which teams it opens.
    std::string ids, names;
    for (const Credential& c : matching) {
      ids += (ids.empty() ? "" : ",") + std::to_string(c.user.team_id);
      names +=
          (names.empty() ? "" : ", ") + c.team_name + " (" + std::to_string(c.user.team_id) + ")";
    }
    throw Error(
        ErrorCode::kConflict,
        "this email and password open several teams: " + names + "; send team_id to choose one",
        {{"field", std::string("team_id")}, {"team_ids", ids}});
  }
  throttle_.succeeded(email);
  const Credential& c = matching.front();
  return db_.write([&](soci::session& s) {
    NewSession out = open_session(s, c.user, c.team_name, client);
    audit(s, c.user.team_id, c.user.id, "auth.login", client);
    return out;
  });
}

std::optional<ActiveSession> SignIn::resume(std::string_view token) {
  if (token.size() != 68 || token.substr(0, 4) != "sbs_") return std::nullopt;
  const std::string hash = sha256_hex(token);
  const EpochMs now = now_ms();
  auto found = db_.read(
      [&](soci::session& s) { return store_.find_session(s, hash, now, ms(options_.idle)); });
  if (found && now - found->session.last_seen_at > kTouchEveryMs) {
    // The idle clock restarts; one write a minute per session, not one per request.
    db_.write([&](soci::session& s) { store_.touch_session(s, found->session.id, now); });
  }
  return found;
}

void SignIn::logout(const Principal& p, const Client& client) {
  if (!p.user_id) return;
  db_.write([&](soci::session& s) {
    store_.revoke_session(s, p.team_id, *p.user_id, p.session_id, now_ms());
    audit(s, p.team_id, *p.user_id, "auth.logout", client);
  });
}

IssuedLink SignIn::issue_link(std::int64_t team_id, std::optional<std::int64_t> user_id,
                              LinkKind kind, std::chrono::milliseconds valid) {
  IssuedLink out;
  out.token = new_token("sbl_");
  AuthLink link;
  link.team_id = team_id;
  link.user_id = user_id;
  link.kind = kind;
  link.expires_at = now_ms() + ms(valid);
  out.link = db_.write([&](soci::session& s) {
    if (user_id) {
      auto u = users_.get(s, team_id, *user_id);
      if (!u) throw Error::not_found("user", *user_id);
      if (!u->active) {
        throw Error(ErrorCode::kConflict, "this user is disabled: enable them first",
                    {{"field", std::string("active")}});
      }
    }
    return store_.create_link(s, link, sha256_hex(out.token));
  });
  return out;
}

IssuedLink SignIn::setup_link(std::int64_t team_id) {
  return issue_link(team_id, std::nullopt, LinkKind::kSetup, options_.setup_valid);
}

IssuedLink SignIn::invite_link(std::int64_t team_id, std::int64_t user_id) {
  return issue_link(team_id, user_id, LinkKind::kInvite, options_.invite_valid);
}

IssuedLink SignIn::reset_link(std::int64_t team_id, std::int64_t user_id) {
  return issue_link(team_id, user_id, LinkKind::kReset, options_.reset_valid);
}

AuthLink SignIn::use_link(soci::session& s, std::string_view token, LinkKind kind) {
  if (token.size() != 68 || token.substr(0, 4) != "sbl_") throw link_refused();
  auto link = store_.use_link(s, sha256_hex(token), kind, now_ms());
  if (!link) throw link_refused();
  return *link;
}

NewSession SignIn::complete_setup(std::string_view token, const std::string& name,
                                  const std::string& email, std::string_view password,
                                  const Client& client) {
  check_password_rules("password", password);
  const std::string hash = hash_password(password);  // outside the write: it takes a while
  return db_.write([&](soci::session& s) {
    AuthLink link = use_link(s, token, LinkKind::kSetup);
    User u;
    u.team_id = link.team_id;
    u.name = name;
    u.email = email;
    u.role = Role::kOwner;
    User created = users_.create(s, u);
    store_.set_password(s, created.team_id, created.id, hash);
    const std::string team_name = team_name_of(s, link.team_id);
    NewSession out = open_session(s, created, team_name, client);
    audit(s, created.team_id, created.id, "auth.setup", client);
    return out;
  });
}

NewSession SignIn::accept_invite(std::string_view token, std::optional<std::string> name,
                                 std::string_view password, const Client& client) {
  check_password_rules("password", password);
  const std::string hash = hash_password(password);
  return db_.write([&](soci::session& s) {
    AuthLink link = use_link(s, token, LinkKind::kInvite);
    auto u = users_.get(s, link.team_id, *link.user_id, true);
    if (!u || !u->active) throw link_refused();
    if (name) {
      u->name = *name;
      *u = users_.update(s, *u);
    }
    store_.set_password(s, u->team_id, u->id, hash);
    const std::string team_name = team_name_of(s, link.team_id);
    NewSession out = open_session(s, *u, team_name, client);
    audit(s, u->team_id, u->id, "auth.invite_accepted", client);
    return out;
  });
}

NewSession SignIn::reset_password(std::string_view token, std::string_view password,
                                  const Client& client) {
  check_password_rules("password", password);
  const std::string hash = hash_password(password);
  NewSession out = db_.write([&](soci::session& s) {
    AuthLink link = use_link(s, token, LinkKind::kReset);
    auto u = users_.get(s, link.team_id, *link.user_id, true);
    if (!u || !u->active) throw link_refused();
    store_.set_password(s, u->team_id, u->id, hash);
    // Whoever knew the old password is signed out everywhere.
    store_.revoke_sessions(s, u->team_id, u->id, now_ms());
    const std::string team_name = team_name_of(s, link.team_id);
    NewSession fresh = open_session(s, *u, team_name, client);
    audit(s, u->team_id, u->id, "auth.password_reset", client);
    return fresh;
  });
  if (auto email = out.active.principal.user_email; !email.empty()) throttle_.succeeded(email);
  return out;
}

bool SignIn::send_mail(const std::string& to, const std::string& subject, const std::string& text) {
  return mail_configured() && options_.mail && options_.mail(to, subject, text);
}

void SignIn::request_reset(std::string_view email_in, const std::string& link_base) {
  if (!mail_configured()) return;
  std::string email;
  try {
    email = normalize_email("email", email_in);
  } catch (const Error&) {
    return;
  }
  auto accounts = db_.read([&](soci::session& s) { return store_.active_accounts(s, email); });
  for (const auto& [team_id, user_id] : accounts) {
    IssuedLink link = reset_link(team_id, user_id);
    send_mail(email, "Reset your Switchboard password",
              "Someone asked to reset the password of this Switchboard account.\n\n"
              "Set a new password here (the link works once, for one hour):\n" +
                  link_base + "/app/reset#token=" + link.token +
                  "\n\nIf it was not you, ignore this email: the password stays as it is.\n");
  }
}

std::vector<UserSession> SignIn::sessions(std::int64_t team_id, std::int64_t user_id) {
  return db_.read([&](soci::session& s) {
    return store_.sessions(s, team_id, user_id, now_ms(), ms(options_.idle));
  });
}

bool SignIn::end_session(std::int64_t team_id, std::int64_t user_id, std::int64_t session_id) {
  return db_.write([&](soci::session& s) {
    return store_.revoke_session(s, team_id, user_id, session_id, now_ms());
  });
}

int SignIn::end_sessions(std::int64_t team_id, std::int64_t user_id) {
  return db_.write(
      [&](soci::session& s) { return store_.revoke_sessions(s, team_id, user_id, now_ms()); });
}

bool SignIn::anyone_can_sign_in() {
  return db_.read([&](soci::session& s) { return store_.anyone_can_sign_in(s); });
}

}  // namespace sb::auth
