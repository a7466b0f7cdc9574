// Bulk actions, reversible merges and the tenant-isolation walk over every contact route.
#include <Poco/JSON/Stringifier.h>
#include <soci/soci.h>

#include <sstream>

#include "api_fixture.h"
#include "store/event_queue_store.h"
#include "store/file_store.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class ContactOpsTest : public ApiTest {
 protected:
  long long create(const std::string& body, const std::string& key = kOwnerKey) {
    auto r = client(key).post("/v1/contacts", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()->getValue<long long>("id");
  }
  Poco::JSON::Object::Ptr get(long long id) {
    return client().get("/v1/contacts/" + std::to_string(id)).json();
  }
  std::string path(long long id, const std::string& rest = "") {
    return "/v1/contacts/" + std::to_string(id) + rest;
  }
  long long count_events(const std::string& type) {
    EventQueueStore events(server_->database().dialect());
    auto list =
        server_->database().read([&](soci::session& s) { return events.list(s, 1, {}, 0, 5000); });
    return std::count_if(list.begin(), list.end(),
                         [&](const StoredEvent& e) { return e.type == type; });
  }
};

TEST_P(ContactOpsTest, BulkByIdsAndByFilter) {
  long long a = create(R"({"name":"a","tags":["old"]})");
  long long b = create(R"({"name":"b","tags":["old","keep"]})");
  long long c = create(R"({"name":"c","platform":"zalo"})");
  auto r = client().post("/v1/contacts/bulk",
                         "{\"ids\":[" + std::to_string(a) + "," + std::to_string(b) +
                             ",999999],"
                             "\"set\":{\"status\":\"qualified\",\"stage\":\"Demo\"},\"add_tags\":["
                             "\"Bulk\"],\"remove_tags\":[\"old\"]}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()->getValue<int>("matched"), 2);
  EXPECT_EQ(r.json()->getValue<int>("updated"), 2);
  EXPECT_EQ(r.json()->getArray("failed")->size(), 1u);
  EXPECT_EQ(get(b)->getValue<std::string>("status"), "qualified");
  auto tags = get(b)->getArray("tags");
  ASSERT_EQ(tags->size(), 2u);
  EXPECT_EQ(tags->getElement<std::string>(0), "keep");
  EXPECT_EQ(tags->getElement<std::string>(1), "bulk");
  EXPECT_EQ(count_events("contact.status_changed"), 2);

  long long owner = user("bulk-owner");
  auto by_filter = client().post(
      "/v1/contacts/bulk",
      R"({"filter":{"field":"platform","op":"eq","value":"zalo"},"set":{"owner_id":)" +
          std::to_string(owner) + "}}");
  ASSERT_EQ(by_filter.status, 200) << by_filter.body;
  EXPECT_EQ(by_filter.json()->getValue<int>("updated"), 1);
  EXPECT_EQ(get(c)->getValue<long long>("owner_id"), owner);
  auto again = client().post(
      "/v1/contacts/bulk",
      R"({"filter":{"field":"platform","op":"eq","value":"zalo"},"set":{"owner_id":)" +
          std::to_string(owner) + "}}");
  EXPECT_EQ(again.json()->getValue<int>("unchanged"), 1);
}

TEST_P(ContactOpsTest, BulkRejectsBadActionsBeforeChangingAnything) {
  long long a = create(R"({"name":"a"})");
  std::string ids = "\"ids\":[" + std::to_string(a) + "]";
  for (const std::string& body :
       {"{" + ids + ",\"set\":{\"status\":\"nope\"}}",
        "{" + ids + ",\"set\":{\"email\":\"x@y.z\"}}",
        "{" + ids + ",\"set\":{\"purchase_intent\":\"maybe\"}}",
        "{" + ids + ",\"set\":{\"owner_id\":999999}}",
        std::string(R"({"set":{"status":"active"}})"),
        "{" + ids + ",\"filter\":{\"all\":[]},\"set\":{\"status\":\"active\"}}", "{" + ids + "}",
        std::string(R"({"ids":[],"set":{"status":"active"}})"),
        std::string(R"({"ids":["1"],"set":{"status":"active"}})"),
        "{" + ids + ",\"set\":{\"status\":\"active\"},\"dry\":true}"}) {
    auto r = client().post("/v1/contacts/bulk", body);
    EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
  }
  EXPECT_EQ(
      client()
          .post("/v1/contacts/bulk",
                R"({"filter":{"field":"nope","op":"eq","value":1},"set":{"status":"active"}})")
          .status,
      400);
  EXPECT_EQ(get(a)->getValue<int>("version"), 1);
  std::string agent = key_with_role("agent");
  EXPECT_EQ(client(agent)
                .post("/v1/contacts/bulk", "{" + ids + ",\"set\":{\"status\":\"active\"}}")
                .status,
            403);
}

TEST_P(ContactOpsTest, MergeFillsMovesAndUnmergeRestoresBoth) {
  long long keep =
      create(R"({"name":"Ann","email":"ann@x.io","tags":["vip"],"score":5,"metadata":{"a":"1"}})");
  long long dup =
      create(R"({"name":"Ann Duplicate","phone":"+84901234567","platform":"zalo","external_id":"z1",
    "tags":["zalo-lead"],"score":9,"metadata":{"a":"2","b":"3"},"stage":"Demo"})");
  auto note = client().post(path(dup, "/notes"), R"({"body":"from the duplicate"})");
  ASSERT_EQ(note.status, 201);
  long long note_id = note.json()->getValue<long long>("id");
  auto before_keep = get(keep);
  auto before_dup = get(dup);

  auto m = client().post(path(keep, "/merge"), "{\"duplicate_id\":" + std::to_string(dup) + "}");
  ASSERT_EQ(m.status, 200) << m.body;
  auto merged = m.json()->getObject("contact");
  EXPECT_EQ(merged->getValue<std::string>("name"), "Ann") << "survivor's values win";
  EXPECT_EQ(merged->getValue<std::string>("phone"), "+84901234567") << "empty fields are filled";
  EXPECT_EQ(merged->getValue<std::string>("external_id"), "z1");
  EXPECT_EQ(merged->getValue<std::string>("stage"), "Demo");
  EXPECT_EQ(merged->getArray("tags")->size(), 2u);
  EXPECT_EQ(merged->getValue<double>("score"), 9);
  EXPECT_EQ(merged->getObject("metadata")->getValue<std::string>("a"), "1");
  EXPECT_EQ(merged->getObject("metadata")->getValue<std::string>("b"), "3");
  EXPECT_EQ(client().get(path(dup)).status, 404);
  EXPECT_EQ(client().get(path(keep, "/notes/" + std::to_string(note_id))).status, 200)
      << "notes move";
  EXPECT_EQ(count_events("contact.merged"), 1);

  // Edits after the merge survive the unmerge where they do not collide.
  ASSERT_EQ(client()
                .send("PATCH", path(keep), R"({"needs":"later edit"})",
                      {{"Content-Type", "application/json"}})
                .status,
            200);
  auto u = client().post(path(keep, "/unmerge"), "{}");
  ASSERT_EQ(u.status, 200) << u.body;
  auto back_keep = get(keep);
  auto back_dup = get(dup);
  auto text = [](const Poco::Dynamic::Var& v) {
    std::ostringstream o;
    Poco::JSON::Stringifier::stringify(v, o);
    return o.str();
  };
  for (const char* f : {"name", "email", "phone", "platform", "external_id", "stage", "score",
                        "tags", "metadata", "first_seen", "last_active", "created_at"}) {
    EXPECT_EQ(text(back_keep->get(f)), text(before_keep->get(f))) << "survivor " << f;
    EXPECT_EQ(text(back_dup->get(f)), text(before_dup->get(f))) << "duplicate " << f;
  }
  EXPECT_EQ(back_keep->getValue<std::string>("needs"), "later edit");
  EXPECT_EQ(client().get(path(dup, "/notes/" + std::to_string(note_id))).status, 200)
      << "notes move back";
  EXPECT_EQ(client().get(path(keep, "/notes/" + std::to_string(note_id))).status, 404);
  EXPECT_EQ(client().post(path(keep, "/unmerge"), "{}").status, 404) << "nothing left to undo";
  auto merge_id = m.json()->getValue<long long>("merge_id");
  EXPECT_EQ(client()
                .post(path(keep, "/unmerge"), "{\"merge_id\":" + std::to_string(merge_id) + "}")
                .status,
            409);
  auto tl = client().get(path(dup, "/timeline")).json()->getArray("data");
  EXPECT_EQ(tl->getObject(0)->getValue<std::string>("kind"), "unmerged");
}

TEST_P(ContactOpsTest, MergeRefusesWhatWouldLoseAnIdentity) {
  long long a = create(R"({"platform":"telegram","external_id":"t1"})");
  long long b = create(R"({"platform":"zalo","external_id":"z1"})");
  auto r = client().post(path(a, "/merge"), "{\"duplicate_id\":" + std::to_string(b) + "}");
  EXPECT_EQ(r.status, 409);
  EXPECT_NE(r.body.find("force"), std::string::npos);
  EXPECT_EQ(client().post(path(a, "/merge"), "{\"duplicate_id\":" + std::to_string(a) + "}").status,
            422);
  EXPECT_EQ(client().post(path(a, "/merge"), "{\"duplicate_id\":999999}").status, 404);
  auto forced = client().post(path(a, "/merge"),
                              "{\"duplicate_id\":" + std::to_string(b) + ",\"force\":true}");
  EXPECT_EQ(forced.status, 200);
  // The duplicate's identity was kept in the journal: unmerge gives it back.
  ASSERT_EQ(client().post(path(a, "/unmerge"), "{}").status, 200);
  EXPECT_EQ(get(b)->getValue<std::string>("external_id"), "z1");
}

// Team B's key against team A's ids, on every contact-side route: always 404, never data,
// never a change.
TEST_P(ContactOpsTest, TeamBCanNeverReachTeamAContacts) {
  long long a1 = create(R"({"name":"A one","email":"one@a.io"})");
  long long a2 = create(R"({"name":"A two"})");
  auto note = client().post(path(a1, "/notes"), R"({"body":"secret"})");
  long long note_id = note.json()->getValue<long long>("id");
  auto field = client().post("/v1/custom-fields", R"({"key":"secret","label":"S","type":"text"})");
  long long field_id = field.json()->getValue<long long>("id");
  FileStore files(server_->database().dialect());
  long long file_id = server_->database().write([&](soci::session& s) {
    ContactFile f;
    f.team_id = 1;
    f.contact_id = a1;
    f.name = "secret.pdf";
    f.content_type = "application/pdf";
    f.sha256 = std::string(64, 'a');
    return files.add(s, f).id;
  });
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  HttpClient b = client(b_team->owner_key.secret);
  // Team B's owner signed in through the console: a session reaches no more than the key.
  HttpClient b_person = person("bella", "owner", b_team->owner_key.secret);
  std::string id = std::to_string(a1);
  std::string n = std::to_string(note_id);
  struct Call {
    std::string method, url, body;
  } calls[] = {
      {"GET", "/v1/contacts/" + id, ""},
      {"PATCH", "/v1/contacts/" + id, R"({"name":"pwned"})"},
      {"DELETE", "/v1/contacts/" + id, ""},
      {"GET", "/v1/contacts/" + id + "/timeline", ""},
      {"GET", "/v1/contacts/" + id + "/notes", ""},
      {"POST", "/v1/contacts/" + id + "/notes", R"({"body":"x"})"},
      {"GET", "/v1/contacts/" + id + "/notes/" + n, ""},
      {"PATCH", "/v1/contacts/" + id + "/notes/" + n, R"({"body":"x"})"},
      {"DELETE", "/v1/contacts/" + id + "/notes/" + n, ""},
      {"POST", "/v1/contacts/" + id + "/merge", "{\"duplicate_id\":" + std::to_string(a2) + "}"},
      {"POST", "/v1/contacts/" + id + "/unmerge", "{}"},
      {"GET", "/v1/contacts/" + id + "/files", ""},
      {"POST", "/v1/contacts/" + id + "/files", ""},
      {"GET", "/v1/contacts/" + id + "/files/" + std::to_string(file_id), ""},
      {"DELETE", "/v1/contacts/" + id + "/files/" + std::to_string(file_id), ""},
      {"GET", "/v1/custom-fields/" + std::to_string(field_id), ""},
      {"PATCH", "/v1/custom-fields/" + std::to_string(field_id), R"({"label":"x"})"},
      {"DELETE", "/v1/custom-fields/" + std::to_string(field_id), ""},
  };
  for (const HttpClient* who : {&b, &b_person}) {
    const char* as = who == &b ? "key" : "session";
    for (const auto& c : calls) {
      std::map<std::string, std::string> h;
      if (!c.body.empty()) h["Content-Type"] = "application/json";
      if (c.url.find("/files") != std::string::npos && c.method == "POST") {
        h["Content-Type"] = "multipart/form-data; boundary=x";
      }
      auto r = who->send(c.method, c.url, c.body, h);
      EXPECT_EQ(r.status, 404) << as << ": " << c.method << " " << c.url << " -> " << r.body;
      EXPECT_EQ(r.body.find("one@a.io"), std::string::npos);
      EXPECT_EQ(r.body.find("secret\""), std::string::npos);
    }
  }
  EXPECT_EQ(
      b_person.post("/v1/contacts/bulk", "{\"ids\":[" + id + "],\"set\":{\"status\":\"blocked\"}}")
          .json()
          ->getValue<int>("matched"),
      0);
  EXPECT_EQ(b_person.get("/v1/contacts?q=one@a.io").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(b_person.get("/v1/contacts/stats").json()->getValue<int>("total"), 0);
  // B merging A's contact into its own: the duplicate is not B's.
  long long b1 = create(R"({"name":"B one"})", b_team->owner_key.secret);
  EXPECT_EQ(b.post("/v1/contacts/" + std::to_string(b1) + "/merge", "{\"duplicate_id\":" + id + "}")
                .status,
            404);
  auto bulk =
      b.post("/v1/contacts/bulk", "{\"ids\":[" + id + "],\"set\":{\"status\":\"blocked\"}}");
  EXPECT_EQ(bulk.json()->getValue<int>("matched"), 0);
  auto bulk_filter = b.post("/v1/contacts/bulk", R"({"filter":{"all":[]},"set":{"stage":"B"}})");
  EXPECT_EQ(bulk_filter.json()->getValue<int>("matched"), 1) << "only B's own contact";
  auto list = b.get("/v1/contacts?limit=200").json()->getArray("data");
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->getObject(0)->getValue<long long>("id"), b1);
  EXPECT_EQ(b.get("/v1/contacts?q=one@a.io").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(b.get("/v1/contacts/stats").json()->getValue<int>("total"), 1);
  EXPECT_EQ(b.get("/v1/contacts/duplicates").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(b.get("/v1/custom-fields").json()->getArray("data")->size(), 0u);
  // B can use A's email for its own contact: identities are per team.
  EXPECT_EQ(b.post("/v1/contacts", R"({"email":"one@a.io"})").status, 201);
  // A's data is untouched.
  auto a = get(a1);
  EXPECT_EQ(a->getValue<std::string>("name"), "A one");
  EXPECT_EQ(a->getValue<int>("version"), 1);
  EXPECT_EQ(client().get(path(a1, "/notes")).json()->getArray("data")->size(), 1u);
  EXPECT_EQ(client().get("/v1/custom-fields").json()->getArray("data")->size(), 1u);
  EXPECT_EQ(client().get(path(a1, "/files")).json()->getArray("data")->size(), 1u);
}

SB_INSTANTIATE_BACKENDS(ContactOpsTest);

}  // namespace
}  // namespace sb::test
