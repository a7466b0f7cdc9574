// CSV imports: mapping, dedupe, dry runs, background jobs with progress and an error
// report, the malformed and hostile files, resuming after a crash, and the round trip of
// an export.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "crm_fixture.h"
#include "imports/contact_import.h"
#include "imports/import_runner.h"
#include "model/csv_reader.h"
#include "store/import_store.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class ImportsTest : public CrmTest {
 protected:
  void adjust(Config& c) override { c.http.max_import_bytes = 2 << 20; }

  HttpResult post_csv(const std::string& csv, const std::string& query = "",
                      const std::string& key = kOwnerKey) {
    return client(key).send("POST", "/v1/imports" + query, csv, {{"Content-Type", "text/csv"}});
  }
  // Posts and waits for the background job to end; its final state.
  Poco::JSON::Object::Ptr import_csv(const std::string& csv, const std::string& query = "",
                                     const std::string& key = kOwnerKey) {
    auto r = post_csv(csv, query, key);
    EXPECT_EQ(r.status, 202) << r.body;
    if (r.status != 202) return r.json();
    return wait(r.json()->getValue<long long>("id"), key);
  }
  Poco::JSON::Object::Ptr wait(long long id, const std::string& key = kOwnerKey) {
    Poco::JSON::Object::Ptr job;
    for (int i = 0; i < 600; ++i) {  // bounded: 60 s at most
      job = client(key).get("/v1/imports/" + std::to_string(id)).json();
      std::string status = job->getValue<std::string>("status");
      if (status != "queued" && status != "running") return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "import " << id << " did not end";
    return job;
  }
  static long long counted(const Poco::JSON::Object::Ptr& job, const std::string& what) {
    return job->getObject("counts")->getValue<long long>(what);
  }
  std::vector<Poco::JSON::Object::Ptr> errors(long long id) {
    auto r = client().get("/v1/imports/" + std::to_string(id) + "/errors");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<Poco::JSON::Object::Ptr> out;
    auto data = r.json()->getArray("data");
    for (std::size_t i = 0; data && i < data->size(); ++i)
      out.push_back(data->getObject(static_cast<unsigned>(i)));
    return out;
  }
  static std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    CsvReader reader([&](CsvRecord& r) { rows.push_back(r.fields); });
    reader.feed(text);
    reader.finish();
    return rows;
  }
  void custom_fields(const std::string& key = kOwnerKey) {
    ASSERT_EQ(client(key)
                  .post("/v1/custom-fields", R"({"key":"plan","label":"Plan","type":"text"})")
                  .status,
              201);
    ASSERT_EQ(client(key)
                  .post("/v1/custom-fields", R"({"key":"seats","label":"Seats","type":"number"})")
                  .status,
              201);
  }
};

const std::string kMapping =
    "mapping=%7B%22Full%20name%22%3A%22name%22%2C%22E-mail%22%3A%22email%22%2C%22Plan%22%3A%22"
    "custom.plan%22%2C%22Seats%22%3A%22custom.seats%22%2C%22Site%22%3A%22metadata.site%22%2C%22"
    "Labels%22%3A%22tags%22%2C%22Notes%22%3A%22needs%22%7D";

// BOM, ';', a quoted newline, a blank line, and one bad row of each kind.
const std::string kMessy =
    "\xEF\xBB\xBF"
    "Full name;E-mail;Plan;Seats;Site;Labels;Notes\r\n"
    "Ada Lovelace;ADA@x.io;pro;3;shop.test;vip, early;\"likes\r\ntea\"\r\n"
    "Bad Mail;not-an-email;;;;;\r\n"
    "Bad Seats;seats@x.io;;many;;;\r\n"
    "\r\n"
    "Dup;old@x.io;;;;;\r\n"
    "Ragged;r@x.io;;;;;;extra\r\n"
    "Broken \xC3\x28;u@x.io;;;;;\r\n"
    "Short;short@x.io\r\n";

TEST_P(ImportsTest, MapsDedupesAndReportsEveryBadRowWithItsColumn) {
  custom_fields();
  long long old = contact("Old", "old@x.io");
  auto job = import_csv(kMessy, "?" + kMapping);
  ASSERT_EQ(job->getValue<std::string>("status"), "completed")
      << job->optValue<std::string>("error", "");
  EXPECT_EQ(job->getValue<std::string>("delimiter"), ";");
  EXPECT_EQ(job->getObject("rows")->getValue<long long>("total"), 7);  // the blank line is none
  EXPECT_EQ(job->getObject("rows")->getValue<long long>("done"), 7);
  EXPECT_EQ(job->getValue<double>("progress"), 1.0);
  EXPECT_EQ(counted(job, "created"), 2);  // Ada, Short
  EXPECT_EQ(counted(job, "skipped"), 1);  // Dup
  EXPECT_EQ(counted(job, "failed"), 4);
  long long id = job->getValue<long long>("id");

  auto errs = errors(id);
  ASSERT_EQ(errs.size(), 5u);
  auto at = [&](std::size_t i, const std::string& k) {
    return errs[i]->isNull(k) ? std::string("null") : errs[i]->getValue<std::string>(k);
  };
  EXPECT_EQ(at(0, "row"), "2");
  EXPECT_EQ(at(0, "line"), "4");  // the quoted newline is a line
  EXPECT_EQ(at(0, "column"), "E-mail");
  EXPECT_EQ(at(1, "column"), "Seats");
  EXPECT_NE(at(1, "reason").find("number"), std::string::npos) << at(1, "reason");
  EXPECT_EQ(at(2, "outcome"), "skipped");
  EXPECT_NE(at(2, "reason").find("duplicate of contact " + std::to_string(old)), std::string::npos);
  EXPECT_NE(at(3, "reason").find("8 cells"), std::string::npos) << at(3, "reason");
  EXPECT_EQ(at(4, "reason"), "invalid UTF-8");
  EXPECT_EQ(at(4, "column"), "Full name");

  auto csv = client().get("/v1/imports/" + std::to_string(id) + "/errors?format=csv");
  EXPECT_EQ(csv.body.rfind("row,line,column,outcome,reason\r\n2,4,E-mail,failed,", 0), 0u)
      << csv.body;

  auto list = client().get("/v1/contacts?email=ada@x.io").json()->getArray("data");
  ASSERT_EQ(list->size(), 1u);
  auto ada = list->getObject(0);
  EXPECT_EQ(ada->getValue<std::string>("source"), "import");
  EXPECT_EQ(ada->getValue<std::string>("needs"), "likes\r\ntea");
  EXPECT_EQ(ada->getObject("metadata")->getValue<std::string>("site"), "shop.test");
  EXPECT_EQ(ada->getObject("custom_fields")->getValue<double>("seats"), 3);
  EXPECT_EQ(ada->getArray("tags")->size(), 2u);
  auto types = event_types();
  EXPECT_EQ(count_of(types, "import.completed"), 1);
  EXPECT_EQ(count_of(types, "contact.created"), 3);  // Old, Ada, Short
}

TEST_P(ImportsTest, ADryRunAnswersAPreviewAndWritesNothing) {
  custom_fields();
  contact("Old", "old@x.io");
  auto r = post_csv(kMessy, "?dry_run=true&" + kMapping);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_TRUE(body->getValue<bool>("dry_run"));
  EXPECT_EQ(counted(body, "created"), 2);
  EXPECT_EQ(counted(body, "failed"), 4);
  EXPECT_EQ(body->getArray("preview")->size(), 2u);
  EXPECT_EQ(body->getArray("preview")->getObject(0)->getValue<std::string>("email"), "ada@x.io");
  EXPECT_EQ(body->getArray("errors")->size(), 5u);
  EXPECT_EQ(client().get("/v1/contacts").json()->getArray("data")->size(), 1u);
  EXPECT_EQ(client().get("/v1/imports").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(count_of(event_types(), "contact.created"), 1);
}

TEST_P(ImportsTest, AnExportReimportsUnchanged) {
  custom_fields();
  create("/v1/contacts",
         R"j({"name":"=cmd|' /C calc'!A0","email":"a@x.io","phone":"+15550001111",)j"
         R"j("tags":["vip","b,c"],"metadata":{"src":"@ad","n":"-1"},"needs":"two\nlines",)j"
         R"j("custom_fields":{"plan":"-pro","seats":2.5},"status":"customer"})j");
  create("/v1/contacts", R"({"name":"Plain","email":"p@x.io","purchase_intent":"comparing"})");
  std::string exported = client().get("/v1/exports/contacts?format=csv").body;

  // Into another team: the same contacts, column for column.
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  std::string b = b_team->owner_key.secret;
  custom_fields(b);
  auto job = import_csv(exported, "", b);
  ASSERT_EQ(job->getValue<std::string>("status"), "completed");
  EXPECT_EQ(counted(job, "created"), 2);
  EXPECT_EQ(counted(job, "failed"), 0);
  auto a_rows = parse_csv(exported);
  auto b_rows = parse_csv(client(b).get("/v1/exports/contacts?format=csv").body);
  ASSERT_EQ(a_rows.size(), b_rows.size());
  const auto& header = a_rows[0];
  for (std::size_t r = 1; r < a_rows.size(); ++r) {
    for (std::size_t c = 0; c < header.size(); ++c) {
      const std::string& col = header[c];
      if (col == "id" || col == "source" || col == "created_at" || col == "updated_at") continue;
      EXPECT_EQ(a_rows[r][c], b_rows[r][c]) << col << " of row " << r;
    }
  }
  // Into the same team, updating duplicates: nothing changes.
  auto again = import_csv(exported, "?on_duplicate=update");
  EXPECT_EQ(counted(again, "unchanged"), 2);
  EXPECT_EQ(counted(again, "updated"), 0);
  EXPECT_EQ(counted(again, "created"), 0);
}

TEST_P(ImportsTest, BadFilesAndOptionsGetPreciseErrors) {
  custom_fields();
  const std::string agent = key_with_role("agent");
  std::string csv = "Email,Name\na@x.io,A\n";
  struct Bad {
    std::string query, body, field;
    int status;
  } bads[] = {
      {"?mapping=%7B%22Email%22%3A%22fax%22%7D", csv, "mapping.Email", 422},
      {"?mapping=%7B%22Phone%22%3A%22phone%22%7D", csv, "mapping.Phone", 422},
      {"?mapping=%7B%22Email%22%3A%22custom.nope%22%7D", csv, "mapping.Email", 422},
      {"?mapping=%7Bbroken", csv, "mapping", 422},
      {"?mapping=%5B%5D", csv, "mapping", 422},
      {"?dedupe=fax", csv, "dedupe", 422},
      {"?on_duplicate=merge", csv, "on_duplicate", 422},
      {"?delimiter=x", csv, "delimiter", 422},
      {"?colour=red", csv, "colour", 422},
      {"", "", "file", 422},
      {"", "Email,Email\na,b\n", "file", 422},
      {"", std::string(3000, ',') + "\n", "file", 422},  // a column bomb
  };
  for (const auto& b : bads) {
    auto r = post_csv(b.body, b.query);
    EXPECT_EQ(r.status, b.status) << b.query << " " << r.body;
    EXPECT_EQ(field_of(r), b.field) << b.query << " " << r.body;
  }
  auto json = client().post("/v1/imports", "{}");
  EXPECT_EQ(json.status, 415) << json.body;
  EXPECT_EQ(post_csv(csv, "", agent).status, 403);
  EXPECT_EQ(client().get("/v1/imports").json()->getArray("data")->size(), 0u);

  // A giant field fails its row only.
  std::string giant = "Email,Name\nbig@x.io," + std::string(100 * 1024, 'x') + "\nok@x.io,Ok\n";
  auto job = import_csv(giant);
  EXPECT_EQ(counted(job, "failed"), 1);
  EXPECT_EQ(counted(job, "created"), 1);
  auto errs = errors(job->getValue<long long>("id"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0]->getValue<std::string>("reason").find("exceeds"), std::string::npos);

  // Another team sees none of it.
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  std::string id = std::to_string(job->getValue<long long>("id"));
  HttpClient other = client(b_team->owner_key.secret);
  EXPECT_EQ(other.get("/v1/imports/" + id).status, 404);
  EXPECT_EQ(other.get("/v1/imports/" + id + "/errors").status, 404);
  EXPECT_EQ(other.post("/v1/imports/" + id + "/cancel", "").status, 404);

  // Last: the client's connection may not survive it. Refused from its Content-Length.
  int big = -1;
  try {
    big = post_csv(std::string(3 << 20, 'a')).status;
  } catch (const std::exception&) {
  }
  EXPECT_TRUE(big == 413 || big == -1) << big;
}

TEST_P(ImportsTest, MultipartUploadAndAnErasedPersonStaysOut) {
  long long ada = contact("Ada", "ada@x.io");
  ASSERT_EQ(client().del("/v1/contacts/" + std::to_string(ada) + "?erase=true").status, 200);
  std::string boundary = "XyZ123";
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.csv\"\r\n"
                     "Content-Type: text/csv\r\n\r\nemail,name\nada@x.io,Ada\nbo@x.io,Bo\r\n--" +
                     boundary + "--\r\n";
  auto r = client().send("POST", "/v1/imports", body,
                         {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  ASSERT_EQ(r.status, 202) << r.body;
  auto job = wait(r.json()->getValue<long long>("id"));
  ASSERT_EQ(job->getValue<std::string>("status"), "completed")
      << job->optValue<std::string>("error", "");
  EXPECT_EQ(counted(job, "created"), 1);
  EXPECT_EQ(counted(job, "skipped"), 1);
  auto errs = errors(job->getValue<long long>("id"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0]->getValue<std::string>("reason").find("erased"), std::string::npos);
}

TEST_P(ImportsTest, AResumedImportNeitherSkipsNorRepeatsARow) {
  server_->imports().stop();  // this test plays the processes itself
  std::string csv = "email,name\n";
  for (int i = 0; i < 1203; ++i)
    csv += "p" + std::to_string(i) + "@x.io,P" + std::to_string(i) + "\n";
  auto r = post_csv(csv);
  ASSERT_EQ(r.status, 202) << r.body;
  long long id = r.json()->getValue<long long>("id");
  EXPECT_EQ(r.json()->getValue<std::string>("status"), "queued");

  // A process claims it, commits its first batch, and dies before the second commits.
  Database& db = server_->database();
  ImportStore store(db.dialect());
  auto job = db.write([&](soci::session& s) { return store.claim(s, "doomed", 60000); });
  ASSERT_TRUE(job);
  {
    std::ifstream file(config_.http.data_dir + "/" + job->file, std::ios::binary);
    imports::ContactImport run(db, *job, imports::ImportOptions::parse(job->options_json));
    run.prepare({"email", "name"});
    int batches = 0;
    bool finished = run.run(file, [&](soci::session& s, const ImportJob& now) {
      return ++batches == 1 && store.progress(s, now, "doomed", 60000);
    });
    EXPECT_FALSE(finished);
  }
  auto half = client().get("/v1/imports/" + std::to_string(id)).json();
  EXPECT_EQ(half->getObject("rows")->getValue<long long>("done"), 500);
  EXPECT_EQ(counted(half, "created"), 500);

  // Its lease runs out; another process resumes after the last committed row.
  db.write([&](soci::session& s) {
    s << "UPDATE imports SET lease_until = 0 WHERE id = :id", soci::use(id);
  });
  imports::ImportRunner other(db, {.data_dir = config_.http.data_dir});
  ASSERT_TRUE(other.run_once());
  auto done = client().get("/v1/imports/" + std::to_string(id)).json();
  EXPECT_EQ(done->getValue<std::string>("status"), "completed");
  EXPECT_EQ(counted(done, "created"), 1203);
  EXPECT_EQ(counted(done, "skipped"), 0);  // a repeated row would be a skipped duplicate
  long long contacts = 0;
  db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM contacts", soci::into(contacts); });
  EXPECT_EQ(contacts, 1203);
  // The upload is gone once the import ended.
  EXPECT_FALSE(std::ifstream(config_.http.data_dir + "/" + job->file).good());
}

TEST_P(ImportsTest, WithoutDedupeARepeatedEmailStillFailsItsRow) {
  auto job = import_csv("email,name\nsame@x.io,First\nsame@x.io,Second\nother@x.io,Other\n",
                        "?dedupe=none");
  EXPECT_EQ(counted(job, "created"), 2);
  EXPECT_EQ(counted(job, "failed"), 1);
  auto errs = errors(job->getValue<long long>("id"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0]->getValue<int>("row"), 2);
  EXPECT_EQ(errs[0]->getValue<std::string>("column"), "email");
  EXPECT_NE(errs[0]->getValue<std::string>("reason").find("email exists"), std::string::npos);
}

TEST_P(ImportsTest, AQueuedImportCanBeCancelledOnce) {
  server_->imports().stop();  // it stays queued
  auto r = post_csv("email,name\na@x.io,A\n");
  ASSERT_EQ(r.status, 202) << r.body;
  std::string id = std::to_string(r.json()->getValue<long long>("id"));
  std::string file;
  server_->database().read([&](soci::session& s) {
    s << "SELECT file FROM imports WHERE id = " + id, soci::into(file);
  });
  ASSERT_TRUE(std::ifstream(config_.http.data_dir + "/" + file).good());
  auto cancel = client().post("/v1/imports/" + id + "/cancel", "");
  ASSERT_EQ(cancel.status, 200) << cancel.body;
  EXPECT_EQ(cancel.json()->getValue<std::string>("status"), "cancelled");
  EXPECT_FALSE(cancel.json()->isNull("finished_at"));
  EXPECT_FALSE(std::ifstream(config_.http.data_dir + "/" + file).good());  // the upload went
  auto again = client().post("/v1/imports/" + id + "/cancel", "");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(client().get("/v1/contacts").json()->getArray("data")->size(), 0u);
}

SB_INSTANTIATE_BACKENDS(ImportsTest);

}  // namespace
}  // namespace sb::test
