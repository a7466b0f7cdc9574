// The right to be forgotten: erasure removes or anonymises everything about a person and
// scrubs event payloads, leaves only a keyed hash of their addresses (so messages never
// reach a re-added copy of them), keeps conversations on a plain delete, and is audited
// without personal data.
#include <soci/soci.h>

#include "messaging_fixture.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class PrivacyTest : public MessagingTest {
 protected:
  struct Chat {
    long long agent = 0;
    std::string key;
  };
  Chat chat_bot() {
    Chat b;
    b.agent = create("/v1/agents", R"({"name":"Web bot","platforms":["web"]})");
    auto r = client().post("/v1/agents/" + std::to_string(b.agent) + "/keys", "{}");
    EXPECT_EQ(r.status, 201) << r.body;
    b.key = r.json()->getValue<std::string>("key");
    return b;
  }
  // A user message; the contact it landed on.
  long long say(const Chat& b, const std::string& id, const std::string& text) {
    auto r = client(b.key).post(
        "/v1/agents/" + std::to_string(b.agent) + "/messages",
        R"({"id":")" + id + R"(","conversation_id":"c1","platform":"web","user_id":"u1","text":")" +
            text + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()->getValue<long long>("contact_id");
  }
  long long count(const std::string& sql) {
    long long n = 0;
    server_->database().read([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
  }
  // A known person with something in every place the CRM keeps data.
  long long ada(const Chat& b) {
    long long c = say(b, "m1", "hi, I am Ada Lovelace, ada@x.io");
    std::string sc = std::to_string(c);
    EXPECT_EQ(patch("/v1/contacts/" + sc,
                    R"({"name":"Ada Lovelace","email":"ada@x.io","phone":"+15550001111"})")
                  .status,
              200);
    create("/v1/contacts/" + sc + "/notes", R"({"body":"Ada likes tea"})");
    create("/v1/tickets", R"({"contact_id":)" + sc + R"(,"subject":"Refund"})");
    create(
        "/v1/appointments",
        R"({"contact_id":)" + sc +
            R"(,"service":"demo","starts_at":"2030-01-01T00:00:00Z","ends_at":"2030-01-01T01:00:00Z"})");
    return c;
  }
};

TEST_P(PrivacyTest, ErasureLeavesNothingThatIdentifiesThePerson) {
  Chat b = chat_bot();
  long long c = ada(b);
  long long bob = contact("Bob", "bob@x.io");
  drain();
  std::string sc = std::to_string(c);

  auto r = client().del("/v1/contacts/" + sc + "?erase=true");
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_TRUE(body->getValue<bool>("erased"));
  EXPECT_EQ(body->getValue<std::string>("conversations"), "anonymised");
  EXPECT_EQ(body->getObject("removed")->getValue<long long>("contact_notes"), 1);
  EXPECT_EQ(body->getObject("removed")->getValue<long long>("appointments"), 1);
  EXPECT_EQ(body->getObject("anonymised")->getValue<long long>("messages"), 1);
  EXPECT_EQ(body->getObject("anonymised")->getValue<long long>("tickets"), 1);
  EXPECT_GE(body->getObject("anonymised")->getValue<long long>("events"), 3);
  EXPECT_EQ(client().get("/v1/contacts/" + sc).status, 404);

  // Nothing the team holds (every table, every event payload) still names them.
  auto dump = client().get("/v1/exports/team");
  ASSERT_EQ(dump.status, 200);
  std::string events;
  server_->database().read([&](soci::session& s) {
    std::vector<std::string> payloads(5000);
    s << "SELECT payload FROM events", soci::into(payloads);
    for (const auto& p : payloads) events += p + "\n";
  });
  for (std::string needle : {"ada@x.io", "Lovelace", "+15550001111", "likes tea"}) {
    EXPECT_EQ(dump.body.find(needle), std::string::npos) << needle;
    EXPECT_EQ(events.find(needle), std::string::npos) << needle;
  }
  // The conversation keeps its shape for the business's reports; Bob is untouched.
  EXPECT_EQ(count("SELECT COUNT(*) FROM conversations WHERE contact_id = " + sc), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE text <> '' AND contact_id = " + sc), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM timeline_entries WHERE contact_id = " + sc), 0);
  EXPECT_EQ(client().get("/v1/contacts/" + std::to_string(bob)).status, 200);
  EXPECT_NE(dump.body.find("bob@x.io"), std::string::npos);

  // What stays: two keyed hashes, and an audit entry with counts only.
  EXPECT_EQ(count("SELECT COUNT(*) FROM erased_identities"), 2);
  auto audit = client().get("/v1/audit?action=contact.erase");
  ASSERT_EQ(audit.json()->getArray("data")->size(), 1u) << audit.body;
  auto entry = audit.json()->getArray("data")->getObject(0);
  EXPECT_EQ(entry->getValue<long long>("subject_id"), c);
  EXPECT_EQ(entry->getObject("detail")->getObject("removed")->getValue<long long>("contacts"), 1);
  EXPECT_EQ(client().get("/v1/audit?limit=200").body.find("ada@"), std::string::npos);

  // The person starting a new chat themselves is a fresh contact.
  long long again = say(b, "m2", "hello again");
  EXPECT_NE(again, c);
  auto types = event_types();
  EXPECT_EQ(count_of(types, "contact.deleted"), 1);
}

TEST_P(PrivacyTest, TeamPolicyOrTheRequestCanDeleteConversations) {
  Chat b = chat_bot();
  long long c = say(b, "m1", "delete me please");
  ASSERT_EQ(client()
                .send("PUT", "/v1/settings/privacy", R"({"erase_conversations":"delete"})",
                      {{"Content-Type", "application/json"}})
                .status,
            200);
  EXPECT_EQ(client().get("/v1/settings/privacy").body, R"({"erase_conversations":"delete"})");
  auto r = client().del("/v1/contacts/" + std::to_string(c) + "?erase=true");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()->getValue<std::string>("conversations"), "deleted");
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM conversations"), 0);

  // The request overrides the policy.
  long long d = contact("Dee");
  auto keep =
      client().del("/v1/contacts/" + std::to_string(d) + "?erase=true&conversations=anonymise");
  ASSERT_EQ(keep.status, 200) << keep.body;
  EXPECT_EQ(keep.json()->getValue<std::string>("conversations"), "anonymised");
}

TEST_P(PrivacyTest, APlainDeleteKeepsConversationsAndNoHash) {
  Chat b = chat_bot();
  long long c = say(b, "m1", "keep this history");
  ASSERT_EQ(client().del("/v1/contacts/" + std::to_string(c)).status, 204);
  EXPECT_EQ(count("SELECT COUNT(*) FROM messages WHERE text = 'keep this history'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM erased_identities"), 0);
}

TEST_P(PrivacyTest, AnErasedAddressIsNeverMessagedAgain) {
  email_template();
  add_workflow("welcome", R"(
on("contact.created", function(e)
  if e.contact.email then crm.email.send(e.contact, "welcome") end
end)
)");
  long long c = contact("Ada", "ada@x.io");
  drain();
  ASSERT_EQ(sink_.messages().size(), 1u);
  ASSERT_EQ(client().del("/v1/contacts/" + std::to_string(c) + "?erase=true").status, 200);

  // Someone types her in again: the contact exists, but no message goes to her.
  contact("Ada again", "ada@x.io");
  contact("Carl", "carl@x.io");
  drain();
  auto msgs = sink_.messages();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[1]->getArray("rcpt_tos")->getElement<std::string>(0), "carl@x.io");
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox_messages WHERE status = 'skipped' AND reason = "
                  "'erased'"),
            1);
}

TEST_P(PrivacyTest, BadRequestsGetPreciseErrors) {
  long long c = contact("Ada", "ada@x.io");
  std::string url = "/v1/contacts/" + std::to_string(c);
  struct Bad {
    std::string query, field;
  } bads[] = {{"?erase=yes", "erase"},
              {"?erase=true&conversations=shred", "conversations"},
              {"?conversations=delete", "conversations"},
              {"?force=1", "force"}};
  for (const auto& b : bads) {
    auto r = client().del(url + b.query);
    EXPECT_EQ(r.status, 422) << b.query << " " << r.body;
    EXPECT_EQ(field_of(r), b.field) << b.query;
  }
  EXPECT_EQ(client(key_with_role("agent")).del(url + "?erase=true").status, 403);
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  EXPECT_EQ(client(b_team->owner_key.secret).del(url + "?erase=true").status, 404);
  EXPECT_EQ(client().del("/v1/contacts/99999999?erase=true").status, 404);
  EXPECT_EQ(client().get(url).status, 200);  // nothing happened to her

  auto put = [&](const std::string& body) {
    return client().send("PUT", "/v1/settings/privacy", body,
                         {{"Content-Type", "application/json"}});
  };
  EXPECT_EQ(field_of(put(R"({"erase_conversations":"burn"})")), "erase_conversations");
  EXPECT_EQ(field_of(put(R"({})")), "erase_conversations");
  EXPECT_EQ(put(R"({"erase_conversations":"delete","x":1})").status, 422);
  EXPECT_EQ(client(key_with_role("viewer")).get("/v1/settings/privacy").status, 200);
}

SB_INSTANTIATE_BACKENDS(PrivacyTest);

}  // namespace
}  // namespace sb::test
