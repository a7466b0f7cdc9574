// People signing in over real HTTP: invites, the first-run setup link, password login with
// one answer for every failure, the session cookie, CSRF, expiry, sign-out, revocation,
// roles, throttling and tenant isolation, on both backends.
#include <soci/soci.h>

#include "api_fixture.h"
#include "auth/sign_in.h"
#include "model/clock.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class SignInTest : public ApiTest {
 protected:
  HttpResult login(const std::string& email, const std::string& password,
                   const std::map<std::string, std::string>& headers = {}) {
    std::map<std::string, std::string> h = headers;
    h["Content-Type"] = "application/json";
    return anonymous().send("POST", "/v1/auth/login",
                            "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", h);
  }
  HttpClient cookie_only(const std::string& token) const {
    HttpClient c(server_->port());
    c.set_session(token, "");
    return c;
  }
  std::string field(const HttpResult& r, const char* name) {
    auto e = r.json()->getObject("error");
    return e ? e->getObject("details")->optValue<std::string>(name, "") : "";
  }
};

TEST_P(SignInTest, AnInvitedPersonSetsAPasswordAndUsesTheApiWithTheirRole) {
  long long id =
      client()
          .post("/v1/users", R"({"name":"Rita","email":"Rita@Clinic.io","role":"agent"})")
          .json()
          ->getValue<long long>("id");
  EXPECT_FALSE(
      client().get("/v1/users/" + std::to_string(id)).json()->getValue<bool>("can_sign_in"));
  auto invite = client().post("/v1/users/" + std::to_string(id) + "/invite", "");
  ASSERT_EQ(invite.status, 200) << invite.body;
  EXPECT_FALSE(invite.json()->getValue<bool>("emailed")) << "no SMTP relay in this test";
  std::string url = invite.json()->getValue<std::string>("invite_url");
  ASSERT_NE(url.find("/app/invite#token=sbl_"), std::string::npos) << url;
  std::string token = url.substr(url.find("#token=") + 7);

  auto weak = anonymous().post("/v1/auth/invite/accept",
                               "{\"token\":\"" + token + "\",\"password\":\"short\"}");
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(field(weak, "field"), "password");
  auto accepted = anonymous().post(
      "/v1/auth/invite/accept", "{\"token\":\"" + token + "\",\"password\":\"" + kPassword + "\"}");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  const std::string cookie = accepted.headers["set-cookie"];
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Lax"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP: no Secure flag";
  EXPECT_EQ(accepted.json()->getValue<std::string>("role"), "agent");
  EXPECT_EQ(accepted.json()->getObject("user")->getValue<std::string>("email"), "rita@clinic.io");
  // The link worked once.
  auto again = anonymous().post("/v1/auth/invite/accept",
                                "{\"token\":\"" + token + "\",\"password\":\"" + kPassword + "\"}");
  EXPECT_EQ(again.status, 422) << again.body;

  HttpClient rita(server_->port());
  rita.set_session(session_token(accepted), accepted.json()->getValue<std::string>("csrf_token"));
  auto me = rita.get("/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_TRUE(me.json()->isNull("api_key"));
  EXPECT_EQ(me.json()->getObject("user")->getValue<long long>("id"), id);
  EXPECT_EQ(rita.post("/v1/contacts", R"({"name":"Walk-in"})").status, 201);
  EXPECT_EQ(rita.get("/v1/api-keys").status, 403) << "an agent is an agent, key or session";
  EXPECT_TRUE(
      client().get("/v1/users/" + std::to_string(id)).json()->getValue<bool>("can_sign_in"));
  // Password login works too, and the email is matched case-insensitively.
  auto again_login = login("RITA@clinic.io", kPassword);
  EXPECT_EQ(again_login.status, 200) << again_login.body;
  // Writes by the person are audited as the person.
  auto audit = client().get("/v1/audit?actor_type=user&actor_id=" + std::to_string(id));
  ASSERT_EQ(audit.status, 200) << audit.body;
  std::string actions;
  auto rows = audit.json()->getArray("data");
  for (std::size_t i = 0; i < rows->size(); ++i)
    actions += rows->getObject(i)->getValue<std::string>("action") + ";";
  EXPECT_NE(actions.find("POST /v1/contacts"), std::string::npos) << actions;
  EXPECT_NE(actions.find("auth.invite_accepted"), std::string::npos) << actions;
  EXPECT_NE(actions.find("auth.login"), std::string::npos) << actions;
}

TEST_P(SignInTest, UnknownEmailAndWrongPasswordGetTheSameAnswerAndAreThrottledPerAccount) {
  HttpClient owner = person("olga", "owner");
  (void)owner;
  auto unknown = login("nobody@people.io", kPassword);
  auto wrong = login("olga@people.io", "not the password");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  auto message = [](const HttpResult& r) {
    return r.json()->getObject("error")->getValue<std::string>("message");
  };
  EXPECT_EQ(message(unknown), message(wrong));
  EXPECT_EQ(unknown.json()->getObject("error")->getObject("details")->size(), 0u);
  // Four more failures lock the account (5 in the window), even for the right password.
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(login("olga@people.io", "guess " + std::to_string(i)).status, 401);
  auto locked = login("olga@people.io", kPassword);
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_FALSE(locked.headers["retry-after"].empty());
  // Another account is not locked by olga's.
  person("pablo", "viewer");
  EXPECT_EQ(login("pablo@people.io", kPassword).status, 200);
  // The failures are in the audit log of olga's team.
  auto audit = client().get("/v1/audit?actor_type=user&action=auth.login_failed");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_GE(audit.json()->getArray("data")->size(), 5u);
}

TEST_P(SignInTest, CookieWritesNeedTheCsrfTokenFromThisSiteAndBearerKeysIgnoreTheCookie) {
  HttpClient ana = person("ana", "admin");
  auto session = ana.get("/v1/auth/session");
  ASSERT_EQ(session.status, 200) << session.body;
  const std::string csrf = session.json()->getValue<std::string>("csrf_token");
  EXPECT_EQ(csrf.size(), 64u);
  auto accepted = login("ana@people.io", kPassword);
  const std::string token = session_token(accepted);
  ASSERT_FALSE(token.empty());
  const std::string fresh_csrf = accepted.json()->getValue<std::string>("csrf_token");
  HttpClient cookie = cookie_only(token);  // the cookie, as a browser sends it
  const std::map<std::string, std::string> json = {{"Content-Type", "application/json"}};
  auto with = [&](std::map<std::string, std::string> extra) {
    extra.insert(json.begin(), json.end());
    return cookie.send("POST", "/v1/contacts", R"({"name":"via cookie"})", extra);
  };
  auto no_token = with({});
  EXPECT_EQ(no_token.status, 403);
  EXPECT_EQ(field(no_token, "reason"), "csrf");
  EXPECT_EQ(with({{"X-CSRF-Token", csrf}}).status, 403) << "another session's token";
  auto cross_origin = with({{"X-CSRF-Token", fresh_csrf}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(cross_origin.status, 403);
  EXPECT_EQ(field(cross_origin, "reason"), "cross_site");
  EXPECT_EQ(with({{"X-CSRF-Token", fresh_csrf}, {"Sec-Fetch-Site", "cross-site"}}).status, 403);
  EXPECT_EQ(with({{"X-CSRF-Token", fresh_csrf}, {"Sec-Fetch-Site", "same-site"}}).status, 403);
  const std::string own = "http://127.0.0.1:" + std::to_string(server_->port());
  auto same =
      with({{"X-CSRF-Token", fresh_csrf}, {"Origin", own}, {"Sec-Fetch-Site", "same-origin"}});
  EXPECT_EQ(same.status, 201) << same.body;
  // Reads need no token.
  EXPECT_EQ(cookie.get("/v1/contacts").status, 200);
  // A Bearer key decides alone: a dead cookie next to it changes nothing, and no token is needed.
  auto keyed =
      client().send("POST", "/v1/contacts", R"({"name":"via key"})",
                    {{"Content-Type", "application/json"}, {"Cookie", "sb_session=sbs_dead"}});
  EXPECT_EQ(keyed.status, 201) << keyed.body;
  // Sign-in itself is refused from another site (login CSRF).
  EXPECT_EQ(login("ana@people.io", kPassword, {{"Origin", "https://evil.example"}}).status, 403);
}

TEST_P(SignInTest, SessionsEndOnLogoutIdlenessRevocationDisablingAndReset) {
  HttpClient ana = person("ana", "agent");
  long long ana_id = ana.get("/v1/me").json()->getObject("user")->getValue<long long>("id");
  auto second = login("ana@people.io", kPassword);
  HttpClient phone(server_->port());
  phone.set_session(session_token(second), second.json()->getValue<std::string>("csrf_token"));
  auto mine = ana.get("/v1/auth/sessions");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_EQ(mine.json()->getArray("data")->size(), 2u);

  // Sign-out ends this session only.
  auto out = phone.post("/v1/auth/logout", "");
  EXPECT_EQ(out.status, 204) << out.body;
  EXPECT_NE(out.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
  auto ended = phone.get("/v1/me");
  EXPECT_EQ(ended.status, 401);
  EXPECT_EQ(field(ended, "reason"), "session_ended");
  EXPECT_EQ(ana.get("/v1/me").status, 200);

  // Idle past SB_SESSION_IDLE_MINUTES: ended.
  server_->database().write([&](soci::session& s) {
    long long long_ago = now_ms() - 13LL * 3600 * 1000;
    s << "UPDATE user_sessions SET last_seen_at = :t WHERE user_id = :u", soci::use(long_ago),
        soci::use(ana_id);
  });
  EXPECT_EQ(ana.get("/v1/me").status, 401);

  // An admin ends every session of a user; disabling a user does the same.
  auto third = login("ana@people.io", kPassword);
  HttpClient again(server_->port());
  again.set_session(session_token(third), "");
  EXPECT_EQ(again.get("/v1/me").status, 200);
  EXPECT_EQ(client()
                .get("/v1/users/" + std::to_string(ana_id) + "/sessions")
                .json()
                ->getArray("data")
                ->size(),
            1u);
  EXPECT_EQ(client().del("/v1/users/" + std::to_string(ana_id) + "/sessions").status, 204);
  EXPECT_EQ(again.get("/v1/me").status, 401);
  auto fourth = login("ana@people.io", kPassword);
  again.set_session(session_token(fourth), "");
  EXPECT_EQ(client()
                .send("PATCH", "/v1/users/" + std::to_string(ana_id), R"({"active":false})",
                      {{"Content-Type", "application/json"}})
                .status,
            200);
  EXPECT_EQ(again.get("/v1/me").status, 401);
  EXPECT_EQ(login("ana@people.io", kPassword).status, 401) << "a disabled user cannot sign in";
  EXPECT_EQ(client()
                .send("PATCH", "/v1/users/" + std::to_string(ana_id), R"({"active":true})",
                      {{"Content-Type", "application/json"}})
                .status,
            200);
  EXPECT_EQ(again.get("/v1/me").status, 401) << "re-enabling does not revive old sessions";

  // A reset link (the CLI prints one) sets a new password and ends every other session.
  auto fifth = login("ana@people.io", kPassword);
  ASSERT_EQ(fifth.status, 200) << fifth.body;
  again.set_session(session_token(fifth), "");
  auth::SignIn sign_in(server_->database(), {});
  auth::IssuedLink reset = sign_in.reset_link(1, ana_id);
  auto done =
      anonymous().post("/v1/auth/password-reset",
                       "{\"token\":\"" + reset.token + "\",\"password\":\"a brand new password\"}");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(again.get("/v1/me").status, 401);
  EXPECT_EQ(login("ana@people.io", kPassword).status, 401);
  EXPECT_EQ(login("ana@people.io", "a brand new password").status, 200);
}

TEST_P(SignInTest, TheSetupLinkCreatesTheOwnerOnce) {
  auth::SignIn sign_in(server_->database(), {});
  EXPECT_FALSE(sign_in.anyone_can_sign_in());
  auth::IssuedLink first = sign_in.setup_link(1);
  auth::IssuedLink link = sign_in.setup_link(1);  // a restart prints a new one; the old one dies
  auto body = [](const std::string& token) {
    return "{\"token\":\"" + token +
           R"(","name":"Olivia","email":"olivia@clinic.io","password":"the owner's password"})";
  };
  EXPECT_EQ(anonymous().post("/v1/auth/setup", body(first.token)).status, 422);
  auto made = anonymous().post("/v1/auth/setup", body(link.token));
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.json()->getValue<std::string>("role"), "owner");
  EXPECT_FALSE(session_token(made).empty());
  EXPECT_TRUE(sign_in.anyone_can_sign_in());
  EXPECT_EQ(anonymous().post("/v1/auth/setup", body(link.token)).status, 422);
  auto unknown_field = anonymous().post("/v1/auth/setup", R"({"token":"x","role":"owner"})");
  EXPECT_EQ(unknown_field.status, 422);
}

TEST_P(SignInTest, AdminsCannotMakeOrInviteOwners) {
  HttpClient admin = person("adam", "admin");
  auto made =
      admin.post("/v1/users", R"({"name":"Sneaky","email":"me2@people.io","role":"owner"})");
  EXPECT_EQ(made.status, 403) << made.body;
  long long owner =
      client()
          .post("/v1/users", R"({"name":"Real","email":"real@people.io","role":"owner"})")
          .json()
          ->getValue<long long>("id");
  EXPECT_EQ(admin.post("/v1/users/" + std::to_string(owner) + "/invite", "").status, 403);
  EXPECT_EQ(admin
                .send("PATCH", "/v1/users/" + std::to_string(owner), R"({"email":"me3@people.io"})",
                      {{"Content-Type", "application/json"}})
                .status,
            403);
  long long agent = client()
                        .post("/v1/users", R"({"name":"Al","email":"al@people.io","role":"agent"})")
                        .json()
                        ->getValue<long long>("id");
  EXPECT_EQ(admin
                .send("PATCH", "/v1/users/" + std::to_string(agent), R"({"role":"owner"})",
                      {{"Content-Type", "application/json"}})
                .status,
            403);
  EXPECT_EQ(admin.post("/v1/users/" + std::to_string(agent) + "/invite", "").status, 200);
}

TEST_P(SignInTest, APersonNeverReachesAnotherTeam) {
  long long contact =
      client().post("/v1/contacts", R"({"name":"A's customer"})").json()->getValue<long long>("id");
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  HttpClient bella = person("bella", "owner", b_team->owner_key.secret);
  EXPECT_EQ(bella.get("/v1/contacts/" + std::to_string(contact)).status, 404);
  EXPECT_EQ(bella.get("/v1/contacts").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(bella.get("/v1/auth/session").json()->getObject("team")->getValue<long long>("id"),
            b_team->team.id);
  // Team A's admin cannot see or end team B's sessions, nor invite team B's users.
  long long bella_id = bella.get("/v1/me").json()->getObject("user")->getValue<long long>("id");
  EXPECT_EQ(client().get("/v1/users/" + std::to_string(bella_id) + "/sessions").status, 404);
  EXPECT_EQ(client().del("/v1/users/" + std::to_string(bella_id) + "/sessions").status, 404);
  EXPECT_EQ(client().post("/v1/users/" + std::to_string(bella_id) + "/invite", "").status, 404);
  EXPECT_EQ(bella.get("/v1/me").status, 200);
  // The same email in two teams with the same password: login asks which team.
  client().post("/v1/users", R"({"name":"Bella A","email":"bella@people.io","role":"viewer"})");
  auto users = client().get("/v1/users").json()->getArray("data");
  long long twin = users->getObject(users->size() - 1)->getValue<long long>("id");
  auth::SignIn sign_in(server_->database(), {});
  auto link = sign_in.reset_link(1, twin);
  ASSERT_EQ(anonymous()
                .post("/v1/auth/password-reset",
                      "{\"token\":\"" + link.token + "\",\"password\":\"" + kPassword + "\"}")
                .status,
            200);
  auto ambiguous = login("bella@people.io", kPassword);
  EXPECT_EQ(ambiguous.status, 409) << ambiguous.body;
  EXPECT_EQ(field(ambiguous, "team_ids"), "1," + std::to_string(b_team->team.id));
  auto chosen =
      anonymous().post("/v1/auth/login", "{\"email\":\"bella@people.io\",\"password\":\"" +
                                             std::string(kPassword) + "\",\"team_id\":1}");
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  EXPECT_EQ(chosen.json()->getValue<std::string>("role"), "viewer");
}

TEST_P(SignInTest, AResetRequestSaysNothingAboutTheEmail) {
  person("ana", "agent");
  auto known = anonymous().post("/v1/auth/password-reset/request", R"({"email":"ana@people.io"})");
  auto unknown = anonymous().post("/v1/auth/password-reset/request", R"({"email":"zz@people.io"})");
  EXPECT_EQ(known.status, 202);
  EXPECT_EQ(unknown.status, 202);
  EXPECT_EQ(known.body, unknown.body);
  EXPECT_EQ(client().get("/v1/auth/session").status, 404) << "an API key has no session";
}

TEST_P(SignInTest, WhatAPersonChangesNamesThemInTheTimelineNotesAndComments) {
  HttpClient ana = person("ana", "agent");
  const long long ana_id =
      ana.get("/v1/auth/session").json()->getObject("user")->getValue<long long>("id");
  auto created = client().post("/v1/contacts", R"({"name":"Zoe"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string contact =
      "/v1/contacts/" + std::to_string(created.json()->getValue<long long>("id"));
  ASSERT_EQ(
      ana.send("PATCH", contact, R"({"status":"customer"})", {{"Content-Type", "application/json"}})
          .status,
      200);
  auto note = ana.post(contact + "/notes", R"({"body":"Prefers mornings"})");
  ASSERT_EQ(note.status, 201) << note.body;
  EXPECT_EQ(note.json()->getValue<long long>("author_user_id"), ana_id);
  EXPECT_EQ(note.json()->getValue<std::string>("author_name"), "ana");
  EXPECT_TRUE(note.json()->isNull("author_key_id")) << "a session is not a key";

  auto timeline = client().get(contact + "/timeline");
  ASSERT_EQ(timeline.status, 200);
  std::map<std::string, Poco::JSON::Object::Ptr> by_kind;
  auto entries = timeline.json()->getArray("data");
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto e = entries->getObject(static_cast<unsigned>(i));
    by_kind.emplace(e->getValue<std::string>("kind"), e);  // newest first: the first of a kind
  }
  ASSERT_TRUE(by_kind.count("field_changed") && by_kind.count("note_added") &&
              by_kind.count("created"));
  for (const char* kind : {"field_changed", "note_added"}) {
    EXPECT_EQ(by_kind[kind]->getValue<long long>("actor_user_id"), ana_id) << kind;
    EXPECT_EQ(by_kind[kind]->getValue<std::string>("actor_name"), "ana") << kind;
    EXPECT_TRUE(by_kind[kind]->isNull("actor_key_id")) << kind;
  }
  // The key that created the contact is named by its own name.
  EXPECT_TRUE(by_kind["created"]->isNull("actor_user_id"));
  EXPECT_FALSE(by_kind["created"]->isNull("actor_key_id"));
  EXPECT_FALSE(by_kind["created"]->getValue<std::string>("actor_name").empty());

  auto ticket = client().post("/v1/tickets", "{\"subject\":\"Late\",\"contact_id\":" +
                                                 contact.substr(contact.rfind('/') + 1) + "}");
  ASSERT_EQ(ticket.status, 201) << ticket.body;
  auto reply = ana.post(
      "/v1/tickets/" + std::to_string(ticket.json()->getValue<long long>("id")) + "/comments",
      R"({"body":"On it"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json()->getValue<long long>("author_user_id"), ana_id);
  EXPECT_TRUE(reply.json()->isNull("author_key_id"));
}

// Notifications are personal: a signed-in agent lists, reads, changes and deletes only
// their own; another's answers 404 and stays as it was. Admins and keys see the team's.
TEST_P(SignInTest, APersonSeesAndChangesOnlyTheirOwnNotifications) {
  HttpClient ann = person("ann", "agent");
  HttpClient bob = person("bob", "agent");
  HttpClient ada = person("ada", "admin");
  auto me = [](HttpClient& c) {
    return c.get("/v1/auth/session").json()->getObject("user")->getValue<long long>("id");
  };
  const long long ann_id = me(ann), bob_id = me(bob);
  auto notify = [&](long long user, const std::string& text) {
    auto r = client().post("/v1/notifications",
                           "{\"user_id\":" + std::to_string(user) + ",\"text\":\"" + text + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()->getValue<long long>("id");
  };
  const long long for_ann = notify(ann_id, "for ann");
  const long long for_bob = notify(bob_id, "for bob");
  auto texts = [](const HttpResult& r) {
    std::vector<std::string> out;
    auto data = r.json()->getArray("data");
    for (std::size_t i = 0; i < data->size(); ++i)
      out.push_back(data->getObject(static_cast<unsigned>(i))->getValue<std::string>("text"));
    return out;
  };
  EXPECT_EQ(texts(ann.get("/v1/notifications")), std::vector<std::string>{"for ann"});
  // Asking for Bob's explicitly still lists only her own: none.
  EXPECT_TRUE(texts(ann.get("/v1/notifications?user_id=" + std::to_string(bob_id))).empty());
  const std::string bobs = "/v1/notifications/" + std::to_string(for_bob);
  EXPECT_EQ(ann.get(bobs).status, 404);
  EXPECT_EQ(
      ann.send("PATCH", bobs, R"({"read":true})", {{"Content-Type", "application/json"}}).status,
      404);
  EXPECT_EQ(ann.del(bobs).status, 404);
  auto still = client().get(bobs);
  ASSERT_EQ(still.status, 200) << still.body;
  EXPECT_FALSE(still.json()->getValue<bool>("read"));
  // Her own: read and marked read.
  const std::string hers = "/v1/notifications/" + std::to_string(for_ann);
  EXPECT_EQ(ann.get(hers).status, 200);
  EXPECT_EQ(
      ann.send("PATCH", hers, R"({"read":true})", {{"Content-Type", "application/json"}}).status,
      200);
  // An admin, and a key, see the team's.
  EXPECT_EQ(texts(ada.get("/v1/notifications")).size(), 2u);
  EXPECT_EQ(texts(client(key_with_role("agent")).get("/v1/notifications")).size(), 2u);
}

SB_INSTANTIATE_BACKENDS(SignInTest);

}  // namespace
}  // namespace sb::test
