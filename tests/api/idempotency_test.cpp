// Idempotency-Key on POST: a retried request has one effect and gets the first answer.
#include <soci/soci.h>

#include "api_fixture.h"
#include "store/idempotency_store.h"
#include "store/team_store.h"
#include "support/failure_injection.h"

namespace sb::test {
namespace {

class IdempotencyTest : public ApiTest {
 protected:
  HttpResult post(const std::string& path, const std::string& body, const std::string& key,
                  const std::string& api_key = kOwnerKey) {
    return client(api_key).send("POST", path, body,
                                {{"Content-Type", "application/json"}, {"Idempotency-Key", key}});
  }
  long long count_where(const std::string& condition, const std::string& table = "contacts") {
    long long n = 0;
    server_->database().read([&](soci::session& s) {
      s << "SELECT COUNT(*) FROM " + table + " WHERE " + condition, soci::into(n);
    });
    return n;
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

TEST_P(IdempotencyTest, TheKeyCommitsWithTheEffectsSoACrashCanNeverApplyItTwice) {
  // A key whose effects committed but whose answer was never stored (the process died in
  // between): as the row such a crash leaves, first recent, then past the grace period.
  auto crashed = [&](long long age_ms) {
    server_->database().write([&](soci::session& s) {
      long long at = now_ms() - age_ms;
      s << "DELETE FROM idempotency_keys WHERE key = 'crashed'";
      s << "INSERT INTO idempotency_keys (team_id, key, request_hash, created_at) "
           "SELECT 1, 'crashed', request_hash, :at FROM idempotency_keys WHERE key = 'probe'",
          soci::use(at);
    });
  };
  const std::string body = R"({"email":"once@x.io"})";
  ASSERT_EQ(post("/v1/contacts", body, "probe").status, 201);  // gives the body's hash
  crashed(1000);
  auto recent = post("/v1/contacts", body, "crashed");
  EXPECT_EQ(recent.status, 409);
  EXPECT_NE(recent.body.find("in progress"), std::string::npos) << recent.body;
  crashed(IdempotencyStore::kResponseGraceMs + 1000);
  auto lost = post("/v1/contacts", body, "crashed");
  EXPECT_EQ(lost.status, 409);
  EXPECT_NE(lost.body.find("applied, response not kept"), std::string::npos) << lost.body;
  EXPECT_EQ(contacts(), 1);
}

TEST_P(IdempotencyTest, AKeyIsTakenOnlyByAWriteThatCommits) {
  // The handler's transaction rolls back (the email is taken): the key stays free.
  ASSERT_EQ(post("/v1/contacts", R"({"email":"taken@x.io"})", "first").status, 201);
  EXPECT_EQ(post("/v1/contacts", R"({"email":"taken@x.io"})", "k2").status, 409);
  EXPECT_EQ(post("/v1/contacts", R"({"email":"free@x.io"})", "k2").status, 201)
      << "the failed request did not take the key";
  auto replay = post("/v1/contacts", R"({"email":"free@x.io"})", "k2");
  EXPECT_EQ(replay.headers["idempotent-replayed"], "true");
  // A POST that writes nothing stores its key with its answer all the same.
  auto search = post("/v1/contacts/search", R"({"limit":1})", "s1");
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_EQ(post("/v1/contacts/search", R"({"limit":1})", "s1").headers["idempotent-replayed"],
            "true");
}

// A bulk update commits in chunks of 200; its key commits after the last one. Cut short
// between chunks (here: a failure injected into the second), the key stays free and the
// retry finishes the job, each contact updated once.
TEST_P(IdempotencyTest, ABulkUpdateCutBetweenChunksIsFinishedByItsRetry) {
  std::string ids;
  for (int i = 0; i < 250; ++i) {
    auto r = client().post("/v1/contacts",
                           "{\"name\":\"" + std::string(i == 230 ? "boom" : "c") + "\"}");
    ASSERT_EQ(r.status, 201) << r.body;
    ids += (ids.empty() ? "" : ",") + std::to_string(r.json()->getValue<long long>("id"));
  }
  fail_writes(server_->database(), "cut", "UPDATE", "contacts", "NEW.name = 'boom'");
  const std::string body = "{\"ids\":[" + ids + "],\"set\":{\"status\":\"qualified\"}}";
  auto cut = post("/v1/contacts/bulk", body, "bulk-1");
  EXPECT_GE(cut.status, 500) << cut.body;
  EXPECT_EQ(count_where("status = 'qualified'"), 200) << "the first chunk committed";
  stop_failing(server_->database(), "cut", "contacts");
  auto retry = post("/v1/contacts/bulk", body, "bulk-1");
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_TRUE(retry.headers["idempotent-replayed"].empty()) << "it ran: the key was still free";
  EXPECT_EQ(retry.json()->getValue<int>("updated"), 50);
  EXPECT_EQ(retry.json()->getValue<int>("unchanged"), 200);
  EXPECT_EQ(count_where("status = 'qualified'"), 250);
  EXPECT_EQ(count_where("version = 2"), 250) << "every contact updated exactly once";
  auto replay = post("/v1/contacts/bulk", body, "bulk-1");
  EXPECT_EQ(replay.headers["idempotent-replayed"], "true");
  EXPECT_EQ(replay.body, retry.body);
}

// Chat messages are idempotent by their ids: the key is neither needed nor half-honoured.
TEST_P(IdempotencyTest, ChatIngestIgnoresTheKeyAndDedupesByMessageId) {
  auto agent = client().post("/v1/agents", R"({"name":"Bot","platforms":["web"]})");
  ASSERT_EQ(agent.status, 201) << agent.body;
  const std::string path =
      "/v1/agents/" + std::to_string(agent.json()->getValue<long long>("id")) + "/messages";
  const std::string msg =
      R"({"id":"m1","conversation_id":"c1","platform":"web","user_id":"u1","text":"hi"})";
  auto first = post(path, msg, "ingest-1");
  auto again = post(path, msg, "ingest-1");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, first.body);
  EXPECT_TRUE(again.headers["idempotent-replayed"].empty());
  EXPECT_EQ(count_where("1 = 1", "messages"), 1);
}

SB_INSTANTIATE_BACKENDS(IdempotencyTest);

}  // namespace
}  // namespace sb::test
