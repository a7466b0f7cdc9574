// Segments end to end: the automatic segments every team has, CRUD with every kind of bad
// rule (unknown fields and operators, cycles, references across teams), live count and
// contacts, ?segment= on the contacts list, aggregates over appointments, tickets and
// leads, entered/exited events through the bus, the time-based pass, and isolation.
#include <soci/soci.h>

#include "crm_fixture.h"
#include "events/dispatcher.h"
#include "events/segment_subscriber.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

std::string s(long long v) {
  return std::to_string(v);
}

class SegmentTest : public CrmTest {
 protected:
  void adjust(Config& c) override {
    c.events.workers = 0;  // the test drives the dispatcher
    c.events.backoff_base = std::chrono::milliseconds(0);
    c.workflows_dir = "";
  }
  void drain() {
    for (int i = 0; i < 100 && server_->dispatcher().run_once() > 0; ++i) {
    }
  }
  long long segment(const std::string& name, const std::string& rule,
                    const std::string& key = kOwnerKey) {
    return create("/v1/segments", R"({"name":")" + name + R"(","rule":)" + rule + "}", key);
  }
  long long count(long long id) {
    auto r = client().get("/v1/segments/" + s(id) + "/count");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()->getValue<long long>("count");
  }
  long long builtin(const std::string& key) {
    auto r = client().get("/v1/segments?builtin=" + key);
    auto got = ids(r);
    EXPECT_EQ(got.size(), 1u) << r.body;
    return got.empty() ? 0 : got.front();
  }
  std::string error_message(const HttpResult& r) {
    return r.json()->getObject("error")->getValue<std::string>("message");
  }
};

TEST_P(SegmentTest, EveryTeamHasTheAutomaticSegmentsWithEditableThresholds) {
  auto r = client().get("/v1/segments");
  ASSERT_EQ(r.status, 200) << r.body;
  for (const char* key :
       {"new", "active", "at_risk", "high_value", "frequent_bookers", "need_follow_up"}) {
    EXPECT_NE(r.body.find(std::string("\"builtin\":\"") + key + "\""), std::string::npos) << key;
  }
  long long frequent = builtin("frequent_bookers");
  auto del = client().del("/v1/segments/" + s(frequent));
  EXPECT_EQ(del.status, 409) << del.body;
  auto edit = patch("/v1/segments/" + s(frequent),
                    R"({"rule":{"field":"bookings_count","op":"gte","value":5}})");
  EXPECT_EQ(edit.status, 200) << edit.body;
  EXPECT_NE(edit.body.find("\"value\":5"), std::string::npos) << edit.body;
  EXPECT_EQ(patch("/v1/segments/" + s(frequent), R"({"builtin":"x"})").status, 422);
  // A team created later has its own set.
  auto b = provision_team(server_->database(), "Team B", std::nullopt, false);
  EXPECT_EQ(ids(client(b->owner_key.secret).get("/v1/segments")).size(), 6u);
}

TEST_P(SegmentTest, BadRulesAreRefusedPrecisely) {
  auto unknown_field = client().post(
      "/v1/segments", R"({"name":"x","rule":{"field":"shoe_size","op":"eq","value":1}})");
  EXPECT_EQ(unknown_field.status, 400) << unknown_field.body;
  EXPECT_NE(error_message(unknown_field).find("unknown filter field 'shoe_size'"),
            std::string::npos);
  auto unknown_op =
      client().post("/v1/segments",
                    R"({"name":"x","rule":{"field":"bookings_count","op":"contains","value":1}})");
  EXPECT_EQ(unknown_op.status, 400);
  EXPECT_NE(error_message(unknown_op).find("allowed: eq, ne, gt, gte, lt, lte"), std::string::npos);
  EXPECT_EQ(client().post("/v1/segments", R"({"name":"x","rule":"status = 'new'"})").status, 422);
  EXPECT_EQ(client().post("/v1/segments", R"({"name":"x"})").status, 422);
  EXPECT_EQ(client().post("/v1/segments", R"({"name":"x","rule":{},"colour":"red"})").status, 422);
  auto custom = client().post(
      "/v1/segments", R"({"name":"x","rule":{"field":"custom.plan","op":"eq","value":"pro"}})");
  EXPECT_EQ(custom.status, 400);
  EXPECT_NE(error_message(custom).find("no custom field 'plan'"), std::string::npos);
  auto bad_time = client().post(
      "/v1/segments",
      R"({"name":"x","rule":{"field":"last_active","op":"lt","value":"now-60 days"}})");
  EXPECT_EQ(bad_time.status, 400);
  EXPECT_NE(error_message(bad_time).find("now-30d"), std::string::npos);

  // References: to a missing segment, to itself, and around a cycle.
  auto missing = client().post("/v1/segments",
                               R"({"name":"x","rule":{"field":"segment","op":"eq","value":9999}})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(error_message(missing).find("no segment 9999 in this team"), std::string::npos);
  long long a = segment("a", R"({"field":"tags","op":"any","value":["vip"]})");
  long long b = segment("b", R"({"field":"segment","op":"eq","value":)" + s(a) + "}");
  auto self = patch("/v1/segments/" + s(a),
                    R"({"rule":{"field":"segment","op":"eq","value":)" + s(a) + "}}");
  EXPECT_EQ(self.status, 400);
  EXPECT_NE(error_message(self).find("refers back to itself"), std::string::npos);
  auto cycle = patch("/v1/segments/" + s(a),
                     R"({"rule":{"not":{"field":"segment","op":"eq","value":)" + s(b) + "}}}");
  EXPECT_EQ(cycle.status, 400) << cycle.body;
  EXPECT_NE(error_message(cycle).find("segment " + s(a) + " refers back to itself"),
            std::string::npos);
  // a is still what it was, and cannot go while b refers to it.
  EXPECT_NE(client().get("/v1/segments/" + s(a)).body.find("vip"), std::string::npos);
  auto del = client().del("/v1/segments/" + s(a));
  EXPECT_EQ(del.status, 409);
  EXPECT_NE(error_message(del).find("'b' refers to this segment"), std::string::npos);
  EXPECT_EQ(client().del("/v1/segments/" + s(b)).status, 204);
  EXPECT_EQ(client().del("/v1/segments/" + s(a)).status, 204);
  // SQL in values is only ever a value.
  long long odd = segment("odd", R"({"field":"name","op":"eq","value":"x' OR '1'='1"})");
  contact("Ann");
  EXPECT_EQ(count(odd), 0);
  // Agents read, admins write.
  EXPECT_EQ(client(key_with_role("agent")).post("/v1/segments", R"({"name":"y","rule":{}})").status,
            403);
  EXPECT_EQ(client(key_with_role("viewer")).get("/v1/segments/" + s(odd) + "/count").status, 200);
}

TEST_P(SegmentTest, CountContactsFilterPreviewAndAContactsSegments) {
  long long ann = create("/v1/contacts", R"({"name":"Ann","tags":["vip"]})");
  long long bob = create("/v1/contacts", R"({"name":"Bob","tags":["vip","lead"]})");
  long long cy = create("/v1/contacts", R"({"name":"Cy","tags":["lead"]})");
  long long vip = segment("VIP", R"({"field":"tags","op":"any","value":["vip"]})");
  long long vip_leads =
      segment("VIP leads", R"({"all":[{"field":"segment","op":"eq","value":)" + s(vip) +
                               R"(},{"field":"tags","op":"any","value":["lead"]}]})");
  EXPECT_EQ(count(vip), 2);
  EXPECT_EQ(count(vip_leads), 1);
  auto page = client().get("/v1/segments/" + s(vip) + "/contacts?limit=1&sort=name");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(ids(page), std::vector<long long>{ann});
  auto next = page.json()->getValue<std::string>("next_cursor");
  EXPECT_EQ(
      ids(client().get("/v1/segments/" + s(vip) + "/contacts?limit=1&sort=name&cursor=" + next)),
      std::vector<long long>{bob});
  EXPECT_EQ(ids(client().get("/v1/contacts?segment=" + s(vip_leads))), std::vector<long long>{bob});
  EXPECT_EQ(ids(client().get("/v1/contacts?segment.ne=" + s(vip) + "&sort=name")),
            std::vector<long long>{cy});
  EXPECT_EQ(client().get("/v1/contacts?segment=424242").status, 400);

  auto preview = client().post(
      "/v1/segments/preview", R"({"rule":{"field":"tags","op":"any","value":["lead"]},"limit":1})");
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.json()->getValue<long long>("count"), 2);
  EXPECT_EQ(preview.json()->getArray("data")->size(), 1u);
  EXPECT_EQ(client()
                .post("/v1/segments/preview", R"({"rule":{"field":"nope","op":"eq","value":1}})")
                .status,
            400);
  EXPECT_EQ(client().post("/v1/segments/preview", R"({"rule":{},"limit":100000})").status, 422);

  auto mine = client().get("/v1/contacts/" + s(bob) + "/segments");
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_NE(mine.body.find("\"VIP leads\""), std::string::npos);
  EXPECT_NE(mine.body.find("\"VIP\""), std::string::npos);
  EXPECT_NE(mine.body.find("\"new\""), std::string::npos) << mine.body;  // created just now
  EXPECT_EQ(client().get("/v1/contacts/999999/segments").status, 404);
  EXPECT_EQ(client().get("/v1/segments/999999/count").status, 404);
}

TEST_P(SegmentTest, AggregatesOverBookingsTicketsLeadsAndConversations) {
  long long c = contact("Booker");
  long long other = contact("Quiet");
  for (int i = 0; i < 3; ++i) {
    create("/v1/appointments",
           "{\"contact_id\":" + s(c) + R"(,"service":"cut","starts_at":"2030-01-0)" + s(i + 1) +
               R"(T10:00:00Z","ends_at":"2030-01-0)" + s(i + 1) + R"(T11:00:00Z"})");
  }
  EXPECT_EQ(count(builtin("frequent_bookers")), 1);
  EXPECT_EQ(count(builtin("high_value")), 1);
  EXPECT_EQ(ids(client().get("/v1/contacts?bookings_count.gte=3")), std::vector<long long>{c});
  long long ticket =
      create("/v1/tickets", "{\"subject\":\"help\",\"contact_id\":" + s(other) + "}");
  long long follow_up = builtin("need_follow_up");
  EXPECT_EQ(ids(client().get("/v1/segments/" + s(follow_up) + "/contacts")),
            std::vector<long long>{other});
  ASSERT_EQ(patch("/v1/tickets/" + s(ticket), R"({"status":"closed"})").status, 200);
  EXPECT_EQ(count(follow_up), 0);
  long long big = segment("Big leads", R"({"field":"lead_value","op":"gte","value":1000})");
  create("/v1/leads", "{\"contact_id\":" + s(other) + ",\"value\":1500}");
  EXPECT_EQ(ids(client().get("/v1/segments/" + s(big) + "/contacts")),
            std::vector<long long>{other});
  long long tickets = segment("Open tickets", R"({"field":"open_tickets","op":"gte","value":1})");
  EXPECT_EQ(count(tickets), 0);
}

TEST_P(SegmentTest, MembershipChangesBecomeEnteredAndExitedEvents) {
  long long vip = segment("VIP", R"({"field":"tags","op":"any","value":["vip"]})");
  long long ann = create("/v1/contacts", R"({"name":"Ann"})");
  drain();
  EXPECT_EQ(count_of(event_types(), "segment.entered"), 2);  // Ann is New and Active
  ASSERT_EQ(patch("/v1/contacts/" + s(ann), R"({"tags":["vip"]})").status, 200);
  drain();
  auto types = event_types();
  EXPECT_EQ(count_of(types, "segment.entered"), 3);
  auto events = client().get("/v1/events?type=segment.entered").body;
  EXPECT_NE(events.find("\"segment_id\":" + s(vip)), std::string::npos) << events;
  ASSERT_EQ(patch("/v1/contacts/" + s(ann), R"({"tags":[]})").status, 200);
  drain();
  EXPECT_EQ(count_of(event_types(), "segment.exited"), 1);
  // A re-delivered event changes nothing: membership already matches.
  ASSERT_EQ(patch("/v1/contacts/" + s(ann), R"({"name":"Ann B"})").status, 200);
  drain();
  EXPECT_EQ(count_of(event_types(), "segment.entered"), 3);
  EXPECT_EQ(count_of(event_types(), "segment.exited"), 1);

  // A new segment is evaluated in full once saved.
  segment("Named Ann", R"({"field":"name","op":"starts_with","value":"ann"})");
  drain();
  EXPECT_EQ(count_of(event_types(), "segment.entered"), 4);

  // Time alone: Ann's last activity moves 90 days back (as if time passed); the periodic
  // pass moves her from Active to At risk.
  server_->database().write([&](soci::session& ses) {
    long long old = now_ms() - 90LL * 86400000;
    ses << "UPDATE contacts SET last_active = :t WHERE id = :i", soci::use(old), soci::use(ann);
  });
  EXPECT_GT(refresh_time_based_segments(server_->database()), 0);
  auto at_risk = client().get("/v1/contacts/" + s(ann) + "/segments").body;
  EXPECT_NE(at_risk.find("\"at_risk\""), std::string::npos) << at_risk;
  auto exited = client().get("/v1/events?type=segment.exited").body;
  EXPECT_NE(exited.find("\"builtin\":\"active\""), std::string::npos) << exited;
  auto entered = client().get("/v1/events?type=segment.entered").body;
  EXPECT_NE(entered.find("\"builtin\":\"at_risk\""), std::string::npos) << entered;

  // A deleted contact leaves its segments without exit events about someone gone.
  const long long exits = count_of(event_types(), "segment.exited");
  ASSERT_EQ(client().del("/v1/contacts/" + s(ann)).status, 204);
  drain();
  EXPECT_EQ(count_of(event_types(), "segment.exited"), exits);
  long long left = 0;
  server_->database().read([&](soci::session& ses) {
    ses << "SELECT COUNT(*) FROM segment_members WHERE contact_id = :c", soci::use(ann),
        soci::into(left);
  });
  EXPECT_EQ(left, 0);
}

TEST_P(SegmentTest, HistoryKeepsEntriesAndExitsAfterTheEventsArePruned) {
  long long vip = segment("VIP", R"({"field":"tags","op":"any","value":["vip"]})");
  long long ann = create("/v1/contacts", R"({"name":"Ann"})");
  long long bob = create("/v1/contacts", R"({"name":"Bob","tags":["vip"]})");
  drain();
  ASSERT_EQ(patch("/v1/contacts/" + s(ann), R"({"tags":["vip"]})").status, 200);
  drain();
  ASSERT_EQ(patch("/v1/contacts/" + s(bob), R"({"tags":[]})").status, 200);
  drain();
  // The bus's events go (as retention prunes them); the history stays.
  server_->database().write([&](soci::session& ses) {
    ses << "DELETE FROM events WHERE type IN ('segment.entered', 'segment.exited')";
  });
  auto history = [&](const std::string& query = "") {
    auto r = client().get("/v1/segments/" + s(vip) + "/history" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r;
  };
  auto r = history();
  auto lines = r.json()->getArray("data");
  ASSERT_EQ(lines->size(), 3u) << r.body;  // newest first: Bob left, Ann entered, Bob entered
  auto line = [&](std::size_t i) { return lines->getObject(static_cast<unsigned>(i)); };
  EXPECT_EQ(line(0)->getValue<long long>("contact_id"), bob);
  EXPECT_EQ(line(0)->getValue<std::string>("change"), "exited");
  EXPECT_EQ(line(1)->getValue<long long>("contact_id"), ann);
  EXPECT_EQ(line(1)->getValue<std::string>("change"), "entered");
  EXPECT_EQ(line(2)->getValue<long long>("contact_id"), bob);
  EXPECT_EQ(line(2)->getValue<std::string>("change"), "entered");
  EXPECT_TRUE(r.json()->isNull("next_cursor"));
  // Pages of one, older as the cursor goes.
  auto first = history("?limit=1");
  ASSERT_EQ(first.json()->getArray("data")->size(), 1u);
  std::string cursor = first.json()->getValue<std::string>("next_cursor");
  auto second = history("?limit=1&cursor=" + cursor);
  EXPECT_EQ(second.json()->getArray("data")->getObject(0)->getValue<long long>("contact_id"), ann);
  EXPECT_EQ(client().get("/v1/segments/" + s(vip) + "/history?limit=0").status, 422);

  // Erasing a contact erases its lines; deleting the segment, the segment's.
  auto erased = client().del("/v1/contacts/" + s(bob) + "?erase=true");
  ASSERT_EQ(erased.status / 100, 2) << erased.body;
  EXPECT_EQ(history().json()->getArray("data")->size(), 1u);
  ASSERT_EQ(client().del("/v1/segments/" + s(vip)).status, 204);
  EXPECT_EQ(client().get("/v1/segments/" + s(vip) + "/history").status, 404);
  long long left = -1;
  server_->database().read([&](soci::session& ses) {
    ses << "SELECT COUNT(*) FROM segment_changes WHERE segment_id = :s", soci::use(vip),
        soci::into(left);
  });
  EXPECT_EQ(left, 0);
}

TEST_P(SegmentTest, AContactUpdateReevaluatesOnlyTheRulesThatReadWhatChanged) {
  long long keen = segment("Keen", R"({"field":"score","op":"gte","value":50})");
  long long ann = create("/v1/contacts", R"({"name":"Ann","score":10})");
  drain();
  auto lines = [&] {
    return client().get("/v1/segments/" + s(keen) + "/history").json()->getArray("data")->size();
  };
  ASSERT_EQ(lines(), 0u);
  // Behind the server's back (no event): the rule would now match.
  server_->database().write([&](soci::session& ses) {
    ses << "UPDATE contacts SET score = 90 WHERE id = :i", soci::use(ann);
  });
  // Updates of fields the rule does not read leave it alone: nothing is evaluated.
  ASSERT_EQ(
      patch("/v1/contacts/" + s(ann), R"({"name":"Ann B","tags":["x"],"stage":"Lead"})").status,
      200);
  drain();
  EXPECT_EQ(lines(), 0u);
  // An update of the field it reads evaluates it.
  ASSERT_EQ(patch("/v1/contacts/" + s(ann), R"({"score":95})").status, 200);
  drain();
  EXPECT_EQ(lines(), 1u);
  // And any other event about the contact still evaluates every rule: a note, say.
  server_->database().write([&](soci::session& ses) {
    ses << "UPDATE contacts SET score = 5 WHERE id = :i", soci::use(ann);
  });
  ASSERT_EQ(client().post("/v1/contacts/" + s(ann) + "/notes", R"({"body":"called"})").status, 201);
  drain();
  EXPECT_EQ(lines(), 2u);
}

TEST_P(SegmentTest, TeamsNeverSeeOrUseEachOthersSegments) {
  long long vip = segment("VIP", R"({"field":"tags","op":"any","value":["vip"]})");
  create("/v1/contacts", R"({"name":"Ann","tags":["vip"]})");
  auto b = provision_team(server_->database(), "Team B", std::nullopt, false);
  HttpClient other = client(b->owner_key.secret);
  HttpClient other_person = person("bella", "owner", b->owner_key.secret);
  ASSERT_EQ(other.post("/v1/contacts", R"({"name":"Zed","tags":["vip"]})").status, 201);
  for (const std::string& path :
       {"/v1/segments/" + s(vip), "/v1/segments/" + s(vip) + "/count",
        "/v1/segments/" + s(vip) + "/contacts", "/v1/segments/" + s(vip) + "/history"}) {
    EXPECT_EQ(other.get(path).status, 404) << path;
    EXPECT_EQ(other_person.get(path).status, 404) << "session: " << path;
  }
  EXPECT_EQ(other_person.del("/v1/segments/" + s(vip)).status, 404);
  EXPECT_EQ(other_person.get("/v1/contacts?segment=" + s(vip)).status, 400);
  EXPECT_EQ(other
                .send("PATCH", "/v1/segments/" + s(vip), R"({"name":"mine"})",
                      {{"Content-Type", "application/json"}})
                .status,
            404);
  EXPECT_EQ(other.del("/v1/segments/" + s(vip)).status, 404);
  EXPECT_EQ(other.get("/v1/contacts?segment=" + s(vip)).status, 400);
  auto ref =
      other.post("/v1/segments",
                 R"({"name":"x","rule":{"field":"segment","op":"eq","value":)" + s(vip) + "}}");
  EXPECT_EQ(ref.status, 400);
  EXPECT_EQ(other
                .post("/v1/segments/preview",
                      R"({"rule":{"field":"segment","op":"eq","value":)" + s(vip) + "}}")
                .status,
            400);
  // Each team's own VIP segment counts only its own contacts.
  EXPECT_EQ(count(vip), 1);
  auto theirs = other.post("/v1/segments",
                           R"({"name":"VIP","rule":{"field":"tags","op":"any","value":["vip"]}})");
  ASSERT_EQ(theirs.status, 201);
  auto n = other.get("/v1/segments/" + s(theirs.json()->getValue<long long>("id")) + "/count");
  EXPECT_EQ(n.json()->getValue<long long>("count"), 1);
}

SB_INSTANTIATE_BACKENDS(SegmentTest);

}  // namespace
}  // namespace sb::test
