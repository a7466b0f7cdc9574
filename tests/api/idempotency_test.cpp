// Idempotency-Key on POST: a retried request has one effect and gets the first answer.
#include <soci/soci.h>

#include "api_fixture.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class IdempotencyTest : public ApiTest {
 protected:
  HttpResult post(const std::string& path, const std::string& body, const std::string& key,
                  const std::string& api_key = kOwnerKey) {
    return client(api_key).send("POST", path, body,
                                {{"Content-Type", "application/json"}, {"Idempotency-Key", key}});
  }
  long long contacts() {
    return client().get("/v1/contacts?limit=200").json()->getArray("data")->size();
  }
};

TEST_P(IdempotencyTest, RetryReplaysTheFirstAnswerWithOneEffect) {
  auto first = post("/v1/contacts", R"({"name":"Once","email":"once@x.io"})", "order-42");
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = post("/v1/contacts", R"({"name":"Once","email":"once@x.io"})", "order-42");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.headers["idempotent-replayed"], "true");
  EXPECT_EQ(again.headers["location"], first.headers["location"]);
  EXPECT_EQ(contacts(), 1);
  auto other_body = post("/v1/contacts", R"({"name":"Twice"})", "order-42");
  EXPECT_EQ(other_body.status, 422);
  EXPECT_EQ(contacts(), 1);
}

TEST_P(IdempotencyTest, FailedRequestsDoNotUseUpTheKey) {
  EXPECT_EQ(post("/v1/contacts", R"({"email":"bad"})", "k1").status, 422);
  EXPECT_EQ(post("/v1/contacts", R"({"email":"good@x.io"})", "k1").status, 201);
  EXPECT_EQ(contacts(), 1);
}

TEST_P(IdempotencyTest, KeysArePerTeamAndCheckedForShape) {
  ASSERT_EQ(post("/v1/contacts", R"({"name":"A"})", "shared").status, 201);
  auto b = provision_team(server_->database(), "B", std::nullopt, false);
  auto rb = post("/v1/contacts", R"({"name":"A"})", "shared", b->owner_key.secret);
  EXPECT_EQ(rb.status, 201);
  EXPECT_TRUE(rb.headers["idempotent-replayed"].empty())
      << "team B never sees team A's stored answer";
  EXPECT_EQ(post("/v1/contacts", "{}", std::string(256, 'k')).status, 400);
  EXPECT_EQ(post("/v1/contacts", "{}", "with space").status, 400);
  EXPECT_EQ(post("/v1/api-keys", R"({"name":"x","role":"agent"})", "key-1").status, 400)
      << "a response holding a secret is never stored";
}

SB_INSTANTIATE_BACKENDS(IdempotencyTest);

}  // namespace
}  // namespace sb::test
