// Team members and contact ownership: owners must be active users of the same team.
#include "api_fixture.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class UsersTest : public ApiTest {};

TEST_P(UsersTest, CreateListUpdateDeactivate) {
  auto r = client().post("/v1/users", R"({"name":"Mai","email":"Mai@Team.io","role":"agent"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()->getValue<std::string>("email"), "mai@team.io");
  long long id = r.json()->getValue<long long>("id");
  EXPECT_EQ(
      client().post("/v1/users", R"({"name":"Mai 2","email":"mai@team.io","role":"agent"})").status,
      409);
  EXPECT_EQ(client().post("/v1/users", R"({"name":"","email":"x@team.io","role":"agent"})").status,
            422);
  EXPECT_EQ(client().post("/v1/users", R"({"name":"X","email":"x@team.io","role":"god"})").status,
            422);
  EXPECT_EQ(client().get("/v1/users").json()->getArray("data")->size(), 1u);
  auto off = client().send("PATCH", "/v1/users/" + std::to_string(id), R"({"active":false})",
                           {{"Content-Type", "application/json"}});
  ASSERT_EQ(off.status, 200);
  EXPECT_FALSE(off.json()->getValue<bool>("active"));
  std::string agent = key_with_role("agent");
  EXPECT_EQ(
      client(agent).post("/v1/users", R"({"name":"Y","email":"y@team.io","role":"agent"})").status,
      403);
  EXPECT_EQ(client(agent).get("/v1/users/" + std::to_string(id)).status, 200);
}

TEST_P(UsersTest, OwnersMustBeActiveUsersOfTheTeam) {
  long long mai = user("mai");
  auto b = provision_team(server_->database(), "B", std::nullopt, false);
  long long b_user = user("bob", b->owner_key.secret);
  auto ok = client().post("/v1/contacts", "{\"owner_id\":" + std::to_string(mai) + "}");
  ASSERT_EQ(ok.status, 201) << ok.body;
  for (long long bad : {999999LL, b_user}) {
    auto r = client().post("/v1/contacts", "{\"owner_id\":" + std::to_string(bad) + "}");
    EXPECT_EQ(r.status, 422) << bad;
    EXPECT_EQ(r.json()->getObject("error")->getObject("details")->getValue<std::string>("field"),
              "owner_id");
  }
  client().send("PATCH", "/v1/users/" + std::to_string(mai), R"({"active":false})",
                {{"Content-Type", "application/json"}});
  EXPECT_EQ(client().post("/v1/contacts", "{\"owner_id\":" + std::to_string(mai) + "}").status,
            422);
  EXPECT_EQ(client().get("/v1/users/" + std::to_string(b_user)).status, 404)
      << "team B's user is invisible to A";
  EXPECT_EQ(client()
                .send("PATCH", "/v1/users/" + std::to_string(b_user), R"({"name":"x"})",
                      {{"Content-Type", "application/json"}})
                .status,
            404);
}

SB_INSTANTIATE_BACKENDS(UsersTest);

}  // namespace
}  // namespace sb::test
