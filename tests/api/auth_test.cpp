// Authentication, roles and tenant isolation over real HTTP.
#include <soci/soci.h>

#include "api_fixture.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class AuthTest : public ApiTest {};

TEST_P(AuthTest, MeAnswersWithTeamKeyAndRole) {
  auto r = client().get("/v1/me");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = r.json();
  EXPECT_EQ(o->getValue<std::string>("role"), "owner");
  EXPECT_EQ(o->getObject("team")->getValue<std::string>("name"), "Default team");
  EXPECT_EQ(o->getObject("api_key")->getValue<std::string>("prefix"), kOwnerKey.substr(0, 10));
  EXPECT_EQ(r.body.find(kOwnerKey), std::string::npos) << "the secret is never echoed";
}

TEST_P(AuthTest, MissingMalformedUnknownAndRevokedKeysAre401) {
  auto missing = anonymous().get("/v1/me");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.error_code(), "unauthorized");
  EXPECT_EQ(missing.headers["www-authenticate"], "Bearer");
  EXPECT_NE(missing.body.find("missing Authorization"), std::string::npos);

  auto basic = anonymous().send("GET", "/v1/me", "", {{"Authorization", "Basic dXNlcjpwYXNz"}});
  EXPECT_EQ(basic.status, 401);
  EXPECT_NE(basic.body.find("malformed"), std::string::npos);

  for (const char* bad : {"sb_unknownunknownunknownunknown", "not-a-key", "sb_' OR '1'='1"}) {
    auto r = client(bad).get("/v1/me");
    EXPECT_EQ(r.status, 401) << bad;
    EXPECT_NE(r.body.find("invalid or revoked"), std::string::npos);
  }

  std::string agent = key_with_role("agent");
  EXPECT_EQ(client(agent).get("/v1/me").status, 200);
  auto me = client(agent).get("/v1/me").json();
  auto id = me->getObject("api_key")->getValue<long long>("id");
  EXPECT_EQ(client().del("/v1/api-keys/" + std::to_string(id)).status, 204);
  auto revoked = client(agent).get("/v1/me");
  EXPECT_EQ(revoked.status, 401);
}

TEST_P(AuthTest, RolesAreEnforcedPerRoute) {
  std::string viewer = key_with_role("viewer");
  std::string agent = key_with_role("agent");
  std::string admin = key_with_role("admin");
  EXPECT_EQ(client(viewer).get("/v1/me").status, 200);
  auto r = client(agent).get("/v1/api-keys");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "forbidden");
  EXPECT_EQ(
      r.json()->getObject("error")->getObject("details")->getValue<std::string>("required_role"),
      "admin");
  EXPECT_EQ(client(viewer).post("/v1/api-keys", "{\"name\":\"x\",\"role\":\"viewer\"}").status,
            403);
  EXPECT_EQ(client(admin).get("/v1/api-keys").status, 200);
  // An admin cannot mint or revoke owner keys.
  auto escalate = client(admin).post("/v1/api-keys", "{\"name\":\"x\",\"role\":\"owner\"}");
  EXPECT_EQ(escalate.status, 403);
  auto keys = client().get("/v1/api-keys?limit=1").json()->getArray("data");
  long long owner_id = keys->getObject(0)->getValue<long long>("id");
  EXPECT_EQ(client(admin).del("/v1/api-keys/" + std::to_string(owner_id)).status, 403);
  EXPECT_EQ(client().get("/v1/me").status, 200);
}

TEST_P(AuthTest, TeamsNeverSeeOrTouchEachOthersKeys) {
  // A second team, created the way `switchboard team create` does.
  auto other = provision_team(server_->database(), "Other", std::nullopt, false);
  ASSERT_TRUE(other.has_value());
  HttpClient b = client(other->owner_key.secret);
  long long b_key = other->owner_key.key.id;
  std::string a_admin = key_with_role("admin");
  long long a_admin_id =
      client(a_admin).get("/v1/me").json()->getObject("api_key")->getValue<long long>("id");

  // Team A, through every api-key route, cannot reach team B's key.
  EXPECT_EQ(client().get("/v1/api-keys/" + std::to_string(b_key)).status, 404);
  EXPECT_EQ(client().del("/v1/api-keys/" + std::to_string(b_key)).status, 404);
  auto list = client().get("/v1/api-keys?limit=200").json()->getArray("data");
  for (std::size_t i = 0; i < list->size(); ++i) {
    EXPECT_NE(list->getObject(i)->getValue<long long>("id"), b_key);
  }
  // And the other way round, with B's key and B's owner signed in.
  HttpClient b_person = person("bella", "owner", other->owner_key.secret);
  for (const HttpClient* who : {&b, &b_person}) {
    EXPECT_EQ(who->get("/v1/api-keys/" + std::to_string(a_admin_id)).status, 404);
    EXPECT_EQ(who->del("/v1/api-keys/" + std::to_string(a_admin_id)).status, 404);
  }
  EXPECT_EQ(client(a_admin).get("/v1/me").status, 200);
  auto b_list = b.get("/v1/api-keys").json()->getArray("data");
  ASSERT_EQ(b_list->size(), 1u);
  EXPECT_EQ(b_list->getObject(0)->getValue<long long>("id"), b_key);
  EXPECT_EQ(b.get("/v1/me").json()->getObject("team")->getValue<std::string>("name"), "Other");
}

TEST_P(AuthTest, IssuedKeyIsShownOnceAndListedWithoutSecret) {
  auto created = client().post("/v1/api-keys", "{\"name\":\"zapier\",\"role\":\"agent\"}");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string secret = created.json()->getValue<std::string>("key");
  long long id = created.json()->getValue<long long>("id");
  EXPECT_EQ(created.headers["location"], "/v1/api-keys/" + std::to_string(id));
  auto shown = client().get("/v1/api-keys/" + std::to_string(id));
  EXPECT_EQ(shown.status, 200);
  EXPECT_EQ(shown.body.find(secret), std::string::npos);
  EXPECT_FALSE(shown.json()->has("key"));
  EXPECT_EQ(shown.json()->getValue<std::string>("name"), "zapier");
  auto all = client().get("/v1/api-keys");
  EXPECT_EQ(all.body.find(secret), std::string::npos);
  EXPECT_EQ(client().del("/v1/api-keys/" + std::to_string(id)).status, 204);
  EXPECT_EQ(client().del("/v1/api-keys/" + std::to_string(id)).status, 204)
      << "revoke is idempotent";
  EXPECT_FALSE(client().get("/v1/api-keys/" + std::to_string(id)).json()->isNull("revoked_at"));
  EXPECT_EQ(client().del("/v1/api-keys/999999").status, 404);
  EXPECT_EQ(client().del("/v1/api-keys/abc").status, 404);
}

TEST_P(AuthTest, ListPaginatesWithCursor) {
  for (int i = 0; i < 5; ++i) key_with_role("viewer");
  std::set<long long> seen;
  std::string path = "/v1/api-keys?limit=2";
  int pages = 0;
  while (true) {
    auto r = client().get(path);
    ASSERT_EQ(r.status, 200) << r.body;
    auto data = r.json()->getArray("data");
    for (std::size_t i = 0; i < data->size(); ++i)
      seen.insert(data->getObject(i)->getValue<long long>("id"));
    ++pages;
    if (r.json()->isNull("next_cursor")) break;
    path = "/v1/api-keys?limit=2&cursor=" + r.json()->getValue<std::string>("next_cursor");
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(client().get("/v1/api-keys?limit=0").status, 422);
  EXPECT_EQ(client().get("/v1/api-keys?cursor=garbage").status, 422);
}

SB_INSTANTIATE_BACKENDS(AuthTest);

}  // namespace
}  // namespace sb::test
