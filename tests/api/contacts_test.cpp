// Contacts over HTTP on both backends: create/read/update/delete, identity, validation,
// optimistic versioning, timeline and events.
#include <soci/soci.h>

#include "api_fixture.h"
#include "store/event_queue_store.h"

namespace sb::test {
namespace {

class ContactsTest : public ApiTest {
 protected:
  HttpResult create(const std::string& body) { return client().post("/v1/contacts", body); }
  long long create_id(const std::string& body) {
    auto r = create(body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()->getValue<long long>("id");
  }
  HttpResult patch(long long id, const std::string& body, const std::string& if_match = "") {
    std::map<std::string, std::string> h = {{"Content-Type", "application/json"}};
    if (!if_match.empty()) h["If-Match"] = if_match;
    return client().send("PATCH", "/v1/contacts/" + std::to_string(id), body, h);
  }
  std::string field_of(const HttpResult& r) {
    auto e = r.json()->getObject("error");
    return e ? e->getObject("details")->optValue<std::string>("field", "") : "";
  }
};

TEST_P(ContactsTest, CreateNormalisesAndAnswersWithVersion) {
  auto r = create(R"({"name":" Ann Lee ","email":"Ann.Lee@Example.COM","phone":"(+84) 90-123.4567",
    "platform":"whatsapp","external_id":"84901234567","source":"chat","tags":["VIP","vip"," lead "],
    "traits":["curious"],"metadata":{"utm_source":"fb"},"purchase_intent":"comparing"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto c = r.json();
  EXPECT_EQ(c->getValue<std::string>("name"), "Ann Lee");
  EXPECT_EQ(c->getValue<std::string>("email"), "ann.lee@example.com");
  EXPECT_EQ(c->getValue<std::string>("phone"), "+84901234567");
  EXPECT_EQ(c->getValue<std::string>("status"), "new");
  EXPECT_EQ(c->getArray("tags")->size(), 2u);
  EXPECT_EQ(c->getValue<int>("version"), 1);
  EXPECT_EQ(r.headers["etag"], "\"1\"");
  EXPECT_EQ(r.headers["location"], "/v1/contacts/" + std::to_string(c->getValue<long long>("id")));
  auto got = client().get(r.headers["location"]);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.json()->getObject("metadata")->getValue<std::string>("utm_source"), "fb");
  auto minimal = create("{}");
  ASSERT_EQ(minimal.status, 201) << minimal.body;
  EXPECT_EQ(minimal.json()->getValue<std::string>("source"), "api");
  EXPECT_EQ(minimal.json()->getValue<std::string>("platform"), "other");
}

TEST_P(ContactsTest, IdentityConflictsAre409WithTheExistingId) {
  long long id = create_id(R"({"email":"a@x.io","platform":"telegram","external_id":"t1"})");
  auto email = create(R"({"email":"A@X.IO"})");
  EXPECT_EQ(email.status, 409);
  EXPECT_EQ(
      email.json()->getObject("error")->getObject("details")->getValue<long long>("existing_id"),
      id);
  auto ext = create(R"({"platform":"telegram","external_id":"t1"})");
  EXPECT_EQ(ext.status, 409);
  EXPECT_EQ(field_of(ext), "external_id");
  EXPECT_EQ(create(R"({"platform":"zalo","external_id":"t1"})").status, 201)
      << "same id, other platform";
  long long other = create_id(R"({"email":"b@x.io"})");
  auto steal = patch(other, R"({"email":"a@x.io"})");
  EXPECT_EQ(steal.status, 409);
}

TEST_P(ContactsTest, InvalidFieldsAre422NamingTheField) {
  struct Case {
    const char* body;
    const char* field;
  } cases[] = {
      {R"({"traits":["a","b","c","d","e","f"]})", "traits"},
      {R"({"email":"not-an-email"})", "email"},
      {R"({"phone":"0901234567"})", "phone"},
      {R"({"phone":"+84 abc"})", "phone"},
      {R"({"purchase_intent":"maybe"})", "purchase_intent"},
      {R"({"sentiment":"angry"})", "sentiment"},
      {R"({"status":"vip"})", "status"},
      {R"({"source":"telepathy"})", "source"},
      {R"({"platform":"myspace"})", "platform"},
      {R"({"tags":"vip"})", "tags"},
      {R"({"tags":[1,2]})", "tags"},
      {R"({"score":"high"})", "score"},
      {R"({"owner_id":-3})", "owner_id"},
      {R"({"metadata":{"k":1}})", "metadata.k"},
      {R"({"metadata":"x"})", "metadata"},
      {R"({"name":""})", "name"},
      {R"({"custom_fields":{"nope":1}})", "custom_fields.nope"},
      {R"({"first_seen":"yesterday"})", "first_seen"},
      {R"({"id":5})", "id"},
      {R"({"version":2})", "version"},
      {R"({"Name":"x"})", "Name"},
  };
  for (const auto& c : cases) {
    auto r = create(c.body);
    EXPECT_EQ(r.status, 422) << c.body << " -> " << r.body;
    EXPECT_EQ(field_of(r), c.field) << c.body;
  }
  EXPECT_EQ(client().get("/v1/contacts?limit=200").json()->getArray("data")->size(), 0u)
      << "nothing stored";
}

TEST_P(ContactsTest, CustomFieldValuesAreValidatedByType) {
  auto def = [&](const std::string& body) {
    auto r = client().post("/v1/custom-fields", body);
    EXPECT_EQ(r.status, 201) << r.body;
  };
  def(R"({"key":"plan","label":"Plan","type":"select","options":["free","pro"]})");
  def(R"({"key":"seats","label":"Seats","type":"number"})");
  def(R"({"key":"renewal","label":"Renewal","type":"date"})");
  def(R"({"key":"langs","label":"Languages","type":"multiselect","options":["en","vi","fr"]})");
  def(R"({"key":"site","label":"Site","type":"url"})");
  def(R"({"key":"billing","label":"Billing email","type":"email","allow_for_ai":true})");
  def(R"({"key":"active","label":"Active","type":"boolean"})");
  auto bad = [&](const std::string& custom, const std::string& field) {
    auto r = create("{\"custom_fields\":" + custom + "}");
    EXPECT_EQ(r.status, 422) << custom << " " << r.body;
    EXPECT_EQ(field_of(r), "custom_fields." + field) << custom;
  };
  bad(R"({"plan":"gold"})", "plan");
  bad(R"({"seats":"12"})", "seats");
  bad(R"({"renewal":"2026-02-30"})", "renewal");
  bad(R"({"langs":["en","de"]})", "langs");
  bad(R"j({"site":"javascript:alert(1)"})j", "site");
  bad(R"({"billing":"nope"})", "billing");
  bad(R"({"active":"yes"})", "active");
  auto ok = create(
      R"({"custom_fields":{"plan":"pro","seats":12,"renewal":"2028-02-29","langs":["vi","en","vi"],
    "site":"https://x.io/a","billing":"Pay@X.io","active":true}})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto cf = ok.json()->getObject("custom_fields");
  EXPECT_EQ(cf->getValue<std::string>("billing"), "pay@x.io");
  EXPECT_EQ(cf->getArray("langs")->size(), 2u);
  long long id = ok.json()->getValue<long long>("id");
  auto cleared = patch(id, R"({"custom_fields":{"seats":null}})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_FALSE(cleared.json()->getObject("custom_fields")->has("seats"));
  EXPECT_TRUE(cleared.json()->getObject("custom_fields")->has("plan"));

  def(R"({"key":"company","label":"Company","type":"text","required":true})");
  EXPECT_EQ(field_of(create("{}")), "custom_fields.company");
  EXPECT_EQ(field_of(patch(id, R"({"custom_fields":{"company":null}})")), "custom_fields.company");
  EXPECT_EQ(patch(id, R"({"name":"unrelated edits still work"})").status, 200);
}

TEST_P(ContactsTest, PatchIsVersionedWithIfMatch) {
  long long id = create_id(R"({"name":"Ann","stage":"Lead"})");
  auto first = patch(id, R"({"stage":"Demo"})", "\"1\"");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json()->getValue<int>("version"), 2);
  EXPECT_EQ(first.headers["etag"], "\"2\"");
  auto stale = patch(id, R"({"stage":"Won"})", "\"1\"");
  EXPECT_EQ(stale.status, 412);
  EXPECT_EQ(stale.error_code(), "precondition_failed");
  EXPECT_EQ(
      stale.json()->getObject("error")->getObject("details")->getValue<int>("current_version"), 2);
  EXPECT_EQ(
      client().get("/v1/contacts/" + std::to_string(id)).json()->getValue<std::string>("stage"),
      "Demo");
  EXPECT_EQ(patch(id, R"({"stage":"Won"})", "W/\"2\"").status, 400) << "weak: refused";
  EXPECT_EQ(patch(id, R"({"stage":"Won"})", "\"2\"").status, 200);
  EXPECT_EQ(patch(id, R"({"stage":"Won"})", "banana").status, 400);
  auto same = patch(id, R"({"stage":"Won","name":"Ann"})");
  EXPECT_EQ(same.json()->getValue<int>("version"), 3) << "no change, no new version";
  auto cleared = patch(id, R"({"stage":null})");
  EXPECT_TRUE(cleared.json()->isNull("stage"));
  EXPECT_EQ(patch(id, R"({"source":"form"})").status, 422) << "source is set once";
  EXPECT_EQ(patch(999999, R"({"name":"x"})").status, 404);
}

TEST_P(ContactsTest, ChangesWriteTimelineAndEvents) {
  long long id = create_id(R"({"name":"Ann"})");
  ASSERT_EQ(
      patch(id,
            R"({"status":"qualified","stage":"Demo","purchase_intent":"ready_to_buy","owner_id":)" +
                std::to_string(user("olivia")) + R"(,"name":"Ann L"})")
          .status,
      200);
  auto note = client().post("/v1/contacts/" + std::to_string(id) + "/notes",
                            R"({"body":"Called, **interested**"})");
  ASSERT_EQ(note.status, 201) << note.body;
  auto tl = client().get("/v1/contacts/" + std::to_string(id) + "/timeline");
  ASSERT_EQ(tl.status, 200);
  auto data = tl.json()->getArray("data");
  std::vector<std::string> kinds;
  std::set<std::string> fields;
  for (std::size_t i = 0; i < data->size(); ++i) {
    auto e = data->getObject(i);
    kinds.push_back(e->getValue<std::string>("kind"));
    if (kinds.back() == "field_changed")
      fields.insert(e->getObject("data")->getValue<std::string>("field"));
  }
  EXPECT_EQ(kinds.front(), "note_added") << "newest first";
  EXPECT_EQ(kinds.back(), "created");
  EXPECT_EQ(fields, (std::set<std::string>{"status", "stage", "purchase_intent", "owner_id"}));
  auto types = event_types();
  for (const char* t :
       {"contact.created", "contact.updated", "contact.status_changed", "contact.stage_changed",
        "contact.intent_changed", "contact.owner_changed", "note.added"}) {
    EXPECT_NE(std::find(types.begin(), types.end(), t), types.end()) << t;
  }
  auto page = client().get("/v1/contacts/" + std::to_string(id) + "/timeline?limit=2");
  EXPECT_EQ(page.json()->getArray("data")->size(), 2u);
  auto rest = client().get("/v1/contacts/" + std::to_string(id) + "/timeline?limit=50&cursor=" +
                           page.json()->getValue<std::string>("next_cursor"));
  EXPECT_EQ(rest.json()->getArray("data")->size(), data->size() - 2);
  // A bad page size or cursor is a 422 naming it, as the contract says.
  EXPECT_EQ(client().get("/v1/contacts/" + std::to_string(id) + "/timeline?limit=0").status, 422);
  EXPECT_EQ(client().get("/v1/contacts/" + std::to_string(id) + "/timeline?cursor=%25").status,
            422);
  EXPECT_EQ(client().get("/v1/contacts/duplicates?limit=500").status, 422);
}

TEST_P(ContactsTest, DeleteRemovesTheContactAndItsNotes) {
  long long id = create_id(R"({"name":"Gone"})");
  client().post("/v1/contacts/" + std::to_string(id) + "/notes", R"({"body":"x"})");
  std::string agent = key_with_role("agent");
  EXPECT_EQ(client(agent).del("/v1/contacts/" + std::to_string(id)).status, 403);
  EXPECT_EQ(client().del("/v1/contacts/" + std::to_string(id)).status, 204);
  EXPECT_EQ(client().get("/v1/contacts/" + std::to_string(id)).status, 404);
  EXPECT_EQ(client().get("/v1/contacts/" + std::to_string(id) + "/notes").status, 404);
  EXPECT_EQ(client().del("/v1/contacts/" + std::to_string(id)).status, 404);
  // The last event of the delete itself; subscribers (segments) may append theirs after it.
  auto types = event_types();
  EXPECT_NE(std::find(types.begin(), types.end(), "contact.deleted"), types.end());
}

TEST_P(ContactsTest, CustomFieldsListInTheOrderAdminsSet) {
  auto make = [&](const std::string& key) {
    auto r = client().post("/v1/custom-fields",
                           "{\"key\":\"" + key + "\",\"label\":\"" + key + "\",\"type\":\"text\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  };
  auto a = make("first"), b = make("second"), c = make("third");
  EXPECT_LT(a->getValue<long long>("position"), b->getValue<long long>("position"));
  EXPECT_LT(b->getValue<long long>("position"), c->getValue<long long>("position"));
  auto keys = [&] {
    std::string out;
    auto list = client().get("/v1/custom-fields").json()->getArray("data");
    for (std::size_t i = 0; i < list->size(); ++i)
      out += list->getObject(static_cast<unsigned>(i))->getValue<std::string>("key") + " ";
    return out;
  };
  EXPECT_EQ(keys(), "first second third ");
  auto move = [&](const Poco::JSON::Object::Ptr& f, long long position) {
    return client().send(
        "PATCH", "/v1/custom-fields/" + std::to_string(f->getValue<long long>("id")),
        "{\"position\":" + std::to_string(position) + "}", {{"Content-Type", "application/json"}});
  };
  // The console swaps two neighbours' positions.
  ASSERT_EQ(move(c, a->getValue<long long>("position")).status, 200);
  ASSERT_EQ(move(a, c->getValue<long long>("position")).status, 200);
  EXPECT_EQ(keys(), "third second first ");
  EXPECT_EQ(move(a, 0).status, 422);
  auto placed = client().post("/v1/custom-fields",
                              R"({"key":"placed","label":"Placed","type":"text","position":1})");
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(keys(), "third placed second first ") << "equal positions list in the order made";
}

TEST_P(ContactsTest, NotesAndStatusesAndCustomFieldAdmin) {
  long long id = create_id("{}");
  std::string base = "/v1/contacts/" + std::to_string(id) + "/notes";
  auto n1 = client().post(base, R"({"body":"first"})");
  auto n2 = client().post(base, R"({"body":"pinned one","pinned":true})");
  ASSERT_EQ(n2.status, 201);
  EXPECT_EQ(client().post(base, R"({"body":"   "})").status, 422);
  EXPECT_EQ(client().post(base, "{\"body\":\"" + std::string(20001, 'x') + "\"}").status, 422);
  auto list = client().get(base).json()->getArray("data");
  ASSERT_EQ(list->size(), 2u);
  EXPECT_TRUE(list->getObject(0)->getValue<bool>("pinned"));
  std::string n1_path = base + "/" + std::to_string(n1.json()->getValue<long long>("id"));
  EXPECT_EQ(
      client()
          .send("PATCH", n1_path, R"({"body":"edited"})", {{"Content-Type", "application/json"}})
          .json()
          ->getValue<std::string>("body"),
      "edited");
  EXPECT_EQ(client().del(n1_path).status, 204);
  EXPECT_EQ(client().get(n1_path).status, 404);
  long long other = create_id("{}");
  EXPECT_EQ(client()
                .get("/v1/contacts/" + std::to_string(other) + "/notes/" +
                     std::to_string(n2.json()->getValue<long long>("id")))
                .status,
            404)
      << "a note is reached only through its contact";

  auto statuses =
      client().send("PUT", "/v1/settings/contact-statuses", R"({"statuses":["lead","won","lost"]})",
                    {{"Content-Type", "application/json"}});
  ASSERT_EQ(statuses.status, 200) << statuses.body;
  EXPECT_EQ(create("{}").json()->getValue<std::string>("status"), "lead");
  EXPECT_EQ(create(R"({"status":"new"})").status, 422);
  EXPECT_EQ(client()
                .send("PUT", "/v1/settings/contact-statuses", R"({"statuses":[]})",
                      {{"Content-Type", "application/json"}})
                .status,
            422);
  EXPECT_EQ(client()
                .send("PUT", "/v1/settings/contact-statuses", R"({"statuses":["a","a"]})",
                      {{"Content-Type", "application/json"}})
                .status,
            422);

  EXPECT_EQ(
      client().post("/v1/custom-fields", R"({"key":"Bad Key","label":"x","type":"text"})").status,
      422);
  EXPECT_EQ(client().post("/v1/custom-fields", R"({"key":"k","label":"x","type":"select"})").status,
            422);
  EXPECT_EQ(client().post("/v1/custom-fields", R"({"key":"k","label":"x","type":"blob"})").status,
            422);
  auto cf = client().post("/v1/custom-fields", R"({"key":"tier","label":"Tier","type":"text"})");
  ASSERT_EQ(cf.status, 201);
  EXPECT_EQ(
      client().post("/v1/custom-fields", R"({"key":"tier","label":"Again","type":"text"})").status,
      409);
  std::string cf_path = "/v1/custom-fields/" + std::to_string(cf.json()->getValue<long long>("id"));
  EXPECT_EQ(
      client()
          .send("PATCH", cf_path, R"({"type":"number"})", {{"Content-Type", "application/json"}})
          .status,
      422);
  long long with_tier = create_id(R"({"custom_fields":{"tier":"gold"}})");
  EXPECT_EQ(client().del(cf_path).status, 204);
  EXPECT_FALSE(client()
                   .get("/v1/contacts/" + std::to_string(with_tier))
                   .json()
                   ->getObject("custom_fields")
                   ->has("tier"))
      << "deleting a field removes its values";
  std::string viewer = key_with_role("viewer");
  EXPECT_EQ(
      client(viewer).post("/v1/custom-fields", R"({"key":"v","label":"v","type":"text"})").status,
      403);
  EXPECT_EQ(client(viewer).get("/v1/custom-fields").status, 200);
}

SB_INSTANTIATE_BACKENDS(ContactsTest);

}  // namespace
}  // namespace sb::test
