// People signing in: passwords, sessions and the one-time links that set a password
// (first-run setup, invites, resets). The one use case REST and the CLI both call.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "auth/login_throttle.h"
#include "store/audit_store.h"
#include "store/sign_in_store.h"
#include "store/team_store.h"
#include "store/user_store.h"

namespace sb {
class Database;
}

namespace sb::auth {

struct SignInOptions {
  std::chrono::milliseconds idle{std::chrono::hours(12)};
  std::chrono::milliseconds absolute{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds invite_valid{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds setup_valid{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds reset_valid{std::chrono::hours(1)};
  int account_failures = 5;  // per account, within account_window
  std::chrono::seconds account_window{std::chrono::minutes(15)};
  // Sends a link by email: (to, subject, text) -> sent; can_mail says whether a relay is
  // configured at all (otherwise an invite's link goes back to the admin who made it).
  std::function<bool(const std::string&, const std::string&, const std::string&)> mail;
  std::function<bool()> can_mail;
};

// Where a sign-in comes from: kept with the session (shown in its list) and audited.
struct Client {
  std::string address;
  std::string user_agent;
  std::string request_id;
};

struct NewSession {
  ActiveSession active;
  std::string token;  // the cookie's value; only its hash is stored
};

struct IssuedLink {
  AuthLink link;
  std::string token;  // goes into the link's URL fragment; only its hash is stored
};

class SignIn {
 public:
  SignIn(Database& db, SignInOptions options);

  const SignInOptions& options() const { return options_; }

  // 401 with the same message for an unknown email and a wrong password; 429 after too
  // many failures for the account; 409 listing the teams when the email and password open
  // several and `team_id` does not choose one.
  NewSession login(std::string_view email, std::string_view password,
                   std::optional<std::int64_t> team_id, const Client& client);
  // The live session of a cookie's token (its idle time restarts at most once a minute).
  std::optional<ActiveSession> resume(std::string_view token);
  void logout(const Principal& principal, const Client& client);

  // One-time links. setup: creates the team's owner; invite: an existing user without a
  // password (or one being re-invited) sets it; reset: sets a new one and ends sessions.
  IssuedLink setup_link(std::int64_t team_id);
  IssuedLink invite_link(std::int64_t team_id, std::int64_t user_id);
  IssuedLink reset_link(std::int64_t team_id, std::int64_t user_id);
  // Each use signs the person in with a fresh session. 410 when the link is unknown, used
  // or expired (the same answer for all three).
  NewSession complete_setup(std::string_view token, const std::string& name,
                            const std::string& email, std::string_view password,
                            const Client& client);
  NewSession accept_invite(std::string_view token, std::optional<std::string> name,
                           std::string_view password, const Client& client);
  NewSession reset_password(std::string_view token, std::string_view password,
                            const Client& client);
  // Emails a reset link to every active account with this email, when mail is set up.
  // Says nothing about whether the email exists.
  void request_reset(std::string_view email, const std::string& link_base);
  // Whether an admin's invite could be emailed (otherwise the link is returned to them).
  bool mail_configured() const { return options_.can_mail && options_.can_mail(); }
  bool send_mail(const std::string& to, const std::string& subject, const std::string& text);

  std::vector<UserSession> sessions(std::int64_t team_id, std::int64_t user_id);
  bool end_session(std::int64_t team_id, std::int64_t user_id, std::int64_t session_id);
  int end_sessions(std::int64_t team_id, std::int64_t user_id);
  // Whether someone can sign in already (the first-run setup link is printed until then).
  bool anyone_can_sign_in();

 private:
  NewSession open_session(soci::session& s, const User& user, const std::string& team_name,
                          const Client& client);
  IssuedLink issue_link(std::int64_t team_id, std::optional<std::int64_t> user_id, LinkKind kind,
                        std::chrono::milliseconds valid);
  AuthLink use_link(soci::session& s, std::string_view token, LinkKind kind);
  std::string team_name_of(soci::session& s, std::int64_t team_id) const;
  void audit(soci::session& s, std::int64_t team_id, std::int64_t user_id, std::string action,
             const Client& client);

  Database& db_;
  SignInOptions options_;
  LoginThrottle throttle_;
  SignInStore store_;
  UserStore users_;
  TeamStore teams_;
  AuditStore audit_;
};

}  // namespace sb::auth
