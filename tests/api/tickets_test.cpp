// Tickets with SLA policies, comments and the breach scan; appointments and booking
// aggregates; over HTTP on both backends.
#include "crm_fixture.h"
#include "model/clock.h"
#include "store/team_store.h"
#include "store/ticket_rules.h"

namespace sb::test {
namespace {

class TicketsTest : public CrmTest {
 protected:
  static long long ms(const HttpResult& r, const std::string& field) {
    return *parse_iso8601(r.json()->getValue<std::string>(field));
  }
};

TEST_P(TicketsTest, DueTimesFollowTheDefaultPolicyAndPriority) {
  long long c = contact("Ann");
  auto r =
      client().post("/v1/tickets", "{\"subject\":\"Broken\",\"contact_id\":" + std::to_string(c) +
                                       ",\"priority\":\"urgent\"}");
  ASSERT_EQ(r.status, 201) << r.body;
  long long created = ms(r, "created_at");
  // The Standard policy: urgent = 60 min first response, 240 min resolution.
  EXPECT_EQ(ms(r, "first_response_due_at") - created, 60 * 60000);
  EXPECT_EQ(ms(r, "resolve_due_at") - created, 240 * 60000);
  EXPECT_EQ(r.json()->getValue<std::string>("status"), "open");
  long long id = r.json()->getValue<long long>("id");
  auto low = patch("/v1/tickets/" + std::to_string(id), R"({"priority":"low"})");
  ASSERT_EQ(low.status, 200) << low.body;
  EXPECT_EQ(ms(low, "first_response_due_at") - created, 1440 * 60000) << "recomputed from creation";
}

TEST_P(TicketsTest, BusinessHoursPushDueTimesIntoOpeningHours) {
  long long policy = create("/v1/sla-policies",
                            R"({"name":"Office","is_default":true,
      "targets":{"normal":{"first_response_minutes":120,"resolution_minutes":600}},
      "business_hours":{"time_zone":"UTC","days":[1,2,3,4,5],"start":"09:00","end":"17:00"}})");
  auto r = client().post("/v1/tickets", R"({"subject":"Question"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()->getValue<long long>("sla_policy_id"), policy);
  long long due = ms(r, "resolve_due_at");
  // Whatever the time now, 600 working minutes end inside a weekday's 09:00-17:00 window.
  long long minute_of_day = (due / 60000) % (24 * 60);
  EXPECT_GE(minute_of_day, 9 * 60);
  EXPECT_LE(minute_of_day, 17 * 60);
  EXPECT_GT(due - ms(r, "created_at"), 600LL * 60000) << "10 working hours span two days";
  auto bad = client().post("/v1/sla-policies",
                           R"({"name":"X","targets":{"normal":{"first_response_minutes":0}}})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(field_of(bad), "targets.normal.first_response_minutes");
  bad = client().post("/v1/sla-policies",
                      R"({"name":"X","targets":{},"business_hours":{"time_zone":"Mars/Olympus"}})");
  EXPECT_EQ(field_of(bad), "business_hours.time_zone");
  bad = client().post("/v1/sla-policies", R"({"name":"X","targets":{"vip":{}}})");
  EXPECT_EQ(field_of(bad), "targets.vip");
}

TEST_P(TicketsTest, LifecycleEventsAssignResolveAndFirstResponse) {
  long long c = contact("Bo");
  long long agent = user("agent1");
  long long t =
      create("/v1/tickets", "{\"subject\":\"Refund\",\"contact_id\":" + std::to_string(c) +
                                ",\"tags\":[\"billing\"],\"channel\":\"WhatsApp\"}");
  std::string url = "/v1/tickets/" + std::to_string(t);
  ASSERT_EQ(patch(url, "{\"assignee_id\":" + std::to_string(agent) + "}").status, 200);
  ASSERT_EQ(client().post(url + "/comments", R"({"body":"internal note","internal":true})").status,
            201);
  EXPECT_TRUE(client().get(url).json()->isNull("first_responded_at"));
  auto reply = client().post(url + "/comments", R"({"body":"We are on it"})");
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_FALSE(reply.json()->isNull("author_key_id"));
  EXPECT_FALSE(client().get(url).json()->isNull("first_responded_at"));
  auto resolved = patch(url, R"({"status":"resolved"})");
  ASSERT_EQ(resolved.status, 200);
  EXPECT_FALSE(resolved.json()->isNull("resolved_at"));
  auto reopened = patch(url, R"({"status":"open"})");
  EXPECT_TRUE(reopened.json()->isNull("resolved_at"));
  EXPECT_EQ(reopened.json()->getValue<std::string>("channel"), "whatsapp");

  auto types = event_types();
  EXPECT_EQ(count_of(types, "ticket.created"), 1);
  EXPECT_EQ(count_of(types, "ticket.assigned"), 1);
  EXPECT_EQ(count_of(types, "ticket.resolved"), 1);
  EXPECT_EQ(count_of(types, "ticket_comment.created"), 2);
  EXPECT_EQ(patch(url, R"({"assignee_id":999999})").status, 422);
  EXPECT_EQ(patch(url, R"({"status":"done"})").status, 422);
  EXPECT_EQ(patch(url, R"({"sla_breached":true})").status, 422) << "server-managed";
  EXPECT_EQ(ids(client().get("/v1/tickets?tags=billing")).size(), 1u);
  EXPECT_EQ(ids(client().get("/v1/tickets?tags=other")).size(), 0u);
}

TEST_P(TicketsTest, TheScanFlagsBreachesOnceAndEmitsAnEvent) {
  long long c = contact("Cy");
  long long t1 = create("/v1/tickets", "{\"subject\":\"A\",\"contact_id\":" + std::to_string(c) +
                                           ",\"priority\":\"urgent\"}");
  long long t2 = create("/v1/tickets", "{\"subject\":\"B\",\"priority\":\"urgent\"}");
  ASSERT_EQ(
      client().post("/v1/tickets/" + std::to_string(t2) + "/comments", R"({"body":"hi"})").status,
      201);
  long long t3 = create("/v1/tickets", "{\"subject\":\"C\",\"priority\":\"urgent\"}");
  ASSERT_EQ(patch("/v1/tickets/" + std::to_string(t3), R"({"status":"closed"})").status, 200);
  Database& db = server_->database();
  EXPECT_EQ(scan_sla_breaches(db, now_ms(), 100), 0) << "nothing is due yet";
  // 61 minutes on: t1's first response is late; t2 answered in time; t3 is closed.
  EXPECT_EQ(scan_sla_breaches(db, now_ms() + 61 * 60000, 100), 1);
  EXPECT_EQ(scan_sla_breaches(db, now_ms() + 61 * 60000, 100), 0) << "flagged once";
  EXPECT_TRUE(
      client().get("/v1/tickets/" + std::to_string(t1)).json()->getValue<bool>("sla_breached"));
  EXPECT_FALSE(
      client().get("/v1/tickets/" + std::to_string(t2)).json()->getValue<bool>("sla_breached"));
  // 5 hours on: t2 misses its resolution target.
  EXPECT_EQ(scan_sla_breaches(db, now_ms() + 5 * 3600000LL, 100), 1);
  EXPECT_EQ(count_of(event_types(), "ticket.sla_breached"), 2);
  EXPECT_EQ(ids(client().get("/v1/tickets?sla_breached=true")).size(), 2u);
}

TEST_P(TicketsTest, ABotSeesAContactsRecentTickets) {
  long long c = contact("Di"), other = contact("Ed");
  long long open1 =
      create("/v1/tickets", "{\"subject\":\"1\",\"contact_id\":" + std::to_string(c) + "}");
  long long open2 =
      create("/v1/tickets", "{\"subject\":\"2\",\"contact_id\":" + std::to_string(c) + "}");
  long long done =
      create("/v1/tickets", "{\"subject\":\"3\",\"contact_id\":" + std::to_string(c) + "}");
  create("/v1/tickets", "{\"subject\":\"4\",\"contact_id\":" + std::to_string(other) + "}");
  ASSERT_EQ(patch("/v1/tickets/" + std::to_string(done), R"({"status":"resolved"})").status, 200);
  auto r = client().get("/v1/contacts/" + std::to_string(c) + "/tickets?status=open");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (std::vector<long long>{open2, open1})) << "newest first";
  EXPECT_EQ(ids(client().get("/v1/contacts/" + std::to_string(c) + "/tickets")).size(), 3u);
  EXPECT_EQ(client().get("/v1/contacts/999999/tickets").status, 404);
  EXPECT_EQ(client().get("/v1/contacts/" + std::to_string(c) + "/tickets?status=nope").status, 400);
}

TEST_P(TicketsTest, AppointmentsTrackStatusReschedulesAndBookingStats) {
  long long c = contact("Fay");
  std::string base = "{\"contact_id\":" + std::to_string(c) + ",\"service\":\"Haircut\",";
  auto a1 = client().post(
      "/v1/appointments",
      base +
          R"("starts_at":"2030-01-07T02:00:00Z","ends_at":"2030-01-07T03:00:00Z","time_zone":"Asia/Ho_Chi_Minh"})");
  ASSERT_EQ(a1.status, 201) << a1.body;
  long long id1 = a1.json()->getValue<long long>("id");
  create(
      "/v1/appointments",
      base +
          R"("starts_at":"2030-01-14T02:00:00Z","ends_at":"2030-01-14T03:00:00Z","time_zone":"Asia/Ho_Chi_Minh"})");
  long long id3 =
      create("/v1/appointments",
             base + R"("starts_at":"2030-01-09T10:00:00Z","ends_at":"2030-01-09T11:00:00Z"})");
  std::string url1 = "/v1/appointments/" + std::to_string(id1);
  auto moved =
      patch(url1, R"({"starts_at":"2030-01-07T03:00:00Z","ends_at":"2030-01-07T04:00:00Z"})");
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()->getArray("reschedule_history")->size(), 1u);
  ASSERT_EQ(patch("/v1/appointments/" + std::to_string(id3), R"({"status":"no_show"})").status,
            200);
  auto final_change = patch("/v1/appointments/" + std::to_string(id3), R"({"status":"booked"})");
  EXPECT_EQ(final_change.status, 409) << final_change.body;
  EXPECT_EQ(patch(url1, R"({"ends_at":"2030-01-07T02:00:00Z"})").status, 422)
      << "ends before start";
  EXPECT_EQ(
      client()
          .post(
              "/v1/appointments",
              base +
                  R"("starts_at":"2030-01-07T02:00:00Z","ends_at":"2030-01-07T03:00:00Z","time_zone":"Nowhere/City"})")
          .status,
      422);

  auto types = event_types();
  EXPECT_EQ(count_of(types, "appointment.booked"), 3);
  EXPECT_EQ(count_of(types, "appointment.rescheduled"), 1);
  EXPECT_EQ(count_of(types, "appointment.no_show"), 1);

  auto stats = client().get("/v1/contacts/" + std::to_string(c) + "/booking-stats");
  ASSERT_EQ(stats.status, 200) << stats.body;
  auto s = stats.json();
  EXPECT_EQ(s->getValue<int>("bookings"), 3);
  EXPECT_EQ(s->getValue<int>("no_shows"), 1);
  EXPECT_EQ(s->getValue<int>("upcoming"), 2);
  // 02:00/03:00 UTC on Mondays is 09:00/10:00 in Ho Chi Minh City (UTC+7).
  EXPECT_EQ(s->getValue<std::string>("preferred_weekday"), "monday");
  EXPECT_GT(s->getValue<double>("average_advance_hours"), 24.0);
}

TEST_P(TicketsTest, AppointmentsListByTimeWindowForACalendar) {
  long long c = contact("Gus");
  auto book = [&](const std::string& starts, const std::string& ends) {
    return create("/v1/appointments", "{\"contact_id\":" + std::to_string(c) +
                                          R"(,"service":"Visit","starts_at":")" + starts +
                                          R"(","ends_at":")" + ends + "\"}");
  };
  long long sunday = book("2030-03-03T23:30:00Z", "2030-03-04T00:30:00Z");  // ends in the week
  long long monday = book("2030-03-04T00:00:00Z", "2030-03-04T01:00:00Z");  // the first instant
  long long friday = book("2030-03-08T10:00:00Z", "2030-03-08T11:00:00Z");
  book("2030-03-11T00:00:00Z", "2030-03-11T01:00:00Z");  // the next week: left out
  auto ids = [&](const std::string& query) {
    auto r = client().get("/v1/appointments?" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<long long> out;
    auto data = r.json()->getArray("data");
    for (std::size_t i = 0; i < data->size(); ++i)
      out.push_back(data->getObject(static_cast<unsigned>(i))->getValue<long long>("id"));
    return out;
  };
  // What a week view asks: every appointment overlapping [Mon 00:00, next Mon 00:00).
  EXPECT_EQ(ids("starts_at.lt=2030-03-11T00:00:00Z&ends_at.gt=2030-03-04T00:00:00Z"),
            (std::vector<long long>{sunday, monday, friday}));
  EXPECT_EQ(ids("starts_at.gte=2030-03-04T00:00:00Z&starts_at.lte=2030-03-08T10:00:00Z"),
            (std::vector<long long>{monday, friday}));
  EXPECT_EQ(ids("starts_at.gt=2030-03-04T00:00:00Z&starts_at.lt=2030-03-11T00:00:00Z"),
            (std::vector<long long>{friday}));
  // Refused precisely: a bad time, an unknown operator, a field without ranges.
  auto bad = client().get("/v1/appointments?starts_at.gte=next+monday");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("starts_at.gte"), std::string::npos) << bad.body;
  EXPECT_EQ(client().get("/v1/appointments?starts_at.between=2030-03-04T00:00:00Z").status, 400);
  EXPECT_EQ(client().get("/v1/appointments?service.gte=2030-03-04T00:00:00Z").status, 400);
  // Another team's appointments never appear in its window.
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  auto theirs =
      client(b_team->owner_key.secret).get("/v1/appointments?starts_at.gte=2030-01-01T00:00:00Z");
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(theirs.json()->getArray("data")->size(), 0u);
}

SB_INSTANTIATE_BACKENDS(TicketsTest);

}  // namespace
}  // namespace sb::test
