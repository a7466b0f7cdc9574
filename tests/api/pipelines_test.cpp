// Pipelines, stages, leads, activities and accounts over HTTP on both backends.
#include "crm_fixture.h"

namespace sb::test {
namespace {

class PipelinesTest : public CrmTest {
 protected:
  long long default_pipeline() {
    auto r = client().get("/v1/pipelines?is_default=true");
    EXPECT_EQ(r.status, 200) << r.body;
    return ids(r).at(0);
  }
  std::vector<long long> stages(long long pipeline) {
    auto r = client().get("/v1/pipelines/" + std::to_string(pipeline));
    std::vector<long long> out;
    auto arr = r.json()->getArray("stages");
    for (std::size_t i = 0; i < arr->size(); ++i)
      out.push_back(arr->getObject(static_cast<unsigned>(i))->getValue<long long>("id"));
    return out;
  }
};

TEST_P(PipelinesTest, ANewTeamHasTheDefaultPipelineAndStages) {
  auto r = client().get("/v1/pipelines/" + std::to_string(default_pipeline()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()->getValue<std::string>("name"), "Sales");
  auto st = r.json()->getArray("stages");
  ASSERT_EQ(st->size(), 6u);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < st->size(); ++i)
    names.push_back(st->getObject(static_cast<unsigned>(i))->getValue<std::string>("name"));
  EXPECT_EQ(names,
            (std::vector<std::string>{"New", "Contacted", "Qualified", "Proposal", "Won", "Lost"}));
  EXPECT_TRUE(st->getObject(4)->getValue<bool>("is_won"));
  EXPECT_TRUE(st->getObject(5)->getValue<bool>("is_lost"));
}

TEST_P(PipelinesTest, LeadStageMovesEmitStageChangedWithTimeInStage) {
  long long c = contact("Ann", "ann@acme.io");
  long long lead =
      create("/v1/leads", "{\"contact_id\":" + std::to_string(c) +
                              ",\"title\":\"Deal\",\"value\":1000,\"currency\":\"EUR\"}");
  auto got = client().get("/v1/leads/" + std::to_string(lead));
  auto st = stages(default_pipeline());
  EXPECT_EQ(got.json()->getValue<long long>("stage_id"), st[0]) << "first stage by default";
  EXPECT_EQ(got.json()->getValue<std::string>("status"), "open");

  auto moved =
      patch("/v1/leads/" + std::to_string(lead), "{\"stage_id\":" + std::to_string(st[2]) + "}");
  ASSERT_EQ(moved.status, 200) << moved.body;
  auto won =
      patch("/v1/leads/" + std::to_string(lead), "{\"stage_id\":" + std::to_string(st[4]) + "}");
  ASSERT_EQ(won.status, 200) << won.body;
  EXPECT_EQ(won.json()->getValue<std::string>("status"), "won");
  EXPECT_FALSE(won.json()->isNull("closed_at"));

  auto types = event_types();
  EXPECT_EQ(count_of(types, "lead.created"), 1);
  EXPECT_EQ(count_of(types, "lead.stage_changed"), 2);
  EXPECT_EQ(count_of(types, "lead.won"), 1);
  EventQueueStore events(server_->database().dialect());
  auto list =
      server_->database().read([&](soci::session& s) { return events.list(s, 1, {}, 0, 1000); });
  bool checked = false;
  for (const auto& e : list) {
    if (e.type != "lead.stage_changed") continue;
    EXPECT_EQ(e.subject_type, "contact") << "lead events are ordered with the contact's";
    EXPECT_NE(e.payload_json.find("\"time_in_previous_stage_ms\""), std::string::npos);
    EXPECT_NE(e.payload_json.find("\"from_stage\""), std::string::npos);
    checked = true;
  }
  EXPECT_TRUE(checked);
  auto timeline = client().get("/v1/contacts/" + std::to_string(c) + "/timeline");
  EXPECT_NE(timeline.body.find("lead_stage_changed"), std::string::npos);
}

TEST_P(PipelinesTest, StageMustBelongToThePipeline) {
  long long c = contact("Bo");
  long long other = create("/v1/pipelines", R"({"name":"Renewals"})");
  long long s1 = create("/v1/pipelines/" + std::to_string(other) + "/stages", R"({"name":"Due"})");
  create("/v1/pipelines/" + std::to_string(other) + "/stages",
         R"({"name":"Renewed","is_won":true})");
  auto bad = client().post("/v1/leads", "{\"contact_id\":" + std::to_string(c) +
                                            ",\"stage_id\":" + std::to_string(s1) + "}");
  EXPECT_EQ(bad.status, 422) << bad.body;
  EXPECT_EQ(field_of(bad), "stage_id");
  long long lead = create("/v1/leads", "{\"contact_id\":" + std::to_string(c) +
                                           ",\"pipeline_id\":" + std::to_string(other) + "}");
  EXPECT_EQ(
      client().get("/v1/leads/" + std::to_string(lead)).json()->getValue<long long>("stage_id"),
      s1);
  // A stage with leads, and a pipeline with leads, cannot be deleted.
  EXPECT_EQ(client()
                .del("/v1/pipelines/" + std::to_string(other) + "/stages/" + std::to_string(s1))
                .status,
            409);
  EXPECT_EQ(client().del("/v1/pipelines/" + std::to_string(other)).status, 409);
  // Duplicate stage names in one pipeline are refused.
  auto dup =
      client().post("/v1/pipelines/" + std::to_string(other) + "/stages", R"({"name":"due"})");
  EXPECT_EQ(dup.status, 409) << dup.body;
  // The default pipeline cannot be un-defaulted or deleted; making another default moves it.
  long long def = default_pipeline();
  EXPECT_EQ(patch("/v1/pipelines/" + std::to_string(def), R"({"is_default":false})").status, 422);
  EXPECT_EQ(client().del("/v1/pipelines/" + std::to_string(def)).status, 409);
  ASSERT_EQ(patch("/v1/pipelines/" + std::to_string(other), R"({"is_default":true})").status, 200);
  EXPECT_EQ(default_pipeline(), other);
  EXPECT_FALSE(
      client().get("/v1/pipelines/" + std::to_string(def)).json()->getValue<bool>("is_default"));
}

TEST_P(PipelinesTest, BoardTotalsCountValueAndWeightedValue) {
  long long c = contact("Cy");
  auto st = stages(default_pipeline());
  auto lead = [&](double value, long long stage, const std::string& currency) {
    create("/v1/leads",
           "{\"contact_id\":" + std::to_string(c) + ",\"value\":" + std::to_string(value) +
               ",\"stage_id\":" + std::to_string(stage) + ",\"currency\":\"" + currency + "\"}");
  };
  lead(100, st[2], "USD");  // Qualified, 40 %
  lead(300, st[2], "USD");
  lead(50, st[2], "EUR");
  lead(1000, st[3], "USD");  // Proposal, 60 %
  auto r = client().get("/v1/pipelines/" + std::to_string(default_pipeline()) + "/board");
  ASSERT_EQ(r.status, 200) << r.body;
  auto stages_json = r.json()->getArray("stages");
  auto qualified = stages_json->getObject(2);
  auto totals = qualified->getObject("totals");
  EXPECT_EQ(totals->getValue<int>("count"), 3);
  EXPECT_DOUBLE_EQ(totals->getObject("value")->getValue<double>("USD"), 400);
  EXPECT_DOUBLE_EQ(totals->getObject("weighted_value")->getValue<double>("USD"), 160);
  EXPECT_DOUBLE_EQ(totals->getObject("value")->getValue<double>("EUR"), 50);
  EXPECT_EQ(qualified->getArray("leads")->size(), 3u);
  auto all = r.json()->getObject("totals");
  EXPECT_EQ(all->getValue<int>("count"), 4);
  EXPECT_DOUBLE_EQ(all->getObject("weighted_value")->getValue<double>("USD"), 160 + 600);
}

TEST_P(PipelinesTest, ActivitiesAttachToALeadAndTrackDone) {
  long long c = contact("Di");
  long long lead = create("/v1/leads", "{\"contact_id\":" + std::to_string(c) + "}");
  std::string base = "/v1/leads/" + std::to_string(lead) + "/activities";
  long long task =
      create(base, R"({"type":"task","subject":"Send quote","due_at":"2026-12-01T09:00:00Z"})");
  create(base, R"({"type":"call","subject":"Intro call","done":true})");
  auto done = patch(base + "/" + std::to_string(task), R"({"done":true})");
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_FALSE(done.json()->isNull("done_at"));
  EXPECT_EQ(ids(client().get(base + "?done=true")).size(), 2u);
  EXPECT_EQ(client().post(base, R"({"type":"fax","subject":"x"})").status, 422);
  EXPECT_EQ(client().get("/v1/leads/999999/activities").status, 404);
  // An activity is reachable only under its own lead.
  long long other = create("/v1/leads", "{\"contact_id\":" + std::to_string(c) + "}");
  EXPECT_EQ(client()
                .get("/v1/leads/" + std::to_string(other) + "/activities/" + std::to_string(task))
                .status,
            404);
}

TEST_P(PipelinesTest, AccountsNormaliseDomainsAndLinkNewContacts) {
  long long acme = create("/v1/accounts",
                          R"({"name":"Acme","domain":"https://www.ACME.io/about","size":"11-50"})");
  auto got = client().get("/v1/accounts/" + std::to_string(acme));
  EXPECT_EQ(got.json()->getValue<std::string>("domain"), "acme.io");
  auto dup = client().post("/v1/accounts", R"({"name":"Acme 2","domain":"acme.io"})");
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_EQ(client().post("/v1/accounts", R"({"name":"X","domain":"not a domain"})").status, 422);
  EXPECT_EQ(client().post("/v1/accounts", R"({"name":"X","size":"huge"})").status, 422);

  long long ann = contact("Ann", "ann@acme.io");
  long long bob = contact("Bob", "bob@gmail.com");
  EXPECT_EQ(
      client().get("/v1/contacts/" + std::to_string(ann)).json()->getValue<long long>("account_id"),
      acme);
  EXPECT_TRUE(client().get("/v1/contacts/" + std::to_string(bob)).json()->isNull("account_id"));
  auto linked = client().get("/v1/contacts?account_id=" + std::to_string(acme));
  EXPECT_EQ(ids(linked), std::vector<long long>{ann}) << linked.body;
  // A lead on a company's contact belongs to the company.
  long long lead = create("/v1/leads", "{\"contact_id\":" + std::to_string(ann) + "}");
  EXPECT_EQ(
      client().get("/v1/leads/" + std::to_string(lead)).json()->getValue<long long>("account_id"),
      acme);
  // Deleting the account unlinks, never deletes, its contacts.
  EXPECT_EQ(client().del("/v1/accounts/" + std::to_string(acme)).status, 204);
  auto after = client().get("/v1/contacts/" + std::to_string(ann));
  ASSERT_EQ(after.status, 200);
  EXPECT_TRUE(after.json()->isNull("account_id"));
  EXPECT_EQ(patch("/v1/contacts/" + std::to_string(bob), R"({"account_id":424242})").status, 422);
}

TEST_P(PipelinesTest, ListsFilterAndPaginate) {
  long long c1 = contact("E1"), c2 = contact("E2");
  for (int i = 0; i < 5; ++i) create("/v1/leads", "{\"contact_id\":" + std::to_string(c1) + "}");
  for (int i = 0; i < 3; ++i) create("/v1/leads", "{\"contact_id\":" + std::to_string(c2) + "}");
  auto page1 = client().get("/v1/leads?contact_id=" + std::to_string(c1) + "&limit=3");
  ASSERT_EQ(page1.status, 200) << page1.body;
  EXPECT_EQ(ids(page1).size(), 3u);
  std::string cursor = page1.json()->getValue<std::string>("next_cursor");
  auto page2 =
      client().get("/v1/leads?contact_id=" + std::to_string(c1) + "&limit=3&cursor=" + cursor);
  EXPECT_EQ(ids(page2).size(), 2u);
  EXPECT_TRUE(page2.json()->isNull("next_cursor"));
  EXPECT_EQ(
      ids(client().get("/v1/leads?contact_id=" + std::to_string(c1) + "," + std::to_string(c2)))
          .size(),
      8u);
  auto desc = ids(client().get("/v1/leads?order=desc&limit=2"));
  ASSERT_EQ(desc.size(), 2u);
  EXPECT_GT(desc[0], desc[1]);
  EXPECT_EQ(ids(client().get("/v1/leads?owner_id=null")).size(), 8u);
}

SB_INSTANTIATE_BACKENDS(PipelinesTest);

}  // namespace
}  // namespace sb::test
