// Rows behind people signing in: users' password hashes, browser sessions and one-time
// links (setup, invite, reset). Secrets arrive already hashed; nothing here sees a token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/clock.h"
#include "model/contact_attachments.h"
#include "model/team.h"

namespace soci {
class session;
}

namespace sb {

struct UserSession {
  std::int64_t id = 0;
  std::int64_t team_id = 0;
  std::int64_t user_id = 0;
  std::string csrf_token;
  EpochMs created_at = 0;
  EpochMs last_seen_at = 0;
  EpochMs expires_at = 0;  // absolute expiry
  std::optional<EpochMs> revoked_at;
  std::string client_address;
  std::string user_agent;
};

// A session found by its token hash, with who it speaks for (an active user's current role).
struct ActiveSession {
  UserSession session;
  Principal principal;
};

// A user that may sign in with a password: the hash to check it against.
struct Credential {
  User user;
  std::string team_name;
  std::string password_hash;
};

enum class LinkKind { kSetup, kInvite, kReset };
const char* link_kind_name(LinkKind kind);

struct AuthLink {
  std::int64_t id = 0;
  std::int64_t team_id = 0;
  std::optional<std::int64_t> user_id;  // none for setup: it creates the owner
  LinkKind kind = LinkKind::kSetup;
  EpochMs expires_at = 0;
};

class SignInStore {
 public:
  // Active users with a password and this (normalised) email, in every team.
  std::vector<Credential> credentials(soci::session& s, const std::string& email) const;
  void set_password(soci::session& s, std::int64_t team_id, std::int64_t user_id,
                    const std::string& hash) const;
  // (team id, user id) of every active user with this (normalised) email, password or not.
  std::vector<std::pair<std::int64_t, std::int64_t>> active_accounts(
      soci::session& s, const std::string& email) const;
  // Whether any user of any team can sign in (has a password).
  bool anyone_can_sign_in(soci::session& s) const;

  UserSession create_session(soci::session& s, UserSession session,
                             const std::string& token_hash) const;
  // The session (not revoked, not past `now` absolutely, seen within `idle_ms`) of an
  // active user; its principal carries the user's role as it is now.
  std::optional<ActiveSession> find_session(soci::session& s, const std::string& token_hash,
                                            EpochMs now, EpochMs idle_ms) const;
  void touch_session(soci::session& s, std::int64_t session_id, EpochMs now) const;
  // False when the user has no such live session.
  bool revoke_session(soci::session& s, std::int64_t team_id, std::int64_t user_id,
                      std::int64_t session_id, EpochMs now) const;
  // Every live session of the user; returns how many were ended.
  int revoke_sessions(soci::session& s, std::int64_t team_id, std::int64_t user_id,
                      EpochMs now) const;
  // Live sessions of the user, newest first.
  std::vector<UserSession> sessions(soci::session& s, std::int64_t team_id, std::int64_t user_id,
                                    EpochMs now, EpochMs idle_ms) const;

  // A new link; earlier unused links of the same kind for the same user (or team, for
  // setup) stop working.
  AuthLink create_link(soci::session& s, AuthLink link, const std::string& token_hash) const;
  // Marks the link used and returns it, or nullopt when it is unknown, used, expired or of
  // another kind. Inside the write that acts on it, so a link works exactly once.
  std::optional<AuthLink> use_link(soci::session& s, const std::string& token_hash, LinkKind kind,
                                   EpochMs now) const;
};

}  // namespace sb
