// Analytics over real HTTP on both backends: fixed rows (their times set in the database)
// give exact counts per day in a time zone across its spring-forward change, per week and
// month, as JSON and CSV; conversation rates; refusals; and team B's rows never counted.
#include <soci/soci.h>

#include "api/crm_fixture.h"

namespace sb::test {
namespace {

class AnalyticsTest : public CrmTest {
 protected:
  void adjust(Config& c) override { c.events.workers = 0; }
  void at(long long contact, const std::string& iso) {
    const std::string ms = std::to_string(*parse_iso8601(iso));
    server_->database().write([&](soci::session& s) {
      s << "UPDATE contacts SET created_at = " + ms + " WHERE id = " + std::to_string(contact);
    });
  }
  long long conversation(long long team, long long contact, const std::string& platform,
                         const std::string& iso, int handed_off, int escalated,
                         std::optional<int> rating) {
    const std::string ms = std::to_string(*parse_iso8601(iso));
    const std::string ref = "c" + std::to_string(conversations_ + 1);
    server_->database().write([&](soci::session& s) {
      s << "INSERT INTO conversations (team_id, agent_id, contact_id, external_id, platform, "
           "started_at, last_message_at, handed_off, escalated, rating, created_at, updated_at) "
           "VALUES (" +
               std::to_string(team) + ", 1, " + std::to_string(contact) + ", 'c" +
               std::to_string(++conversations_) + "', '" + platform + "', " + ms + ", " + ms +
               ", " + std::to_string(handed_off) + ", " + std::to_string(escalated) + ", " +
               (rating ? std::to_string(*rating) : "NULL") + ", " + ms + ", " + ms + ")";
    });
    long long id = 0;
    server_->database().read([&](soci::session& s) {
      s << "SELECT id FROM conversations WHERE team_id = " + std::to_string(team) +
               " AND external_id = '" + ref + "'",
          soci::into(id);
    });
    return id;
  }
  void message(long long team, long long conversation, long long contact, const std::string& role,
               const std::string& iso) {
    const std::string ms = std::to_string(*parse_iso8601(iso));
    server_->database().write([&](soci::session& s) {
      s << "INSERT INTO messages (team_id, agent_id, conversation_id, contact_id, "
           "conversation_ref, external_id, role, text, sent_at, created_at) VALUES (" +
               std::to_string(team) + ", 1, " + std::to_string(conversation) + ", " +
               std::to_string(contact) + ", 'r" + std::to_string(conversation) + "', 'm" +
               std::to_string(++messages_) + "', '" + role + "', 'hi', " + ms + ", " + ms + ")";
    });
  }
  int messages_ = 0;
  int conversations_ = 0;
};

TEST_P(AnalyticsTest, NewContactsPerLocalDayAcrossDaylightSavingAsJsonAndCsv) {
  // Madrid moves to summer time on 2026-03-29: that day runs 23:00Z (28th) to 22:00Z (29th).
  at(create("/v1/contacts", R"({"name":"Early"})"), "2026-03-28T22:59:00Z");   // 28th, 23:59
  at(create("/v1/contacts", R"({"name":"Sunday"})"), "2026-03-29T21:30:00Z");  // 29th, 23:30
  at(create("/v1/contacts", R"({"name":"Late"})"), "2026-03-29T22:30:00Z");    // 30th, 00:30
  at(create("/v1/contacts", R"({"name":"Form","source":"form"})"), "2026-03-29T09:00:00Z");
  auto b = provision_team(server_->database(), "Team B", std::nullopt, false);
  long long theirs = create("/v1/contacts", R"({"name":"B"})", b->owner_key.secret);
  at(theirs, "2026-03-29T09:00:00Z");

  auto r = client().get(
      "/v1/analytics/contacts?period=day&from=2026-03-28&to=2026-03-30&time_zone=Europe/Madrid");
  ASSERT_EQ(r.status, 200) << r.body;
  auto periods = r.json()->getArray("periods");
  ASSERT_EQ(periods->size(), 3u);
  auto day = [&](unsigned i) { return periods->getObject(i); };
  EXPECT_EQ(day(0)->getValue<std::string>("label"), "2026-03-28");
  EXPECT_EQ(day(0)->getValue<long long>("total"), 1);
  EXPECT_EQ(day(1)->getValue<std::string>("start"), "2026-03-28T23:00:00.000Z");
  EXPECT_EQ(day(1)->getValue<std::string>("end"), "2026-03-29T22:00:00.000Z");
  EXPECT_EQ(day(1)->getValue<long long>("total"), 2) << "team B's contact is not counted";
  EXPECT_EQ(day(1)->getObject("counts")->getValue<long long>("form"), 1);
  EXPECT_EQ(day(1)->getObject("counts")->getValue<long long>("api"), 1);
  EXPECT_EQ(day(2)->getValue<long long>("total"), 1);
  // In UTC the late one falls on the 29th.
  auto utc =
      client().get("/v1/analytics/contacts?period=day&from=2026-03-29&to=2026-03-29&time_zone=UTC");
  EXPECT_EQ(utc.json()->getArray("periods")->getObject(0)->getValue<long long>("total"), 3);

  auto csv = client().get(
      "/v1/analytics/contacts?period=week&from=2026-03-28&to=2026-03-30&time_zone=Europe/"
      "Madrid&format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers["content-type"].rfind("text/csv", 0), 0u);
  EXPECT_EQ(csv.body,
            "period,start,end,total,api,form\r\n"
            "2026-03-23,2026-03-22T23:00:00.000Z,2026-03-29T22:00:00.000Z,3,2,1\r\n"
            "2026-03-30,2026-03-29T22:00:00.000Z,2026-04-05T22:00:00.000Z,1,1,0\r\n");
  auto by_platform =
      client().get("/v1/analytics/contacts?period=month&from=2026-03-01&to=2026-03-31&by=platform");
  EXPECT_EQ(by_platform.json()->getArray("periods")->getObject(0)->getValue<long long>("total"), 4);
  // And team B sees only its own.
  auto theirs_view = client(b->owner_key.secret)
                         .get("/v1/analytics/contacts?period=month&from=2026-03-01&to=2026-03-31");
  EXPECT_EQ(theirs_view.json()->getArray("periods")->getObject(0)->getValue<long long>("total"), 1);
}

TEST_P(AnalyticsTest, ConversationVolumeRatesAndRatingsPerPeriod) {
  long long c = create("/v1/contacts", R"({"name":"Chatty"})");
  conversation(1, c, "whatsapp", "2026-05-04T10:00:00Z", 1, 0, 5);
  conversation(1, c, "whatsapp", "2026-05-04T11:00:00Z", 0, 1, 2);
  conversation(1, c, "web", "2026-05-05T11:00:00Z", 0, 0, std::nullopt);
  conversation(1, c, "web", "2026-05-05T12:00:00Z", 1, 0, 4);
  auto b = provision_team(server_->database(), "Team B", std::nullopt, false);
  long long theirs = create("/v1/contacts", R"({"name":"B"})", b->owner_key.secret);
  conversation(b->team.id, theirs, "web", "2026-05-05T12:00:00Z", 1, 1, 1);

  auto r = client().get("/v1/analytics/conversations?period=day&from=2026-05-04&to=2026-05-05");
  ASSERT_EQ(r.status, 200) << r.body;
  auto first = r.json()->getArray("periods")->getObject(0);
  EXPECT_EQ(first->getValue<long long>("total"), 2);
  EXPECT_EQ(first->getObject("by_platform")->getValue<long long>("whatsapp"), 2);
  EXPECT_DOUBLE_EQ(first->getValue<double>("handoff_rate"), 0.5);
  EXPECT_DOUBLE_EQ(first->getValue<double>("escalation_rate"), 0.5);
  EXPECT_DOUBLE_EQ(first->getValue<double>("average_rating"), 3.5);
  EXPECT_DOUBLE_EQ(first->getValue<double>("csat"), 0.5);
  auto second = r.json()->getArray("periods")->getObject(1);
  EXPECT_EQ(second->getValue<long long>("total"), 2) << "team B's conversation is not counted";
  EXPECT_EQ(second->getValue<long long>("rated"), 1);
  EXPECT_DOUBLE_EQ(second->getValue<double>("average_rating"), 4);
  auto web = client().get(
      "/v1/analytics/conversations?period=month&from=2026-05-01&to=2026-05-31&platform=web");
  EXPECT_EQ(web.json()->getArray("periods")->getObject(0)->getValue<long long>("total"), 2);
  auto empty = client().get("/v1/analytics/conversations?period=day&from=2026-06-01&to=2026-06-01");
  auto none = empty.json()->getArray("periods")->getObject(0);
  EXPECT_EQ(none->getValue<long long>("total"), 0);
  EXPECT_TRUE(none->isNull("average_rating")) << "no ratings: no average";
  auto csv = client().get(
      "/v1/analytics/conversations?period=day&from=2026-05-04&to=2026-05-04&format=csv");
  EXPECT_EQ(csv.body,
            "period,start,end,total,handed_off,escalated,resolved,rated,average_rating,csat\r\n"
            "2026-05-04,2026-05-04T00:00:00.000Z,2026-05-05T00:00:00.000Z,2,1,1,0,2,3.5,0.5\r\n");
}

TEST_P(AnalyticsTest, ResponseTimesOfTheBotAndTheTeamAfterTheFirstCustomerMessage) {
  long long c = create("/v1/contacts", R"({"name":"Waiting"})");
  long long v1 = conversation(1, c, "whatsapp", "2026-05-04T10:00:00Z", 0, 0, std::nullopt);
  message(1, v1, c, "user", "2026-05-04T10:00:00Z");
  message(1, v1, c, "bot", "2026-05-04T10:00:02Z");    // 2 s
  message(1, v1, c, "agent", "2026-05-04T10:05:00Z");  // 5 min
  long long v2 = conversation(1, c, "whatsapp", "2026-05-04T11:00:00Z", 0, 0, std::nullopt);
  message(1, v2, c, "system", "2026-05-04T11:00:00Z");  // not the customer
  message(1, v2, c, "user", "2026-05-04T11:00:10Z");
  message(1, v2, c, "bot", "2026-05-04T11:00:16Z");  // 6 s; no person answers
  long long v3 = conversation(1, c, "web", "2026-05-04T12:00:00Z", 0, 0, std::nullopt);
  message(1, v3, c, "bot", "2026-05-04T11:59:00Z");  // a greeting before the question
  message(1, v3, c, "user", "2026-05-04T12:00:00Z");
  message(1, v3, c, "agent", "2026-05-04T12:30:00Z");  // 30 min
  long long v4 = conversation(1, c, "web", "2026-05-04T13:00:00Z", 0, 0, std::nullopt);
  message(1, v4, c, "bot", "2026-05-04T13:00:00Z");  // no customer message: not counted
  auto b = provision_team(server_->database(), "Team B", std::nullopt, false);
  long long theirs = create("/v1/contacts", R"({"name":"B"})", b->owner_key.secret);
  long long vb = conversation(b->team.id, theirs, "web", "2026-05-04T10:00:00Z", 0, 0, 5);
  message(b->team.id, vb, theirs, "user", "2026-05-04T10:00:00Z");
  message(b->team.id, vb, theirs, "agent", "2026-05-04T10:00:01Z");

  const std::string day = "period=day&from=2026-05-04&to=2026-05-04";
  auto r = client().get("/v1/analytics/response-times?" + day);
  ASSERT_EQ(r.status, 200) << r.body;
  auto p = r.json()->getArray("periods")->getObject(0);
  EXPECT_EQ(p->getValue<long long>("conversations"), 3) << "with a customer message, ours";
  EXPECT_EQ(p->getValue<long long>("answered_by_bot"), 2);
  EXPECT_EQ(p->getValue<long long>("answered_by_team"), 2);
  EXPECT_DOUBLE_EQ(p->getValue<double>("bot_p50_seconds"), 2);
  EXPECT_DOUBLE_EQ(p->getValue<double>("bot_p90_seconds"), 6);
  EXPECT_DOUBLE_EQ(p->getValue<double>("team_p50_minutes"), 5);
  EXPECT_DOUBLE_EQ(p->getValue<double>("team_p90_minutes"), 30);
  EXPECT_DOUBLE_EQ(p->getValue<double>("team_answer_rate"), 0.6666);
  auto csv = client().get("/v1/analytics/response-times?" + day + "&format=csv");
  EXPECT_EQ(
      csv.body,
      "period,start,end,conversations,answered_by_bot,answered_by_team,bot_p50_seconds,"
      "bot_p90_seconds,team_p50_minutes,team_p90_minutes,team_answer_rate\r\n"
      "2026-05-04,2026-05-04T00:00:00.000Z,2026-05-05T00:00:00.000Z,3,2,2,2,6,5,30,0.6666\r\n");
  auto web = client().get("/v1/analytics/response-times?" + day + "&platform=web");
  auto w = web.json()->getArray("periods")->getObject(0);
  EXPECT_EQ(w->getValue<long long>("conversations"), 1);
  EXPECT_TRUE(w->isNull("bot_p50_seconds")) << "no bot reply after the question";
  EXPECT_DOUBLE_EQ(w->getValue<double>("team_p50_minutes"), 30);
  EXPECT_EQ(client().get("/v1/analytics/response-times?agent_id=x").status, 422);
}

TEST_P(AnalyticsTest, BookingsByTheDayTheyStartWithOutcomesAndLeadTime) {
  long long c = create("/v1/contacts", R"({"name":"Patient"})");
  long long ann = user("ann");
  // starts (Madrid, spring-forward day and the next), booked this many hours before, status
  auto booking = [&](const std::string& starts, int lead_hours, const std::string& status,
                     bool rescheduled, std::optional<long long> assignee, long long contact,
                     const std::string& key = kOwnerKey) {
    long long id = create("/v1/appointments",
                          R"({"contact_id":)" + std::to_string(contact) +
                              R"(,"service":"Cleaning","starts_at":"2031-01-06T09:00:00Z",)"
                              R"("ends_at":"2031-01-06T10:00:00Z"})",
                          key);
    const long long start = *parse_iso8601(starts);
    server_->database().write([&](soci::session& s) {
      s << "UPDATE appointments SET starts_at = " + std::to_string(start) +
               ", ends_at = " + std::to_string(start + 3'600'000) +
               ", booked_at = " + std::to_string(start - lead_hours * 3'600'000LL) +
               ", status = '" + status + "'" +
               (rescheduled ? ", reschedule_history = '[{\"from\":1}]'" : "") +
               (assignee ? ", assignee_id = " + std::to_string(*assignee) : "") +
               " WHERE id = " + std::to_string(id);
    });
  };
  booking("2026-03-28T23:30:00Z", 24, "completed", false, ann, c);  // the 29th, 00:30 local
  booking("2026-03-29T08:00:00Z", 48, "no_show", true, ann, c);
  booking("2026-03-29T09:00:00Z", 12, "cancelled", false, std::nullopt, c);
  booking("2026-03-29T21:30:00Z", 12, "confirmed", false, std::nullopt, c);  // 23:30 local
  booking("2026-03-29T22:30:00Z", 2, "booked", false, std::nullopt, c);      // the 30th
  auto b = provision_team(server_->database(), "Team B", std::nullopt, false);
  long long theirs = create("/v1/contacts", R"({"name":"B"})", b->owner_key.secret);
  booking("2026-03-29T09:00:00Z", 1, "no_show", false, std::nullopt, theirs, b->owner_key.secret);

  const std::string window = "from=2026-03-29&to=2026-03-30&time_zone=Europe/Madrid";
  auto r = client().get("/v1/analytics/bookings?" + window);
  ASSERT_EQ(r.status, 200) << r.body;
  auto day = r.json()->getArray("periods")->getObject(0);
  EXPECT_EQ(day->getValue<long long>("total"), 4) << "team B's booking is not counted";
  EXPECT_EQ(day->getValue<long long>("completed"), 1);
  EXPECT_EQ(day->getValue<long long>("no_show"), 1);
  EXPECT_EQ(day->getValue<long long>("cancelled"), 1);
  EXPECT_EQ(day->getValue<long long>("confirmed"), 1);
  EXPECT_EQ(day->getValue<long long>("rescheduled"), 1);
  EXPECT_DOUBLE_EQ(day->getValue<double>("no_show_rate"), 0.5);  // of the two that were due
  EXPECT_DOUBLE_EQ(day->getValue<double>("cancellation_rate"), 0.25);
  EXPECT_DOUBLE_EQ(day->getValue<double>("average_lead_hours"), 24);  // (24 + 48 + 12 + 12) / 4
  auto csv = client().get("/v1/analytics/bookings?" + window + "&format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body,
            "period,start,end,total,booked,confirmed,completed,no_show,cancelled,rescheduled,"
            "no_show_rate,cancellation_rate,average_lead_hours\r\n"
            "2026-03-29,2026-03-28T23:00:00.000Z,2026-03-29T22:00:00.000Z,4,0,1,1,1,1,1,0.5,0.25,"
            "24\r\n"
            "2026-03-30,2026-03-29T22:00:00.000Z,2026-03-30T22:00:00.000Z,1,1,0,0,0,0,0,,0,2\r\n");
  auto mine =
      client().get("/v1/analytics/bookings?" + window + "&assignee_id=" + std::to_string(ann));
  EXPECT_EQ(mine.json()->getArray("periods")->getObject(0)->getValue<long long>("total"), 2);
  auto theirs_view = client(b->owner_key.secret).get("/v1/analytics/bookings?" + window);
  EXPECT_EQ(theirs_view.json()->getArray("periods")->getObject(0)->getValue<long long>("total"), 1);
  EXPECT_EQ(client().get("/v1/analytics/bookings?assignee_id=ann").status, 422);
}

TEST_P(AnalyticsTest, TicketResponseAndResolutionTimesPerDayTheyWereOpened) {
  long long ann = user("ann");
  // opened (UTC), minutes to the first response, hours to resolution, breached, assignee
  auto ticket = [&](const std::string& opened, std::optional<int> response_min,
                    std::optional<int> resolution_h, bool breached,
                    std::optional<long long> assignee, const std::string& key = kOwnerKey) {
    long long id = create("/v1/tickets", R"({"subject":"Broken"})", key);
    const long long at = *parse_iso8601(opened);
    auto after = [&](std::optional<long long> ms) {
      return ms ? std::to_string(at + *ms) : std::string("NULL");
    };
    server_->database().write([&](soci::session& s) {
      s << "UPDATE tickets SET created_at = " + std::to_string(at) + ", first_responded_at = " +
               after(response_min ? std::optional<long long>(*response_min * 60'000LL)
                                  : std::nullopt) +
               ", resolved_at = " +
               after(resolution_h ? std::optional<long long>(*resolution_h * 3'600'000LL)
                                  : std::nullopt) +
               ", sla_breached = " + (breached ? "1" : "0") +
               ", assignee_id = " + (assignee ? std::to_string(*assignee) : "NULL") +
               " WHERE id = " + std::to_string(id);
    });
  };
  ticket("2026-03-29T08:00:00Z", 10, 2, false, ann);
  ticket("2026-03-29T09:00:00Z", 30, 5, true, std::nullopt);
  ticket("2026-03-29T10:00:00Z", 20, std::nullopt, true, ann);
  ticket("2026-03-29T11:00:00Z", std::nullopt, std::nullopt, false, std::nullopt);
  ticket("2026-03-29T22:30:00Z", std::nullopt, std::nullopt, false, std::nullopt);  // the 30th
  auto b = provision_team(server_->database(), "Team B", std::nullopt, false);
  ticket("2026-03-29T09:00:00Z", 1, 1, true, std::nullopt, b->owner_key.secret);

  const std::string window = "from=2026-03-29&to=2026-03-30&time_zone=Europe/Madrid";
  auto r = client().get("/v1/analytics/tickets?" + window);
  ASSERT_EQ(r.status, 200) << r.body;
  auto day = r.json()->getArray("periods")->getObject(0);
  EXPECT_EQ(day->getValue<long long>("created"), 4) << "team B's ticket is not counted";
  EXPECT_EQ(day->getValue<long long>("responded"), 3);
  EXPECT_EQ(day->getValue<long long>("resolved"), 2);
  EXPECT_EQ(day->getValue<long long>("sla_breached"), 2);
  EXPECT_DOUBLE_EQ(day->getValue<double>("sla_breach_rate"), 0.5);
  // Nearest rank over 10, 20, 30 minutes and over 2, 5 hours.
  EXPECT_DOUBLE_EQ(day->getValue<double>("first_response_p50_minutes"), 20);
  EXPECT_DOUBLE_EQ(day->getValue<double>("first_response_p90_minutes"), 30);
  EXPECT_DOUBLE_EQ(day->getValue<double>("resolution_p50_hours"), 2);
  EXPECT_DOUBLE_EQ(day->getValue<double>("resolution_p90_hours"), 5);
  auto next = r.json()->getArray("periods")->getObject(1);
  EXPECT_EQ(next->getValue<long long>("created"), 1);
  EXPECT_TRUE(next->isNull("first_response_p50_minutes")) << "no ticket answered: no time";
  auto csv = client().get("/v1/analytics/tickets?" + window + "&format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body,
            "period,start,end,created,responded,resolved,sla_breached,sla_breach_rate,"
            "first_response_p50_minutes,first_response_p90_minutes,resolution_p50_hours,"
            "resolution_p90_hours\r\n"
            "2026-03-29,2026-03-28T23:00:00.000Z,2026-03-29T22:00:00.000Z,4,3,2,2,0.5,20,30,2,5\r\n"
            "2026-03-30,2026-03-29T22:00:00.000Z,2026-03-30T22:00:00.000Z,1,0,0,0,0,,,,\r\n");
  auto mine =
      client().get("/v1/analytics/tickets?" + window + "&assignee_id=" + std::to_string(ann));
  auto mine_day = mine.json()->getArray("periods")->getObject(0);
  EXPECT_EQ(mine_day->getValue<long long>("created"), 2);
  EXPECT_DOUBLE_EQ(mine_day->getValue<double>("first_response_p90_minutes"), 20);
  auto theirs = client(b->owner_key.secret).get("/v1/analytics/tickets?" + window);
  EXPECT_EQ(theirs.json()->getArray("periods")->getObject(0)->getValue<long long>("created"), 1);
  EXPECT_EQ(client().get("/v1/analytics/tickets?assignee_id=ann").status, 422);
}

TEST_P(AnalyticsTest, BusyHoursByLocalWeekdayAndHourAcrossDaylightSaving) {
  long long c = create("/v1/contacts", R"({"name":"Patient"})");
  long long ann = user("ann");
  auto booking = [&](const std::string& starts, const std::string& status,
                     std::optional<long long> assignee, const std::string& key = kOwnerKey) {
    long long contact = key == kOwnerKey ? c : create("/v1/contacts", R"({"name":"B"})", key);
    long long id = create("/v1/appointments",
                          R"({"contact_id":)" + std::to_string(contact) +
                              R"(,"service":"Cleaning","starts_at":"2031-01-06T09:00:00Z",)"
                              R"("ends_at":"2031-01-06T10:00:00Z"})",
                          key);
    const long long start = *parse_iso8601(starts);
    server_->database().write([&](soci::session& s) {
      s << "UPDATE appointments SET starts_at = " + std::to_string(start) +
               ", ends_at = " + std::to_string(start + 3'600'000) + ", status = '" + status + "'" +
               (assignee ? ", assignee_id = " + std::to_string(*assignee) : "") +
               " WHERE id = " + std::to_string(id);
    });
  };
  // Madrid springs forward on Sunday 29 March 2026 at 01:00 UTC (+01:00 -> +02:00).
  booking("2026-03-28T09:30:00Z", "confirmed", ann);           // Saturday 10:30
  booking("2026-03-29T00:30:00Z", "booked", std::nullopt);     // Sunday 01:30, before
  booking("2026-03-29T08:30:00Z", "completed", std::nullopt);  // Sunday 10:30, after
  booking("2026-03-30T08:00:00Z", "booked", ann);              // Monday 10:00
  booking("2026-03-30T08:15:00Z", "no_show", std::nullopt);    // Monday 10:15
  booking("2026-03-30T09:00:00Z", "cancelled", std::nullopt);  // not a preference
  booking("2026-03-31T08:00:00Z", "booked", std::nullopt);     // after the window
  auto b = provision_team(server_->database(), "Team B", std::nullopt, false);
  booking("2026-03-30T08:00:00Z", "booked", std::nullopt, b->owner_key.secret);
  conversation(1, c, "web", "2026-03-29T12:00:00Z", 0, 0, std::nullopt);  // Sunday 14:00

  const std::string window = "from=2026-03-28&to=2026-03-30&time_zone=Europe/Madrid";
  auto r = client().get("/v1/analytics/busy-hours?" + window);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_EQ(body->getValue<std::string>("of"), "bookings");
  EXPECT_EQ(body->getValue<long long>("total"), 5) << "cancelled, later and team B's left out";
  auto days = body->getArray("weekdays");
  ASSERT_EQ(days->size(), 7u);
  auto hour = [&](unsigned day, unsigned h) {
    return days->getObject(day)->getArray("hours")->getElement<long long>(h);
  };
  EXPECT_EQ(days->getObject(0)->getValue<std::string>("weekday"), "monday");
  EXPECT_EQ(hour(0, 10), 2);
  EXPECT_EQ(hour(5, 10), 1);  // Saturday, at +01:00
  EXPECT_EQ(hour(6, 1), 1);   // Sunday before the change
  EXPECT_EQ(hour(6, 10), 1);  // and after it, at +02:00
  EXPECT_EQ(days->getObject(6)->getValue<long long>("total"), 2);
  auto busiest = body->getObject("busiest");
  EXPECT_EQ(busiest->getValue<std::string>("weekday"), "monday");
  EXPECT_EQ(busiest->getValue<int>("hour"), 10);
  EXPECT_EQ(busiest->getValue<long long>("count"), 2);

  auto mine =
      client().get("/v1/analytics/busy-hours?" + window + "&assignee_id=" + std::to_string(ann));
  EXPECT_EQ(mine.json()->getValue<long long>("total"), 2);
  auto chats = client().get("/v1/analytics/busy-hours?" + window + "&of=conversations");
  ASSERT_EQ(chats.status, 200) << chats.body;
  EXPECT_EQ(chats.json()->getValue<long long>("total"), 1);
  EXPECT_EQ(chats.json()
                ->getArray("weekdays")
                ->getObject(6)
                ->getArray("hours")
                ->getElement<long long>(14),
            1);
  auto csv = client().get("/v1/analytics/busy-hours?" + window + "&format=csv");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.substr(0, csv.body.find("\r\n")),
            "weekday,00:00,01:00,02:00,03:00,04:00,05:00,06:00,07:00,08:00,09:00,10:00,11:00,"
            "12:00,13:00,14:00,15:00,16:00,17:00,18:00,19:00,20:00,21:00,22:00,23:00");
  EXPECT_NE(csv.body.find("\r\nmonday,0,0,0,0,0,0,0,0,0,0,2,0,"), std::string::npos) << csv.body;
  auto empty = client().get("/v1/analytics/busy-hours?from=2020-01-01&to=2020-01-02");
  EXPECT_TRUE(empty.json()->isNull("busiest"));
  EXPECT_EQ(client().get("/v1/analytics/busy-hours?of=tickets").status, 422);
  EXPECT_EQ(client().get("/v1/analytics/busy-hours?of=conversations&assignee_id=1").status, 422);
}

TEST_P(AnalyticsTest, AFunnelCountsTheLeadsThatEnteredAPipelineInTheWindowStageByStage) {
  long long pipeline = create("/v1/pipelines", R"({"name":"Deals"})");
  const std::string stages = "/v1/pipelines/" + std::to_string(pipeline) + "/stages";
  long long a = create(stages, R"({"name":"Talk","position":0})");
  long long b = create(stages, R"({"name":"Offer","position":1})");
  long long won = create(stages, R"({"name":"Won","position":2,"is_won":true})");
  long long lost = create(stages, R"({"name":"Lost","position":3,"is_lost":true})");
  long long c = create("/v1/contacts", R"({"name":"Buyer"})");
  auto lead =
      [&](std::vector<std::pair<long long, int>> moves) -> long long {  // (stage, hours before)
    long long id = create("/v1/leads", "{\"contact_id\":" + std::to_string(c) +
                                           ",\"pipeline_id\":" + std::to_string(pipeline) +
                                           ",\"stage_id\":" + std::to_string(a) + "}");
    for (const auto& [stage, hours] : moves) {
      EXPECT_EQ(
          patch("/v1/leads/" + std::to_string(id), "{\"stage_id\":" + std::to_string(stage) + "}")
              .status,
          200);
      // The time spent before this move, as if the lead had waited.
      server_->database().write([&](soci::session& s) {
        s << "UPDATE lead_stage_changes SET time_in_previous_ms = " +
                 std::to_string(hours * 3'600'000LL) + " WHERE lead_id = " + std::to_string(id) +
                 " AND to_stage_id = " + std::to_string(stage);
      });
    }
    return id;
  };
  auto when = [&](long long id, const std::string& iso) {
    server_->database().write([&](soci::session& s) {
      s << "UPDATE lead_stage_changes SET changed_at = " + std::to_string(*parse_iso8601(iso)) +
               " WHERE lead_id = " + std::to_string(id);
    });
  };
  when(lead({{b, 2}, {won, 10}}), "2026-04-10T09:00:00Z");
  when(lead({{b, 4}, {lost, 1}}), "2026-04-11T09:00:00Z");
  when(lead({{lost, 6}}), "2026-04-12T09:00:00Z");
  when(lead({}), "2026-04-13T09:00:00Z");
  when(lead({{b, 1}}), "2026-03-10T09:00:00Z");  // entered before the window

  const std::string window =
      "from=2026-04-01&to=2026-04-30&time_zone=UTC&pipeline_id=" + std::to_string(pipeline);
  auto r = client().get("/v1/analytics/funnel?" + window);
  ASSERT_EQ(r.status, 200) << r.body;
  auto body = r.json();
  EXPECT_EQ(body->getValue<std::string>("pipeline"), "Deals");
  EXPECT_EQ(body->getValue<long long>("entered"), 4);
  auto st = body->getArray("stages");
  ASSERT_EQ(st->size(), 4u);
  auto stage = [&](unsigned i) { return st->getObject(i); };
  EXPECT_EQ(stage(0)->getValue<std::string>("name"), "Talk");
  EXPECT_EQ(stage(0)->getValue<long long>("entered"), 4);
  EXPECT_EQ(stage(0)->getValue<long long>("reached"), 4);
  EXPECT_DOUBLE_EQ(stage(0)->getValue<double>("conversion"), 1);
  EXPECT_EQ(stage(0)->getValue<long long>("left"), 3);
  EXPECT_DOUBLE_EQ(stage(0)->getValue<double>("median_hours_in_stage"), 4);  // of 2, 4, 6
  EXPECT_EQ(stage(1)->getValue<long long>("reached"), 2);
  EXPECT_DOUBLE_EQ(stage(1)->getValue<double>("conversion"), 0.5);
  EXPECT_DOUBLE_EQ(stage(1)->getValue<double>("median_hours_in_stage"), 1);  // of 1, 10
  EXPECT_EQ(stage(2)->getValue<long long>("reached"), 1);
  EXPECT_TRUE(stage(2)->getValue<bool>("is_won"));
  EXPECT_DOUBLE_EQ(stage(2)->getValue<double>("conversion"), 0.5);
  EXPECT_TRUE(stage(2)->isNull("median_hours_in_stage")) << "nobody left it";
  EXPECT_EQ(stage(3)->getValue<long long>("entered"), 2);
  EXPECT_DOUBLE_EQ(stage(3)->getValue<double>("conversion"), 0.5) << "lost: a share of entries";
  // The default pipeline when none is named; another team's pipeline is not found.
  auto fallback = client().get("/v1/analytics/funnel?from=2026-04-01&to=2026-04-30");
  ASSERT_EQ(fallback.status, 200) << fallback.body;
  EXPECT_EQ(fallback.json()->getValue<std::string>("pipeline"), "Sales");
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  EXPECT_EQ(client(b_team->owner_key.secret).get("/v1/analytics/funnel?" + window).status, 404);
  EXPECT_EQ(client().get("/v1/analytics/funnel?pipeline_id=deals").status, 422);
}

TEST_P(AnalyticsTest, CampaignEngagementByTheDayMessagesWereSent) {
  long long a = create("/v1/contacts", R"({"name":"A","email":"a@x.io"})");
  long long b2 = create("/v1/contacts", R"({"name":"B","email":"b@x.io"})");
  long long c = create("/v1/contacts", R"({"name":"C","email":"c@x.io"})");
  long long tmpl =
      create("/v1/templates", R"({"name":"News","channel":"email","subject":"Hi","text":"Hi"})");
  long long seg = create("/v1/segments",
                         R"({"name":"All","rule":{"field":"tags","op":"any","value":["news"]}})");
  long long camp = create("/v1/campaigns", R"({"name":"Spring","channel":"email","template_id":)" +
                                               std::to_string(tmpl) + R"(,"segment_id":)" +
                                               std::to_string(seg) + "}");
  auto recipient = [&](long long team, long long campaign, long long contact,
                       const std::string& sent, bool opened, bool clicked, bool unsubscribed) {
    const std::string ms = sent.empty() ? "NULL" : std::to_string(*parse_iso8601(sent));
    auto later = [&](bool yes) {
      return yes && !sent.empty() ? ms + " + 60000" : std::string("NULL");
    };
    server_->database().write([&](soci::session& s) {
      s << "INSERT INTO campaign_recipients (team_id, campaign_id, contact_id, status, sent_at, "
           "opened_at, clicked_at, unsubscribed_at) VALUES (" +
               std::to_string(team) + ", " + std::to_string(campaign) + ", " +
               std::to_string(contact) + ", '" + (sent.empty() ? "failed" : "sent") + "', " + ms +
               ", " + later(opened) + ", " + later(clicked) + ", " + later(unsubscribed) + ")";
    });
  };
  recipient(1, camp, a, "2026-05-04T10:00:00Z", true, true, false);
  recipient(1, camp, b2, "2026-05-04T10:01:00Z", true, false, true);
  recipient(1, camp, c, "", false, false, false);  // failed: never sent, not counted
  auto other = provision_team(server_->database(), "Team B", std::nullopt, false);
  recipient(other->team.id, camp, 99, "2026-05-04T10:00:00Z", true, true, true);

  auto r = client().get("/v1/analytics/campaigns?period=day&from=2026-05-04&to=2026-05-05");
  ASSERT_EQ(r.status, 200) << r.body;
  auto day = r.json()->getArray("periods")->getObject(0);
  EXPECT_EQ(day->getValue<long long>("sent"), 2) << "team B's recipient is not counted";
  EXPECT_EQ(day->getValue<long long>("opened"), 2);
  EXPECT_EQ(day->getValue<long long>("clicked"), 1);
  EXPECT_EQ(day->getValue<long long>("unsubscribed"), 1);
  EXPECT_DOUBLE_EQ(day->getValue<double>("open_rate"), 1);
  EXPECT_DOUBLE_EQ(day->getValue<double>("click_rate"), 0.5);
  auto empty = r.json()->getArray("periods")->getObject(1);
  EXPECT_EQ(empty->getValue<long long>("sent"), 0);
  EXPECT_TRUE(empty->isNull("open_rate")) << "nothing sent: no rate";
  auto sms =
      client().get("/v1/analytics/campaigns?period=day&from=2026-05-04&to=2026-05-04&channel=sms");
  EXPECT_EQ(sms.json()->getArray("periods")->getObject(0)->getValue<long long>("sent"), 0);
  auto csv =
      client().get("/v1/analytics/campaigns?period=day&from=2026-05-04&to=2026-05-04&format=csv");
  EXPECT_EQ(csv.body,
            "period,start,end,sent,opened,clicked,unsubscribed,open_rate,click_rate,"
            "unsubscribe_rate\r\n"
            "2026-05-04,2026-05-04T00:00:00.000Z,2026-05-05T00:00:00.000Z,2,2,1,1,1,0.5,0.5\r\n");
  EXPECT_EQ(client().get("/v1/analytics/campaigns?channel=fax").status, 422);
}

TEST_P(AnalyticsTest, WorkflowRunsFailuresAndTheirSlowestPerPeriod) {
  long long wf = create("/v1/workflows",
                        R"j({"name":"tagger","source":"on('contact.created', function() end)"})j");
  auto run = [&](long long team, long long workflow, const std::string& iso, int duration_ms,
                 const std::string& outcome) {
    const std::string ms = std::to_string(*parse_iso8601(iso));
    server_->database().write([&](soci::session& s) {
      s << "INSERT INTO workflow_runs (team_id, workflow_id, workflow_version, event_type, "
           "handler, outcome, duration_us, created_at) VALUES (" +
               std::to_string(team) + ", " + std::to_string(workflow) +
               ", 1, 'contact.created', 'contact.created', '" + outcome + "', " +
               std::to_string(duration_ms * 1000) + ", " + ms + ")";
    });
  };
  // Twenty runs of 1..20 ms on the 4th: two failed, one rejected; the 95th percentile by
  // nearest rank is the 19th, 19 ms.
  for (int i = 1; i <= 20; ++i) {
    run(1, wf, "2026-05-04T10:00:00Z", i, i <= 2 ? "error" : i == 3 ? "rejected" : "ok");
  }
  run(1, 999, "2026-05-04T11:00:00Z", 7, "ok");  // a workflow deleted since
  auto b = provision_team(server_->database(), "Team B", std::nullopt, false);
  run(b->team.id, wf, "2026-05-04T10:00:00Z", 500, "error");

  auto r = client().get("/v1/analytics/workflows?period=day&from=2026-05-04&to=2026-05-05");
  ASSERT_EQ(r.status, 200) << r.body;
  auto day = r.json()->getArray("periods")->getObject(0);
  EXPECT_EQ(day->getValue<long long>("runs"), 21) << "team B's run is not counted";
  EXPECT_EQ(day->getValue<long long>("failed"), 2);
  auto flows = day->getArray("workflows");
  ASSERT_EQ(flows->size(), 2u);
  auto tagger =
      flows->getObject(flows->getObject(0)->getValue<long long>("workflow_id") == wf ? 0 : 1);
  EXPECT_EQ(tagger->getValue<std::string>("name"), "tagger");
  EXPECT_EQ(tagger->getValue<long long>("runs"), 20);
  EXPECT_EQ(tagger->getValue<long long>("rejected"), 1);
  EXPECT_DOUBLE_EQ(tagger->getValue<double>("failure_rate"), 0.1);
  EXPECT_DOUBLE_EQ(tagger->getValue<double>("p95_duration_ms"), 19);
  EXPECT_EQ(r.json()->getArray("periods")->getObject(1)->getArray("workflows")->size(), 0u);
  auto csv =
      client().get("/v1/analytics/workflows?period=day&from=2026-05-04&to=2026-05-04&format=csv");
  EXPECT_EQ(csv.body,
            "period,start,end,workflow_id,workflow,runs,failed,rejected,failure_rate,"
            "p95_duration_ms\r\n"
            "2026-05-04,2026-05-04T00:00:00.000Z,2026-05-05T00:00:00.000Z," +
                std::to_string(wf) +
                ",tagger,20,2,1,0.1,19\r\n"
                "2026-05-04,2026-05-04T00:00:00.000Z,2026-05-05T00:00:00.000Z,999,"
                "workflow 999 (deleted),1,0,0,0,7\r\n");
  // The run log is for admins: so is this.
  EXPECT_EQ(client(key_with_role("agent")).get("/v1/analytics/workflows").status, 403);
}

TEST_P(AnalyticsTest, BadParametersAreRefusedByName) {
  for (const std::string q :
       {"period=year", "from=2026-13-01", "from=2026-03-02&to=2026-03-01", "time_zone=Mars/Olympus",
        "format=pdf", "by=email", "from=2020-01-01&to=2026-01-01"}) {
    auto r = client().get("/v1/analytics/contacts?" + q);
    EXPECT_EQ(r.status, 422) << q << " " << r.body;
  }
  EXPECT_EQ(client().get("/v1/analytics/conversations?agent_id=x").status, 422);
  EXPECT_EQ(client(key_with_role("viewer")).get("/v1/analytics/contacts").status, 200);
}

SB_INSTANTIATE_BACKENDS(AnalyticsTest);

}  // namespace
}  // namespace sb::test
