// Exports: contacts as CSV/JSON/NDJSON streamed with the list's filters, the full team
// backup, and one person's privacy export; formula injection, hostile filters, roles and
// tenant isolation.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <set>
#include <sstream>

#include "crm_fixture.h"
#include "store/contact_store.h"
#include "store/data_export.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class ExportsTest : public CrmTest {
 protected:
  static std::vector<std::string> lines(const std::string& body) {
    std::vector<std::string> out;
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
  }
  // Contacts straight through the store: thousands in one transaction.
  void bulk_contacts(int n, const std::string& prefix) {
    ContactStore store(server_->database().dialect());
    server_->database().write([&](soci::session& s) {
      for (int i = 0; i < n; ++i) {
        ContactPatch p;
        p.name.set(prefix + std::to_string(i));
        store.create(s, 1, p, Actor::none());
      }
    });
  }
};

TEST_P(ExportsTest, CsvHasEveryColumnAndNeutralisesFormulas) {
  ASSERT_EQ(
      client().post("/v1/custom-fields", R"({"key":"plan","label":"Plan","type":"text"})").status,
      201);
  ASSERT_EQ(client()
                .post("/v1/custom-fields", R"({"key":"seats","label":"Seats","type":"number"})")
                .status,
            201);
  long long a = create("/v1/contacts",
                       R"j({"name":"=HYPERLINK(\"http://evil\",\"x\")","email":"a@x.io",)j"
                       R"("phone":"+15550001111","tags":["vip","b,c"],"metadata":{"src":"@ad"},)"
                       R"("custom_fields":{"plan":"-pro","seats":3}})");
  long long b = create("/v1/contacts", R"({"name":"Line\nbreak, \"quoted\"","needs":"'=already"})");

  auto r = client().get("/v1/exports/contacts?format=csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers["content-type"], "text/csv; charset=utf-8");
  EXPECT_EQ(r.headers["transfer-encoding"], "chunked");
  EXPECT_NE(r.headers["content-disposition"].find("contacts.csv"), std::string::npos);
  EXPECT_EQ(r.body.rfind("id,source,platform,external_id,name,email,phone,status,", 0), 0u)
      << r.body.substr(0, 200);
  EXPECT_NE(r.body.find(",metadata,custom.plan,custom.seats\r\n"), std::string::npos);
  std::string sa = std::to_string(a), sb = std::to_string(b);
  // The formula gets an apostrophe (and quotes, for its own quotes and comma).
  EXPECT_NE(
      r.body.find("\r\n" + sa + ",api,other,,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\","),
      std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find(",'+15550001111,"), std::string::npos);
  EXPECT_NE(r.body.find("\"[\"\"vip\"\",\"\"b,c\"\"]\""), std::string::npos);
  EXPECT_NE(r.body.find("\"{\"\"src\"\":\"\"@ad\"\"}\",'-pro,3\r\n"), std::string::npos) << r.body;
  // A newline inside a quoted cell, and a value that already looked guarded gets one more.
  EXPECT_NE(r.body.find("\"Line\nbreak, \"\"quoted\"\"\""), std::string::npos);
  EXPECT_NE(r.body.find(",''=already,"), std::string::npos);
  EXPECT_EQ(r.body.find(",="), std::string::npos);
}

TEST_P(ExportsTest, JsonAndNdjsonStreamEveryMatchOldestFirst) {
  bulk_contacts(2500, "Bulk ");  // more than two of the export's pages
  long long vip = create("/v1/contacts", R"({"name":"Vip","status":"customer"})");

  auto nd = client().get("/v1/exports/contacts?format=ndjson");
  ASSERT_EQ(nd.status, 200) << nd.body.substr(0, 300);
  EXPECT_EQ(nd.headers["content-type"], "application/x-ndjson");
  auto rows = lines(nd.body);
  ASSERT_EQ(rows.size(), 2501u);
  std::set<long long> ids;
  for (const auto& line : rows) {
    auto o = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
    ids.insert(o->getValue<long long>("id"));
  }
  EXPECT_EQ(ids.size(), 2501u);
  EXPECT_NE(rows.back().find("\"name\":\"Vip\""), std::string::npos);

  auto json = client().get("/v1/exports/contacts?format=json&status=customer");
  ASSERT_EQ(json.status, 200);
  auto arr = Poco::JSON::Parser().parse(json.body).extract<Poco::JSON::Array::Ptr>();
  ASSERT_EQ(arr->size(), 1u);
  EXPECT_EQ(arr->getObject(0)->getValue<long long>("id"), vip);
  auto filtered = client().get(
      "/v1/exports/contacts?format=json&filter=" +
      std::string(
          "%7B%22field%22%3A%22name%22%2C%22op%22%3A%22eq%22%2C%22value%22%3A%22Vip%22%7D"));
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  EXPECT_EQ(Poco::JSON::Parser().parse(filtered.body).extract<Poco::JSON::Array::Ptr>()->size(),
            1u);
  // An empty match is an empty, valid document.
  auto none = client().get("/v1/exports/contacts?format=json&status=blocked");
  EXPECT_EQ(none.body, "[]\n");
}

TEST_P(ExportsTest, HostileFiltersGetPreciseErrorsOrNoRows) {
  contact("Someone");
  // SQL-ish text is a value, never SQL.
  auto sqlish = client().get("/v1/exports/contacts?format=ndjson&name=x%27%20OR%20%271%27%3D%271");
  ASSERT_EQ(sqlish.status, 200) << sqlish.body;
  EXPECT_EQ(sqlish.body, "");
  struct Bad {
    std::string query, field;
    int status;
  } bads[] = {{"format=xml", "format", 422},
              {"limit=10", "limit", 422},
              {"cursor=abc", "cursor", 422},
              {"sort=name", "sort", 422},
              {"custom.nope=1", "custom.nope", 400},
              {"filter=%7Bbad", "", 400},
              {"favourite_colour=red", "favourite_colour", 400}};
  for (const auto& b : bads) {
    auto r = client().get("/v1/exports/contacts?" + b.query);
    EXPECT_EQ(r.status, b.status) << b.query << " " << r.body;
    if (b.status == 400) {
      EXPECT_EQ(r.error_code(), "invalid_filter") << b.query;
    }
    if (!b.field.empty()) {
      EXPECT_EQ(field_of(r), b.field) << b.query << " " << r.body;
    }
  }
  EXPECT_EQ(client(key_with_role("agent")).get("/v1/exports/contacts").status, 403);
  EXPECT_EQ(client(key_with_role("agent")).get("/v1/exports/team").status, 403);
}

TEST_P(ExportsTest, TeamExportHoldsEveryTableOfTheTeamOnlyAndNoSecrets) {
  long long c = contact("Ada", "ada@x.io");
  create("/v1/contacts/" + std::to_string(c) + "/notes", R"({"body":"likes tea"})");
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  ASSERT_EQ(client(b_team->owner_key.secret)
                .post("/v1/contacts", R"({"name":"Other team","email":"b@b.io"})")
                .status,
            201);

  auto r = client().get("/v1/exports/team");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  auto doc = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(doc->getValue<std::string>("format"), "switchboard-team-export");
  auto tables = doc->getObject("tables");
  for (const auto& t : DataExport::team_tables()) EXPECT_TRUE(tables->has(t)) << t;
  auto contacts = tables->getArray("contacts");
  ASSERT_EQ(contacts->size(), 1u);
  auto row = contacts->getObject(0);
  EXPECT_EQ(row->getValue<std::string>("email"), "ada@x.io");
  EXPECT_FALSE(row->has("team_id"));
  // JSON columns are JSON on both backends, not text.
  EXPECT_TRUE(row->getObject("metadata")) << r.body.substr(0, 500);
  EXPECT_EQ(tables->getArray("contact_notes")->size(), 1u);
  auto keys = tables->getArray("api_keys");
  ASSERT_GE(keys->size(), 1u);
  EXPECT_FALSE(keys->getObject(0)->has("key_hash"));
  EXPECT_EQ(r.body.find("Other team"), std::string::npos);
  EXPECT_EQ(r.body.find(kOwnerKey), std::string::npos);
}

TEST_P(ExportsTest, PersonExportHoldsEverythingAboutThemAndIsAudited) {
  long long c = contact("Ada", "ada@x.io");
  long long other = contact("Bob", "bob@x.io");
  std::string sc = std::to_string(c);
  create("/v1/contacts/" + sc + "/notes", R"({"body":"likes tea"})");
  create("/v1/contacts/" + std::to_string(other) + "/notes", R"({"body":"Bob's note"})");
  create("/v1/tickets", R"({"contact_id":)" + sc + R"(,"subject":"Broken"})");
  create(
      "/v1/appointments",
      R"({"contact_id":)" + sc +
          R"(,"service":"demo","starts_at":"2030-01-01T00:00:00Z","ends_at":"2030-01-01T01:00:00Z"})");

  auto r = client().get("/v1/contacts/" + sc + "/export");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(doc->getValue<std::string>("format"), "switchboard-person-export");
  EXPECT_EQ(doc->getObject("contact")->getValue<std::string>("email"), "ada@x.io");
  auto held = doc->getObject("held");
  for (const auto& t : DataExport::contact_tables()) EXPECT_TRUE(held->has(t)) << t;
  EXPECT_EQ(held->getArray("contact_notes")->size(), 1u);
  EXPECT_EQ(held->getArray("tickets")->size(), 1u);
  EXPECT_EQ(held->getArray("appointments")->size(), 1u);
  EXPECT_GE(held->getArray("timeline_entries")->size(), 2u);
  EXPECT_EQ(r.body.find("Bob's note"), std::string::npos);

  auto audit = client().get("/v1/audit?action=GET%20/v1/contacts/%7Bid%7D/export");
  ASSERT_EQ(audit.status, 200);
  auto entries = audit.json()->getArray("data");
  ASSERT_EQ(entries->size(), 1u) << audit.body;
  EXPECT_EQ(entries->getObject(0)->getValue<long long>("subject_id"), c);

  EXPECT_EQ(client().get("/v1/contacts/999999/export").status, 404);
  EXPECT_EQ(client(key_with_role("agent")).get("/v1/contacts/" + sc + "/export").status, 403);
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  EXPECT_EQ(client(b_team->owner_key.secret).get("/v1/contacts/" + sc + "/export").status, 404);
}

// SQLite stores JSON as text: the export's list of JSON columns must match PostgreSQL's
// jsonb columns, or a new JSON column would export as a string on SQLite.
TEST_P(ExportsTest, JsonColumnListMatchesPostgresql) {
  if (GetParam() != TestBackend::kPg) GTEST_SKIP() << "reads PostgreSQL's catalogue";
  std::vector<std::string> tables(500), columns(500);
  server_->database().read([&](soci::session& s) {
    s << "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
         "current_schema() AND data_type = 'jsonb' ORDER BY 1, 2",
        soci::into(tables), soci::into(columns);
  });
  std::map<std::string, std::set<std::string>> pg;
  const auto& exported = DataExport::team_tables();
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (std::find(exported.begin(), exported.end(), tables[i]) != exported.end())
      pg[tables[i]].insert(columns[i]);
  }
  EXPECT_EQ(pg, DataExport::json_columns());
}

SB_INSTANTIATE_BACKENDS(ExportsTest);

}  // namespace
}  // namespace sb::test
