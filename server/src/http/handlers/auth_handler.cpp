// /v1/auth/...: people sign in (password, setup, invite and reset links), their session
// and its CSRF token, sign out, and the sessions they (or an admin) can end.
#include <Poco/Net/HTTPServerRequest.h>

#include "http/routes.h"
#include "http/session_cookie.h"
#include "model/clock.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

auth::Client client_of(const Request& req) {
  return {.address = req.client_address,
          .user_agent = req.header("User-Agent"),
          .request_id = req.request_id};
}

Poco::JSON::Object session_json(const ActiveSession& a, EpochMs idle_ms) {
  const Principal& p = a.principal;
  Poco::JSON::Object user(Poco::JSON_PRESERVE_KEY_ORDER);
  user.set("id", *p.user_id);
  user.set("name", p.user_name);
  user.set("email", p.user_email);
  Poco::JSON::Object team(Poco::JSON_PRESERVE_KEY_ORDER);
  team.set("id", p.team_id);
  team.set("name", p.team_name);
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("user", user);
  o.set("team", team);
  o.set("role", std::string(role_name(p.role)));
  o.set("csrf_token", a.session.csrf_token);
  o.set("session_id", a.session.id);
  o.set("expires_at", format_iso8601(a.session.expires_at));
  o.set("idle_expires_at", format_iso8601(a.session.last_seen_at + idle_ms));
  return o;
}

EpochMs idle_ms(ApiServices& sv) {
  return static_cast<EpochMs>(sv.sign_in.options().idle.count());
}

// The new session as the body, its token as the cookie.
Response signed_in(ApiServices& sv, const Request& req, const auth::NewSession& s, int status) {
  Response r = Response::json(status, session_json(s.active, idle_ms(sv)));
  const long long max_age = sv.sign_in.options().absolute.count() / 1000;
  r.headers.emplace_back("Set-Cookie", session_set_cookie(s.token, max_age, req.secure));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// Session routes speak of the caller's own session: an API key has none.
const Principal& session_principal(const Request& req) {
  const Principal& p = req.auth();
  if (!p.user_id) {
    throw Error(ErrorCode::kNotFound,
                "no session: this request was authenticated with an API key, not signed in");
  }
  return p;
}

std::string own_origin(const Request& req) {
  return std::string(req.secure ? "https://" : "http://") + req.http->getHost();
}

Response login(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  std::string email = f.required_string("email", 254);
  std::string password = f.required_string("password", 1024);
  auto team_id = f.optional_int("team_id", 1, INT64_MAX);
  f.reject_unknown();
  return signed_in(sv, req, sv.sign_in.login(email, password, team_id, client_of(req)), 200);
}

Response session(ApiServices& sv, Request& req) {
  const Principal& p = session_principal(req);
  auto found = sv.sign_in.sessions(p.team_id, *p.user_id);
  for (const UserSession& s : found) {
    if (s.id == p.session_id) return Response::json(200, session_json({s, p}, idle_ms(sv)));
  }
  throw Error(ErrorCode::kUnauthorized, "your session has ended: sign in again",
              {{"reason", std::string("session_ended")}});
}

Response logout(ApiServices& sv, Request& req) {
  sv.sign_in.logout(session_principal(req), client_of(req));
  Response r = Response::no_content();
  r.headers.emplace_back("Set-Cookie", session_clear_cookie(req.secure));
  return r;
}

Poco::JSON::Object session_row_json(const UserSession& s, std::int64_t current, EpochMs idle) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", s.id);
  o.set("current", s.id == current);
  o.set("created_at", format_iso8601(s.created_at));
  o.set("last_seen_at", format_iso8601(s.last_seen_at));
  o.set("expires_at", format_iso8601(std::min(s.expires_at, s.last_seen_at + idle)));
  o.set("client_address", s.client_address);
  o.set("user_agent", s.user_agent);
  return o;
}

Response session_list(ApiServices& sv, std::int64_t team, std::int64_t user, std::int64_t current) {
  Poco::JSON::Array data;
  for (const UserSession& s : sv.sign_in.sessions(team, user)) {
    data.add(session_row_json(s, current, idle_ms(sv)));
  }
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("data", data);
  return Response::json(200, o);
}

Response my_sessions(ApiServices& sv, Request& req) {
  const Principal& p = session_principal(req);
  return session_list(sv, p.team_id, *p.user_id, p.session_id);
}

Response end_my_session(ApiServices& sv, Request& req) {
  const Principal& p = session_principal(req);
  std::int64_t id = req.path_id("id");
  if (!sv.sign_in.end_session(p.team_id, *p.user_id, id)) throw Error::not_found("session", id);
  return Response::no_content();
}

std::int64_t team_user(ApiServices& sv, const Request& req) {
  std::int64_t id = req.path_id("id");
  auto u = sv.db.read([&](soci::session& s) { return sv.users.get(s, req.auth().team_id, id); });
  if (!u) throw Error::not_found("user", id);
  return id;
}

Response user_sessions(ApiServices& sv, Request& req) {
  std::int64_t user = team_user(sv, req);
  return session_list(sv, req.auth().team_id, user, req.auth().session_id);
}

Response end_user_sessions(ApiServices& sv, Request& req) {
  sv.sign_in.end_sessions(req.auth().team_id, team_user(sv, req));
  return Response::no_content();
}

// An admin invites a user (new, or one who never set a password, or again): the link is
// emailed when a relay is configured, and returned to the admin otherwise.
Response invite(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  const std::int64_t team = req.auth().team_id;
  auto u = sv.db.read([&](soci::session& s) { return sv.users.get(s, team, id); });
  if (!u) throw Error::not_found("user", id);
  require_owner_for(req, u->role);
  auth::IssuedLink link = sv.sign_in.invite_link(team, id);
  const std::string url =
      (sv.public_url.empty() ? own_origin(req) : sv.public_url) + "/app/invite#token=" + link.token;
  bool emailed = sv.sign_in.send_mail(
      u->email, "You are invited to Switchboard (" + req.auth().team_name + ")",
      "You have been invited to the team " + req.auth().team_name +
          " on Switchboard.\n\nChoose your password here (the link works once, for 7 days):\n" +
          url + "\n");
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("user_id", id);
  o.set("email", u->email);
  o.set("emailed", emailed);
  o.set("expires_at", format_iso8601(link.link.expires_at));
  // Only when nobody else can deliver it: the admin passes it on themself.
  if (!emailed) o.set("invite_url", url);
  return Response::json(200, o);
}

Response setup(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  std::string token = f.required_string("token", 200);
  std::string name = f.required_string("name", 200);
  std::string email = f.required_string("email", 254);
  std::string password = f.required_string("password", 1024);
  f.reject_unknown();
  return signed_in(sv, req, sv.sign_in.complete_setup(token, name, email, password, client_of(req)),
                   201);
}

Response accept_invite(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  std::string token = f.required_string("token", 200);
  auto name = f.optional_string("name", 200);
  std::string password = f.required_string("password", 1024);
  f.reject_unknown();
  return signed_in(sv, req, sv.sign_in.accept_invite(token, name, password, client_of(req)), 200);
}

Response reset_password(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  std::string token = f.required_string("token", 200);
  std::string password = f.required_string("password", 1024);
  f.reject_unknown();
  return signed_in(sv, req, sv.sign_in.reset_password(token, password, client_of(req)), 200);
}

// Always 202: whether the email belongs to anyone is not said to whoever asks.
Response request_reset(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  std::string email = f.required_string("email", 254);
  f.reject_unknown();
  // Never the Host header: a forged one would send the real link to another site.
  sv.sign_in.request_reset(email, sv.public_url.empty() ? sv.own_url : sv.public_url);
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("accepted", true);
  o.set("emailed", sv.sign_in.mail_configured());
  return Response::json(202, o);
}

}  // namespace

void add_auth_routes(Router& router, ApiServices& sv) {
  auto h = [&sv](Response (*fn)(ApiServices&, Request&)) {
    return [&sv, fn](Request& r) { return fn(sv, r); };
  };
  auto credential_route = [&](std::string pattern, Response (*fn)(ApiServices&, Request&)) {
    router.add(Route::post(std::move(pattern), Access::kSignIn, h(fn))
                   .json_body()
                   .body_limit(8 * 1024)
                   .answers_secret());
  };
  credential_route("/v1/auth/login", login);
  credential_route("/v1/auth/setup", setup);
  credential_route("/v1/auth/invite/accept", accept_invite);
  credential_route("/v1/auth/password-reset", reset_password);
  credential_route("/v1/auth/password-reset/request", request_reset);
  router.add(Route::get("/v1/auth/session", Role::kViewer, h(session)));
  router.add(Route::post("/v1/auth/logout", Role::kViewer, h(logout)));
  router.add(Route::get("/v1/auth/sessions", Role::kViewer, h(my_sessions)));
  router.add(Route::del("/v1/auth/sessions/{id}", Role::kViewer, h(end_my_session)));
  router.add(Route::get("/v1/users/{id}/sessions", Role::kAdmin, h(user_sessions)));
  router.add(Route::del("/v1/users/{id}/sessions", Role::kAdmin, h(end_user_sessions)));
  router.add(Route::post("/v1/users/{id}/invite", Role::kAdmin, h(invite)).answers_secret());
}

}  // namespace sb
