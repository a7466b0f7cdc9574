// The event bus seen over HTTP: events are dispatched, listed, and dead letters replay.
#include <soci/soci.h>

#include <thread>

#include "api_fixture.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class EventsApiTest : public ApiTest {};

TEST_P(EventsApiTest, ChangesBecomeEventsThatTheDispatcherHandles) {
  auto c = client().post("/v1/contacts", R"({"name":"Evented"})");
  ASSERT_EQ(c.status, 201);
  long long id = c.json()->getValue<long long>("id");
  HttpResult list;
  for (int i = 0; i < 200; ++i) {  // the running dispatcher marks it done
    // (segment.entered events about the contact follow it: New, Active)
    list = client().get("/v1/events?type=contact.created&subject_type=contact&subject_id=" +
                        std::to_string(id));
    auto data = list.json()->getArray("data");
    if (data->size() == 1 && data->getObject(0)->getValue<std::string>("status") == "done") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto data = list.json()->getArray("data");
  ASSERT_EQ(data->size(), 1u) << list.body;
  EXPECT_EQ(data->getObject(0)->getValue<std::string>("type"), "contact.created");
  EXPECT_EQ(data->getObject(0)->getValue<std::string>("status"), "done");
  long long event_id = data->getObject(0)->getValue<long long>("id");
  auto one = client().get("/v1/events/" + std::to_string(event_id));
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.json()->getObject("payload")->getValue<std::string>("name"), "Evented");
  EXPECT_EQ(client().get("/v1/events?status=weird").status, 422);
  EXPECT_EQ(client().get("/v1/events?colour=red").status, 422);
  EXPECT_EQ(client(key_with_role("agent")).get("/v1/events").status, 403);

  // A dead letter (as if every retry had failed) is listed and can be replayed.
  server_->database().write([&](soci::session& s) {
    s << "UPDATE events SET status = 'dead', last_error = 'smtp: 550' WHERE id = " +
             std::to_string(event_id);
  });
  auto dead = client().get("/v1/dead-letters").json()->getArray("data");
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ(dead->getObject(0)->getValue<std::string>("last_error"), "smtp: 550");
  auto replay = client().post("/v1/dead-letters/" + std::to_string(event_id) + "/replay", "");
  EXPECT_EQ(replay.status, 202) << replay.body;
  EXPECT_EQ(client().post("/v1/dead-letters/" + std::to_string(event_id) + "/replay", "").status,
            404)
      << "no longer dead";
  auto metrics = anonymous().get("/metrics").body;
  EXPECT_NE(metrics.find("sb_events_pending "), std::string::npos);
  EXPECT_NE(metrics.find("sb_event_deliveries_total{result=\"ok\"}"), std::string::npos);
}

TEST_P(EventsApiTest, TeamsSeeOnlyTheirOwnEvents) {
  auto b = provision_team(server_->database(), "B", std::nullopt, false);
  auto a_events = client().get("/v1/events?limit=200").json()->getArray("data");
  ASSERT_GT(a_events->size(), 0u);
  long long a_event = a_events->getObject(0)->getValue<long long>("id");
  HttpClient bc = client(b->owner_key.secret);
  EXPECT_EQ(bc.get("/v1/events/" + std::to_string(a_event)).status, 404);
  EXPECT_EQ(bc.post("/v1/dead-letters/" + std::to_string(a_event) + "/replay", "").status, 404);
  auto b_events = bc.get("/v1/events?limit=200").json()->getArray("data");
  for (std::size_t i = 0; i < b_events->size(); ++i)
    EXPECT_NE(b_events->getObject(i)->getValue<long long>("id"), a_event);
}

SB_INSTANTIATE_BACKENDS(EventsApiTest);

}  // namespace
}  // namespace sb::test
