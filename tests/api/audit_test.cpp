// The audit log: who wrote what through the API, workflows and the CLI, and who read a
// contact's personal data; filtered, paged, admin-only, team-scoped and append-only.
#include <soci/soci.h>

#include "messaging_fixture.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class AuditTest : public MessagingTest {
 protected:
  // The team's audit entries for `query` (newest first) as (action, subject_id) pairs.
  std::vector<std::pair<std::string, long long>> entries(const std::string& query = "",
                                                         const std::string& key = kOwnerKey) {
    auto r = client(key).get("/v1/audit?limit=200" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::pair<std::string, long long>> out;
    auto data = r.json()->getArray("data");
    for (std::size_t i = 0; data && i < data->size(); ++i) {
      auto o = data->getObject(static_cast<unsigned>(i));
      out.emplace_back(o->getValue<std::string>("action"),
                       o->isNull("subject_id") ? 0 : o->getValue<long long>("subject_id"));
    }
    return out;
  }
};

using Entries = std::vector<std::pair<std::string, long long>>;

TEST_P(AuditTest, ApiWritesAndPersonalReadsAreRecordedWithoutTheirData) {
  long long c = contact("Ada Lovelace", "ada@example.com");
  ASSERT_EQ(patch("/v1/contacts/" + std::to_string(c), R"({"phone":"+15550001111"})").status, 200);
  long long note = create("/v1/contacts/" + std::to_string(c) + "/notes", R"({"body":"secret"})");
  ASSERT_EQ(client().get("/v1/contacts/" + std::to_string(c)).status, 200);
  // Neither a list, a search by POST, nor a refused write is recorded.
  ASSERT_EQ(client().get("/v1/contacts").status, 200);
  ASSERT_EQ(client()
                .post("/v1/contacts/search", R"({"filter":{"field":"name","op":"eq","value":"x"}})")
                .status,
            200);
  ASSERT_EQ(client().post("/v1/contacts", R"({"nme":"typo"})").status, 422);

  Entries got = entries("&subject_type=contact&subject_id=" + std::to_string(c));
  Entries want = {{"GET /v1/contacts/{id}", c},
                  {"POST /v1/contacts/{id}/notes", c},
                  {"PATCH /v1/contacts/{id}", c},
                  {"POST /v1/contacts", c}};
  EXPECT_EQ(got, want);

  auto r = client().get("/v1/audit?limit=1&subject_type=contact");
  auto first = r.json()->getArray("data")->getObject(0);
  EXPECT_EQ(first->getObject("actor")->getValue<std::string>("type"), "api_key");
  EXPECT_EQ(first->getValue<int>("status"), 200);
  EXPECT_EQ(first->getValue<std::string>("origin"), "127.0.0.1");
  EXPECT_FALSE(first->getValue<std::string>("request_id").empty());
  EXPECT_EQ(first->getObject("detail")->getValue<std::string>("path"),
            "/v1/contacts/" + std::to_string(c));
  // The log never holds the values written.
  auto all = client().get("/v1/audit?limit=200");
  EXPECT_EQ(all.body.find("ada@example.com"), std::string::npos);
  EXPECT_EQ(all.body.find("+15550001111"), std::string::npos);
  EXPECT_EQ(all.body.find("secret"), std::string::npos);
  (void)note;
}

TEST_P(AuditTest, AnIdempotentRetryIsRecordedOnce) {
  auto post = [&] {
    return client().send("POST", "/v1/contacts", R"({"name":"Once"})",
                         {{"Content-Type", "application/json"}, {"Idempotency-Key", "k-1"}});
  };
  ASSERT_EQ(post().status, 201);
  ASSERT_EQ(post().status, 201);
  EXPECT_EQ(entries("&action=POST%20/v1/contacts").size(), 1u);
}

TEST_P(AuditTest, WorkflowWritesNameTheWorkflowAndTheCrmCall) {
  add_workflow("stager", R"(
on("contact.created", function(e)
  crm.set_stage(e.contact, "Qualified")
  crm.tickets.create { contact = e.contact, subject = "Call back" }
end)
)");
  long long c = contact("Grace");
  drain();
  auto r = client().get("/v1/audit?actor_type=workflow");
  ASSERT_EQ(r.status, 200) << r.body;
  auto data = r.json()->getArray("data");
  ASSERT_EQ(data->size(), 2u) << r.body;
  auto ticket = data->getObject(0), stage = data->getObject(1);
  EXPECT_EQ(stage->getValue<std::string>("action"), "crm.set_stage");
  EXPECT_EQ(stage->getObject("actor")->getValue<std::string>("id"), "stager");
  EXPECT_EQ(stage->getValue<std::string>("subject_type"), "contact");
  EXPECT_EQ(stage->getValue<long long>("subject_id"), c);
  EXPECT_TRUE(stage->getObject("detail")->has("event_id"));
  EXPECT_EQ(ticket->getValue<std::string>("action"), "crm.tickets.create");
  EXPECT_EQ(ticket->getValue<std::string>("subject_type"), "ticket");
  EXPECT_GT(ticket->getValue<long long>("subject_id"), 0);
}

TEST_P(AuditTest, FiltersAndPagesNewestFirst) {
  std::vector<long long> made;
  for (int i = 0; i < 5; ++i) made.push_back(contact("P" + std::to_string(i)));
  std::vector<long long> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    auto r = client().get("/v1/audit?limit=2&action=POST%20/v1/contacts" +
                          (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    auto data = r.json()->getArray("data");
    for (std::size_t i = 0; i < data->size(); ++i)
      seen.push_back(data->getObject(static_cast<unsigned>(i))->getValue<long long>("subject_id"));
    if (r.json()->isNull("next_cursor")) break;
    cursor = r.json()->getValue<std::string>("next_cursor");
  }
  std::vector<long long> want(made.rbegin(), made.rend());
  EXPECT_EQ(seen, want);

  EXPECT_EQ(entries("&since=2000-01-01T00:00:00Z&until=2001-01-01T00:00:00Z").size(), 0u);
  EXPECT_EQ(entries("&since=2000-01-01T00:00:00Z&action=POST%20/v1/contacts").size(), 5u);
  // Input is data, never SQL or a pattern.
  EXPECT_EQ(entries("&action=%25").size(), 0u);
  EXPECT_EQ(entries("&actor_id=1'%20OR%20'1'='1").size(), 0u);

  struct Bad {
    std::string query, field;
  } bads[] = {{"actor_type=root", "actor_type"}, {"subject_id=abc", "subject_id"},
              {"since=yesterday", "since"},      {"limit=0", "limit"},
              {"cursor=!!", "cursor"},           {"colour=red", "colour"}};
  for (const auto& b : bads) {
    auto r = client().get("/v1/audit?" + b.query);
    EXPECT_EQ(r.status, 422) << b.query << " " << r.body;
    EXPECT_EQ(field_of(r), b.field) << b.query;
  }
}

TEST_P(AuditTest, AdminOnlyTeamScopedAndAppendOnly) {
  long long c = contact("Mine");
  EXPECT_EQ(client(key_with_role("agent")).get("/v1/audit").status, 403);
  EXPECT_EQ(client(key_with_role("admin")).get("/v1/audit").status, 200);

  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  std::string b = b_team->owner_key.secret;
  ASSERT_EQ(client(b).post("/v1/contacts", R"({"name":"Theirs"})").status, 201);
  Entries theirs = entries("", b);
  ASSERT_EQ(theirs.size(), 1u);
  EXPECT_EQ(theirs[0].first, "POST /v1/contacts");
  EXPECT_EQ(entries("&subject_type=contact&subject_id=" + std::to_string(c), b).size(), 0u);
  ASSERT_NE(theirs[0].second, c);
  EXPECT_EQ(entries("&subject_type=contact&subject_id=" + std::to_string(theirs[0].second)).size(),
            0u);

  // No route changes the log, and the database refuses it too.
  EXPECT_EQ(client().send("DELETE", "/v1/audit").status, 405);
  EXPECT_EQ(
      client().send("PATCH", "/v1/audit", "{}", {{"Content-Type", "application/json"}}).status,
      405);
  EXPECT_EQ(client().send("DELETE", "/v1/audit/1").status, 404);
  auto& db = server_->database();
  EXPECT_ANY_THROW(db.write([](soci::session& s) { s << "UPDATE audit_log SET action = 'x'"; }));
  EXPECT_ANY_THROW(db.write([](soci::session& s) { s << "DELETE FROM audit_log"; }));
  EXPECT_FALSE(entries().empty());
}

SB_INSTANTIATE_BACKENDS(AuditTest);

}  // namespace
}  // namespace sb::test
