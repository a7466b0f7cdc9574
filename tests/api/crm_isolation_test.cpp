// Tenant isolation and hostile input across every CRM entity route, on both backends.
#include "crm_fixture.h"

namespace sb::test {
namespace {

class CrmIsolationTest : public CrmTest {};

TEST_P(CrmIsolationTest, TeamBCanNeverReachTeamARows) {
  long long c = contact("Ann", "ann@a.io");
  long long account = create("/v1/accounts", R"({"name":"A Corp","domain":"a.io"})");
  long long pipeline = create("/v1/pipelines", R"({"name":"A deals"})");
  long long stage =
      create("/v1/pipelines/" + std::to_string(pipeline) + "/stages", R"({"name":"S"})");
  long long lead = create("/v1/leads", "{\"contact_id\":" + std::to_string(c) + "}");
  long long activity = create("/v1/leads/" + std::to_string(lead) + "/activities",
                              R"({"type":"call","subject":"x"})");
  long long policy = create("/v1/sla-policies", R"({"name":"P","targets":{}})");
  long long ticket =
      create("/v1/tickets", "{\"subject\":\"t\",\"contact_id\":" + std::to_string(c) + "}");
  long long comment =
      create("/v1/tickets/" + std::to_string(ticket) + "/comments", R"({"body":"x"})");
  long long appt = create(
      "/v1/appointments",
      "{\"contact_id\":" + std::to_string(c) +
          R"(,"service":"s","starts_at":"2030-01-01T00:00:00Z","ends_at":"2030-01-01T01:00:00Z"})");
  long long form = create(
      "/v1/forms",
      R"({"name":"f","slug":"team-a-form","fields":[{"key":"email","type":"email","maps_to":"email"}]})");
  ASSERT_EQ(anonymous().post("/f/team-a-form", R"({"email":"v@a.io"})").status, 201);
  long long sub = ids(client().get("/v1/forms/" + std::to_string(form) + "/submissions")).at(0);

  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  HttpClient b = client(b_team->owner_key.secret);
  // Team B's owner signed in through the console: a session, not a key, sees no more.
  HttpClient b_person = person("bella", "owner", b_team->owner_key.secret);
  auto s = [](long long v) { return std::to_string(v); };
  struct Call {
    std::string method, url, body;
  } calls[] = {
      {"GET", "/v1/accounts/" + s(account), ""},
      {"PATCH", "/v1/accounts/" + s(account), R"({"name":"x"})"},
      {"DELETE", "/v1/accounts/" + s(account), ""},
      {"GET", "/v1/pipelines/" + s(pipeline), ""},
      {"PATCH", "/v1/pipelines/" + s(pipeline), R"({"name":"x"})"},
      {"DELETE", "/v1/pipelines/" + s(pipeline), ""},
      {"GET", "/v1/pipelines/" + s(pipeline) + "/board", ""},
      {"GET", "/v1/pipelines/" + s(pipeline) + "/stages", ""},
      {"POST", "/v1/pipelines/" + s(pipeline) + "/stages", R"({"name":"x"})"},
      {"GET", "/v1/pipelines/" + s(pipeline) + "/stages/" + s(stage), ""},
      {"PATCH", "/v1/pipelines/" + s(pipeline) + "/stages/" + s(stage), R"({"name":"x"})"},
      {"DELETE", "/v1/pipelines/" + s(pipeline) + "/stages/" + s(stage), ""},
      {"GET", "/v1/leads/" + s(lead), ""},
      {"PATCH", "/v1/leads/" + s(lead), R"({"title":"x"})"},
      {"DELETE", "/v1/leads/" + s(lead), ""},
      {"GET", "/v1/leads/" + s(lead) + "/activities", ""},
      {"POST", "/v1/leads/" + s(lead) + "/activities", R"({"type":"call","subject":"x"})"},
      {"GET", "/v1/leads/" + s(lead) + "/activities/" + s(activity), ""},
      {"PATCH", "/v1/leads/" + s(lead) + "/activities/" + s(activity), R"({"done":true})"},
      {"DELETE", "/v1/leads/" + s(lead) + "/activities/" + s(activity), ""},
      {"GET", "/v1/sla-policies/" + s(policy), ""},
      {"PATCH", "/v1/sla-policies/" + s(policy), R"({"name":"x"})"},
      {"DELETE", "/v1/sla-policies/" + s(policy), ""},
      {"GET", "/v1/tickets/" + s(ticket), ""},
      {"PATCH", "/v1/tickets/" + s(ticket), R"({"status":"closed"})"},
      {"DELETE", "/v1/tickets/" + s(ticket), ""},
      {"GET", "/v1/tickets/" + s(ticket) + "/comments", ""},
      {"POST", "/v1/tickets/" + s(ticket) + "/comments", R"({"body":"x"})"},
      {"GET", "/v1/tickets/" + s(ticket) + "/comments/" + s(comment), ""},
      {"PATCH", "/v1/tickets/" + s(ticket) + "/comments/" + s(comment), R"({"body":"x"})"},
      {"DELETE", "/v1/tickets/" + s(ticket) + "/comments/" + s(comment), ""},
      {"GET", "/v1/contacts/" + s(c) + "/tickets", ""},
      {"GET", "/v1/contacts/" + s(c) + "/booking-stats", ""},
      {"GET", "/v1/appointments/" + s(appt), ""},
      {"PATCH", "/v1/appointments/" + s(appt), R"({"status":"cancelled"})"},
      {"DELETE", "/v1/appointments/" + s(appt), ""},
      {"GET", "/v1/forms/" + s(form), ""},
      {"PATCH", "/v1/forms/" + s(form), R"({"enabled":false})"},
      {"DELETE", "/v1/forms/" + s(form), ""},
      {"GET", "/v1/forms/" + s(form) + "/submissions", ""},
      {"GET", "/v1/forms/" + s(form) + "/submissions/" + s(sub), ""},
      {"DELETE", "/v1/forms/" + s(form) + "/submissions/" + s(sub), ""},
  };
  for (const auto& call : calls) {
    std::map<std::string, std::string> h;
    if (!call.body.empty()) h["Content-Type"] = "application/json";
    auto r = b_person.send(call.method, call.url, call.body, h);
    EXPECT_EQ(r.status, 404) << "session: " << call.method << " " << call.url << " " << r.body;
    r = b.send(call.method, call.url, call.body, h);
    EXPECT_EQ(r.status, 404) << call.method << " " << call.url << " " << r.body;
  }
  // Team B's own rows may not point at team A's.
  struct Ref {
    std::string url, body, field;
  } refs[] = {
      {"/v1/leads", "{\"contact_id\":" + s(c) + "}", "contact_id"},
      {"/v1/tickets", "{\"subject\":\"x\",\"contact_id\":" + s(c) + "}", "contact_id"},
      {"/v1/appointments",
       "{\"contact_id\":" + s(c) +
           R"(,"service":"s","starts_at":"2030-01-01T00:00:00Z","ends_at":"2030-01-01T01:00:00Z"})",
       "contact_id"},
  };
  for (const auto& ref : refs) {
    auto r = b.post(ref.url, ref.body);
    EXPECT_EQ(r.status, 422) << ref.url << " " << r.body;
    EXPECT_EQ(field_of(r), ref.field);
  }
  long long b_contact = b.post("/v1/contacts", R"({"name":"B"})").json()->getValue<long long>("id");
  auto cross_stage = b.post(
      "/v1/leads", "{\"contact_id\":" + s(b_contact) + ",\"pipeline_id\":" + s(pipeline) + "}");
  EXPECT_EQ(cross_stage.status, 422) << cross_stage.body;
  auto cross_account = b.post(
      "/v1/leads", "{\"contact_id\":" + s(b_contact) + ",\"account_id\":" + s(account) + "}");
  EXPECT_EQ(field_of(cross_account), "account_id");
  // Lists never show team A's rows; the same email domain does not link across teams.
  for (std::string list : {"/v1/accounts", "/v1/leads", "/v1/tickets", "/v1/appointments",
                           "/v1/forms", "/v1/sla-policies"}) {
    auto r = b.get(list);
    ASSERT_EQ(r.status, 200) << list;
    for (long long id : ids(r)) {
      for (long long a_id : {account, lead, ticket, appt, form, policy})
        EXPECT_NE(id, a_id) << list;  // ids come from one sequence per table
    }
  }
  long long b_ann = b.post("/v1/contacts", R"({"name":"Ann B","email":"ann2@a.io"})")
                        .json()
                        ->getValue<long long>("id");
  EXPECT_TRUE(b.get("/v1/contacts/" + s(b_ann)).json()->isNull("account_id"));
  // Team A's rows are intact.
  EXPECT_EQ(client().get("/v1/tickets/" + s(ticket)).json()->getValue<std::string>("status"),
            "open");
  EXPECT_EQ(client().get("/v1/forms/" + s(form)).json()->getValue<bool>("enabled"), true);
}

TEST_P(CrmIsolationTest, HostileInputGetsPreciseErrors) {
  long long c = contact("Zed");
  struct Case {
    std::string method, url, body;
    int status;
    std::string field;
  } cases[] = {
      {"POST", "/v1/tickets", R"({"subject":"x","bogus":1})", 422, "bogus"},
      {"POST", "/v1/tickets", R"({"subject":"x","id":5})", 422, "id"},
      {"POST", "/v1/tickets", R"({"subject":42})", 422, "subject"},
      {"POST", "/v1/tickets", R"({"subject":""})", 422, "subject"},
      {"POST", "/v1/tickets", R"({"description":"no subject"})", 422, "subject"},
      {"POST", "/v1/tickets", R"({"subject":"x","priority":"ASAP"})", 422, "priority"},
      {"POST", "/v1/tickets", R"({"subject":"x","status":null})", 422, "status"},
      {"POST", "/v1/tickets", R"({"subject":"x","tags":"vip"})", 422, "tags"},
      {"POST", "/v1/tickets", R"({"subject":"x","contact_id":-3})", 422, "contact_id"},
      {"POST", "/v1/tickets", R"({"subject":"x","contact_id":"1"})", 422, "contact_id"},
      {"POST", "/v1/tickets", "{\"subject\":\"" + std::string(300, 'x') + "\"}", 422, "subject"},
      {"POST", "/v1/tickets", R"({"subject":"x","resolved_at":"2020-01-01T00:00:00Z"})", 422,
       "resolved_at"},
      {"POST", "/v1/leads", "{\"contact_id\":" + std::to_string(c) + ",\"value\":-5}", 422,
       "value"},
      {"POST", "/v1/leads", "{\"contact_id\":" + std::to_string(c) + ",\"currency\":\"usd\"}", 422,
       "currency"},
      {"POST", "/v1/leads",
       "{\"contact_id\":" + std::to_string(c) + ",\"expected_close_date\":\"2026-02-30\"}", 422,
       "expected_close_date"},
      {"POST", "/v1/leads", "{\"contact_id\":" + std::to_string(c) + ",\"value\":1e400}", 400, ""},
      {"POST", "/v1/appointments",
       "{\"contact_id\":" + std::to_string(c) +
           R"(,"service":"s","starts_at":"tomorrow","ends_at":"2030-01-01T01:00:00Z"})",
       422, "starts_at"},
      {"PATCH", "/v1/appointments/999999", R"({"notes":"x"})", 404, ""},
      {"POST", "/v1/tickets", R"({"subject":"x")", 400, ""},
      {"GET", "/v1/tickets?status=open'%20OR%201=1--", "", 400, ""},
      {"GET", "/v1/tickets?subject=x", "", 400, ""},
      {"GET", "/v1/tickets?contact_id=1;DROP%20TABLE%20tickets", "", 400, ""},
      {"GET", "/v1/tickets?order=sideways", "", 400, ""},
      {"GET", "/v1/tickets/abc", "", 404, ""},
  };
  for (const auto& k : cases) {
    std::map<std::string, std::string> h;
    if (!k.body.empty()) h["Content-Type"] = "application/json";
    auto r = client().send(k.method, k.url, k.body, h);
    EXPECT_EQ(r.status, k.status) << k.method << " " << k.url << " " << k.body << " -> " << r.body;
    if (!k.field.empty()) {
      EXPECT_EQ(field_of(r), k.field) << k.body;
    }
  }
  // A SQL-ish value in a text filter is only ever a value: no rows, no error, table intact.
  auto sqlish = client().get("/v1/tickets?channel=x'%20OR%20'1'='1");
  EXPECT_EQ(sqlish.status, 200) << sqlish.body;
  EXPECT_TRUE(ids(sqlish).empty());
  EXPECT_EQ(client().get("/v1/tickets").status, 200);
  // Roles: a viewer reads but cannot write; an agent cannot change admin-owned setup.
  std::string viewer = key_with_role("viewer"), agent = key_with_role("agent");
  EXPECT_EQ(client(viewer).get("/v1/tickets").status, 200);
  EXPECT_EQ(client(viewer).post("/v1/tickets", R"({"subject":"x"})").status, 403);
  EXPECT_EQ(client(agent).post("/v1/tickets", R"({"subject":"x"})").status, 201);
  EXPECT_EQ(client(agent).post("/v1/pipelines", R"({"name":"x"})").status, 403);
  EXPECT_EQ(client(agent).post("/v1/sla-policies", R"({"name":"x","targets":{}})").status, 403);
  EXPECT_EQ(client(agent).post("/v1/forms", R"({"name":"x","fields":[{"key":"a"}]})").status, 403);
  EXPECT_EQ(count_of(event_types(), "ticket.created"), 1) << "refused writes left no events";
}

SB_INSTANTIATE_BACKENDS(CrmIsolationTest);

}  // namespace
}  // namespace sb::test
