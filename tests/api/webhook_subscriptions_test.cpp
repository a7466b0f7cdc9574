// Webhook subscriptions over real HTTP, delivering to a loopback receiver: signed deliveries
// a verifier written from the specification accepts, the envelope, retries with the same
// id, order per subject, replay, test pings, rotation overlap, the retry window and the
// 24-hour disable (their clocks moved back in the database), the SSRF guard, validation,
// and another team (by key and by session) never reaching a subscription, on both backends.
#include <Poco/Net/ServerSocket.h>
#include <soci/soci.h>

#include <set>

#include "api/crm_fixture.h"
#include "channels/address_guard.h"
#include "support/http_stub.h"
#include "support/webhook_verifier.h"

namespace sb::test {
namespace {

class WebhookSubscriptionTest : public CrmTest {
 protected:
  void adjust(Config& c) override {
    c.events.workers = 0;
    c.events.backoff_base = std::chrono::milliseconds(0);
    c.workflows_dir = "";
    c.messaging.webhook_allow_private = {channels::parse_address_range("127.0.0.1")};
    c.messaging.webhook_backoff_base = std::chrono::milliseconds(0);  // retries are due at once
  }
  void drain() {
    for (int i = 0; i < 100 && server_->dispatcher().run_once() > 0; ++i) {
    }
  }
  // A subscription of `events` to the receiver; its JSON (with the secret).
  Poco::JSON::Object::Ptr subscribe(const std::string& events, const std::string& key = kOwnerKey) {
    auto r = client(key).post("/v1/webhooks",
                              "{\"url\":\"" + receiver_.url() + "/in\",\"events\":" + events + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json();
  }
  static std::string id_of(const Poco::JSON::Object::Ptr& o) {
    return std::to_string(o->getValue<long long>("id"));
  }
  Poco::JSON::Array::Ptr log(const std::string& sub) {
    auto r = client().get("/v1/webhooks/" + sub + "/deliveries");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()->getArray("data");
  }
  void sql(const std::string& statement) {
    server_->database().write([&](soci::session& s) { s << statement; });
  }
  HttpStub receiver_;
};

TEST_P(WebhookSubscriptionTest, DeliversSignedEnvelopesOfTheTypesSubscribedAndLogsThem) {
  auto sub = subscribe(R"(["contact.created","ticket.*"])");
  const std::string secret = sub->getValue<std::string>("secret");
  EXPECT_EQ(secret.rfind("whsec_", 0), 0u);
  auto shown = client().get("/v1/webhooks/" + id_of(sub));
  EXPECT_FALSE(shown.json()->has("secret")) << "the secret is shown once";
  long long c = contact("Hooked");
  ASSERT_EQ(patch("/v1/contacts/" + std::to_string(c), R"({"status":"qualified"})").status, 200);
  create("/v1/tickets", R"({"subject":"Broken"})");
  drain();
  auto got = receiver_.requests();
  ASSERT_EQ(got.size(), 2u) << "contact.updated is not subscribed: "
                            << client().get("/v1/webhooks/" + id_of(sub) + "/deliveries").body;
  for (const auto& r : got) {
    EXPECT_TRUE(verifies_standard_webhook(secret, r)) << r.headers.at("webhook-signature");
    EXPECT_TRUE(verifies_with_python(secret, r)) << "Python's hmac, from the specification";
    EXPECT_EQ(r.uri, "/in");
  }
  StubRequest forged = got[0];
  forged.body.insert(1, " ");
  EXPECT_FALSE(verifies_standard_webhook(secret, forged)) << "the verifier can fail";
  EXPECT_FALSE(verifies_with_python(secret, forged));
  Poco::JSON::Parser parser;
  auto envelope = parser.parse(got[0].body).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(envelope->getValue<std::string>("type"), "contact.created");
  EXPECT_EQ(envelope->getValue<int>("version"), 1);
  EXPECT_EQ(envelope->getValue<long long>("team_id"), 1);
  EXPECT_EQ(envelope->getValue<std::string>("id").rfind("evt_", 0), 0u);
  EXPECT_EQ(envelope->getObject("data")->getValue<long long>("id"), c);
  auto entries = log(id_of(sub));
  ASSERT_EQ(entries->size(), 2u);
  auto newest = entries->getObject(0);
  EXPECT_EQ(newest->getValue<std::string>("event_type"), "ticket.created");
  EXPECT_EQ(newest->getValue<std::string>("status"), "delivered");
  EXPECT_EQ(newest->getValue<int>("attempts"), 1);
  EXPECT_EQ(newest->getValue<int>("response_status"), 200);
  EXPECT_FALSE(newest->isNull("latency_ms"));
  EXPECT_EQ(newest->getValue<std::string>("message_id"), got[1].headers.at("webhook-id"));
  auto delivered = client().get("/v1/webhooks/" + id_of(sub) + "/deliveries?status=delivered");
  EXPECT_EQ(delivered.json()->getArray("data")->size(), 2u);
  EXPECT_EQ(client().get("/v1/webhooks/" + id_of(sub) + "/deliveries?status=lost").status, 422);
}

TEST_P(WebhookSubscriptionTest, FailuresAreRetriedWithTheSameIdAndOneSubjectStaysInOrder) {
  receiver_.answer({{500, "down"}, {200, "ok"}});
  auto sub = subscribe(R"(["contact.*"])");
  long long c = contact("Ordered");
  drain();  // created: fails once, then is delivered on its retry
  ASSERT_EQ(patch("/v1/contacts/" + std::to_string(c), R"({"status":"qualified"})").status, 200);
  drain();
  auto got = receiver_.requests();
  std::vector<std::string> types;
  Poco::JSON::Parser parser;
  for (const auto& r : got) {
    types.push_back(
        parser.parse(r.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("type"));
    parser.reset();
  }
  ASSERT_GE(types.size(), 3u);
  EXPECT_EQ(types[0], "contact.created");
  EXPECT_EQ(types[1], "contact.created") << "the retry";
  EXPECT_EQ(got[0].headers.at("webhook-id"), got[1].headers.at("webhook-id"));
  for (std::size_t i = 2; i < types.size(); ++i) EXPECT_NE(types[i], "contact.created");
  auto entries = log(id_of(sub));
  auto first = entries->getObject(static_cast<unsigned>(entries->size() - 1));
  EXPECT_EQ(first->getValue<int>("attempts"), 2);
  EXPECT_EQ(first->getValue<std::string>("status"), "delivered");
  EXPECT_TRUE(client().get("/v1/webhooks/" + id_of(sub)).json()->isNull("failing_since"));

  // The created event of a second contact fails; its update waits behind it, then follows.
  receiver_.answer({{500, "down"}, {200, "ok"}});
  long long d = contact("Second");
  ASSERT_EQ(patch("/v1/contacts/" + std::to_string(d), R"({"name":"Second again"})").status, 200);
  for (int i = 0; i < 3; ++i) server_->dispatcher().run_once();
  drain();
  auto later = receiver_.requests();
  std::vector<std::string> tail;
  for (std::size_t i = got.size(); i < later.size(); ++i) {
    tail.push_back(parser.parse(later[i].body)
                       .extract<Poco::JSON::Object::Ptr>()
                       ->getValue<std::string>("type"));
    parser.reset();
  }
  ASSERT_EQ(tail.size(), 3u);
  EXPECT_EQ(tail[0], "contact.created");
  EXPECT_EQ(tail[1], "contact.created");
  EXPECT_EQ(tail[2], "contact.updated") << "after the retried delivery of its subject";
}

// An event's deliveries are sent by the handler that wrote them, without a due event. If
// the process stops between the fan-out's commit and the POST, the event is not done: it
// comes again, the fan-out is not repeated, and what is still pending is sent. Here the
// stop is recreated in the database: the delivery back to pending, its event back to
// pending with the webhook subscriber's delivery forgotten.
TEST_P(WebhookSubscriptionTest, AnEventHandledAgainAfterItsFanOutSendsWhatIsStillPending) {
  auto sub = subscribe(R"(["contact.created"])");
  contact("Cut off");
  drain();
  ASSERT_EQ(receiver_.requests().size(), 1u);
  long long event = 0;
  server_->database().read(
      [&](soci::session& s) { s << "SELECT event_id FROM webhook_deliveries", soci::into(event); });
  ASSERT_GT(event, 0);
  const std::string id = std::to_string(event);
  sql("UPDATE webhook_deliveries SET status = 'pending', attempts = 0, delivered_at = NULL");
  sql("DELETE FROM event_deliveries WHERE event_id = " + id + " AND subscriber = 'webhooks'");
  sql("UPDATE events SET status = 'pending', lease_until = NULL, available_at = 0 WHERE id = " +
      id);
  drain();
  auto got = receiver_.requests();
  ASSERT_EQ(got.size(), 2u) << "sent again, once";
  EXPECT_EQ(got[1].headers.at("webhook-id"), got[0].headers.at("webhook-id"));
  auto entries = log(id_of(sub));
  ASSERT_EQ(entries->size(), 1u) << "the fan-out was not repeated";
  EXPECT_EQ(entries->getObject(0)->getValue<std::string>("status"), "delivered");
  EXPECT_EQ(entries->getObject(0)->getValue<long long>("event_id"), event);
}

TEST_P(WebhookSubscriptionTest, ReplayTestPingAndRotationOverlap) {
  auto sub = subscribe(R"(["*"])");
  const std::string first = sub->getValue<std::string>("secret");
  contact("Replayed");
  drain();
  auto entries = log(id_of(sub));
  ASSERT_GE(entries->size(), 1u);
  const std::string delivery = std::to_string(
      entries->getObject(static_cast<unsigned>(entries->size() - 1))->getValue<long long>("id"));
  auto replay =
      client().post("/v1/webhooks/" + id_of(sub) + "/deliveries/" + delivery + "/replay", "");
  ASSERT_EQ(replay.status, 202) << replay.body;
  EXPECT_EQ(std::to_string(replay.json()->getValue<long long>("replay_of")), delivery);
  EXPECT_EQ(client()
                .post("/v1/webhooks/" + id_of(sub) + "/deliveries/" +
                          std::to_string(replay.json()->getValue<long long>("id")) + "/replay",
                      "")
                .status,
            409)
      << "a delivery still to go out is not replayed";
  auto ping = client().post("/v1/webhooks/" + id_of(sub) + "/test", "");
  ASSERT_EQ(ping.status, 202) << ping.body;
  EXPECT_EQ(ping.json()->getValue<std::string>("event_type"), "webhook.test");
  auto rotated =
      client().post("/v1/webhooks/" + id_of(sub) + "/rotate-secret", R"({"overlap_hours":1})");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string second = rotated.json()->getValue<std::string>("secret");
  EXPECT_NE(first, second);
  EXPECT_FALSE(rotated.json()->isNull("previous_secret_expires_at"));
  const std::size_t before = receiver_.requests().size();
  drain();
  auto got = receiver_.requests();
  ASSERT_EQ(got.size(), before + 2);  // the replay and the ping
  for (std::size_t i = before; i < got.size(); ++i) {
    EXPECT_TRUE(verifies_standard_webhook(first, got[i])) << "the old secret still verifies";
    EXPECT_TRUE(verifies_standard_webhook(second, got[i]));
    EXPECT_TRUE(verifies_with_python(first, got[i]));
    EXPECT_TRUE(verifies_with_python(second, got[i]));
  }
  EXPECT_EQ(got[before].headers.at("webhook-id"), got[0].headers.at("webhook-id"))
      << "a replay is the same message";
  EXPECT_NE(got[before + 1].body.find("\"webhook.test\""), std::string::npos);
  // Without an overlap the old secret stops at once.
  client().post("/v1/webhooks/" + id_of(sub) + "/rotate-secret", R"({"overlap_hours":0})");
  client().post("/v1/webhooks/" + id_of(sub) + "/test", "");
  drain();
  EXPECT_FALSE(verifies_standard_webhook(second, receiver_.requests().back()));
}

TEST_P(WebhookSubscriptionTest, DeadAfterTheRetryWindowAndDisabledAfterADayOfFailures) {
  receiver_.answer({{503, "busy"}});
  auto sub = subscribe(R"(["contact.created"])");
  const std::string id = id_of(sub);
  contact("Never");
  server_->dispatcher().run_once();  // fan-out
  server_->dispatcher().run_once();  // first attempt fails
  auto entries = log(id);
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(entries->getObject(0)->getValue<std::string>("status"), "pending");
  EXPECT_EQ(entries->getObject(0)->getValue<std::string>("last_error"), "HTTP 503");
  EXPECT_FALSE(client().get("/v1/webhooks/" + id).json()->isNull("failing_since"));
  // Three days pass, and the subscription has been failing for a day.
  const std::string hours_ago_73 = std::to_string(now_ms() - 73LL * 3600 * 1000);
  sql("UPDATE webhook_deliveries SET created_at = " + hours_ago_73);
  sql("UPDATE webhook_subscriptions SET failing_since = " + hours_ago_73);
  auto a_admin = user("adminperson");
  sql("UPDATE users SET role = 'admin' WHERE id = " + std::to_string(a_admin));
  drain();
  entries = log(id);
  EXPECT_EQ(entries->getObject(0)->getValue<std::string>("status"), "dead");
  auto now = client().get("/v1/webhooks/" + id).json();
  EXPECT_FALSE(now->getValue<bool>("enabled"));
  EXPECT_NE(now->getValue<std::string>("disabled_reason").find("HTTP 503"), std::string::npos);
  auto notes = client().get("/v1/notifications?user_id=" + std::to_string(a_admin));
  ASSERT_EQ(notes.status, 200) << notes.body;
  ASSERT_EQ(notes.json()->getArray("data")->size(), 1u) << "the team's admins are told";
  EXPECT_EQ(count_of(event_types(), "webhook.disabled"), 1);
  // Disabled: new events are not delivered. Enabled again: the failure record is cleared.
  const std::size_t sent = receiver_.requests().size();
  contact("While disabled");
  drain();
  EXPECT_EQ(receiver_.requests().size(), sent);
  auto enabled = patch("/v1/webhooks/" + id, R"({"enabled":true})");
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_TRUE(enabled.json()->isNull("disabled_reason"));
  EXPECT_TRUE(enabled.json()->isNull("failing_since"));
}

TEST_P(WebhookSubscriptionTest, TheGuardRefusesPrivateTargetsAndInputIsChecked) {
  auto post = [&](const std::string& body) { return client().post("/v1/webhooks", body); };
  EXPECT_EQ(post(R"({"url":"http://10.0.0.1/in","events":["*"]})").status, 422)
      << "plain http only inside SB_WEBHOOK_ALLOW_PRIVATE";
  EXPECT_EQ(post(R"({"url":"ftp://example.com/in","events":["*"]})").status, 422);
  EXPECT_EQ(post(R"({"url":"https://example.com/in","events":[]})").status, 422);
  EXPECT_EQ(post(R"({"url":"https://example.com/in","events":["Contact.*"]})").status, 422);
  EXPECT_EQ(post(R"({"url":"https://example.com/in","events":["contact..x"]})").status, 422);
  EXPECT_EQ(post(R"({"url":"https://example.com/in","events":["*"],"secret":"x"})").status, 422);
  EXPECT_EQ(post(R"({"url":"https://example.com/in","events":["contact.creatd"]})").status, 422)
      << "a pattern that matches no event type is a typo";
  EXPECT_EQ(post(R"({"events":["*"]})").status, 422);
  EXPECT_EQ(client(key_with_role("agent"))
                .post("/v1/webhooks", R"({"url":"https://example.com","events":["*"]})")
                .status,
            403);
  // https to private, link-local and loopback addresses: accepted as a URL, refused when sent.
  for (const std::string url : {"https://169.254.169.254/latest", "https://10.1.2.3/in",
                                "https://[::1]/in", "https://[::ffff:127.0.0.2]/in"}) {
    auto r = post("{\"url\":\"" + url + "\",\"events\":[\"webhook.test\"]}");
    ASSERT_EQ(r.status, 201) << url << " " << r.body;
    const std::string id = id_of(r.json());
    ASSERT_EQ(client().post("/v1/webhooks/" + id + "/test", "").status, 202);
    drain();
    auto d = log(id)->getObject(0);
    EXPECT_EQ(d->getValue<std::string>("status"), "dead") << url;
    EXPECT_NE(d->getValue<std::string>("last_error").find("refused"), std::string::npos)
        << url << ": " << d->getValue<std::string>("last_error");
    EXPECT_TRUE(d->isNull("response_status"));
  }
  EXPECT_TRUE(receiver_.requests().empty());
}

TEST_P(WebhookSubscriptionTest, AnotherTeamNeverSeesOrTriggersASubscription) {
  auto sub = subscribe(R"(["*"])");
  const std::string id = id_of(sub);
  contact("A's contact");
  drain();
  auto delivery = std::to_string(log(id)->getObject(0)->getValue<long long>("id"));
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  HttpClient b = client(b_team->owner_key.secret);
  HttpClient b_person = person("bella", "owner", b_team->owner_key.secret);
  const std::map<std::string, std::string> json = {{"Content-Type", "application/json"}};
  for (const HttpClient* who : {&b, &b_person}) {
    for (const auto& [method, path, body] :
         std::vector<std::tuple<std::string, std::string, std::string>>{
             {"GET", "/v1/webhooks/" + id, ""},
             {"PATCH", "/v1/webhooks/" + id, R"({"enabled":false})"},
             {"DELETE", "/v1/webhooks/" + id, ""},
             {"POST", "/v1/webhooks/" + id + "/test", ""},
             {"POST", "/v1/webhooks/" + id + "/rotate-secret", "{}"},
             {"GET", "/v1/webhooks/" + id + "/deliveries", ""},
             {"GET", "/v1/webhooks/" + id + "/deliveries/" + delivery, ""},
             {"POST", "/v1/webhooks/" + id + "/deliveries/" + delivery + "/replay", ""}}) {
      auto r =
          who->send(method, path, body, body.empty() ? std::map<std::string, std::string>{} : json);
      EXPECT_EQ(r.status, 404) << method << " " << path << " " << r.body;
    }
    EXPECT_EQ(who->get("/v1/webhooks").json()->getArray("data")->size(), 0u);
  }
  // B's subscription to everything receives none of A's events, and A's none of B's.
  drain();
  HttpStub b_receiver;
  auto theirs = b.post("/v1/webhooks", "{\"url\":\"" + b_receiver.url() + "\",\"events\":[\"*\"]}");
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  const std::size_t a_before = receiver_.requests().size();
  contact("Another of A's");
  drain();
  EXPECT_TRUE(b_receiver.requests().empty());
  ASSERT_EQ(b.post("/v1/contacts", R"({"name":"B's own"})").status, 201);
  drain();
  ASSERT_FALSE(b_receiver.requests().empty());
  for (const auto& r : b_receiver.requests()) {
    EXPECT_EQ(r.body.find("A's"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"team_id\":" + std::to_string(b_team->team.id)), std::string::npos);
  }
  for (std::size_t i = a_before; i < receiver_.requests().size(); ++i)
    EXPECT_EQ(receiver_.requests()[i].body.find("B's own"), std::string::npos);
  EXPECT_EQ(client().get("/v1/webhooks/" + id).json()->getValue<bool>("enabled"), true);
}

SB_INSTANTIATE_BACKENDS(WebhookSubscriptionTest);

// A receiver that takes connections (the kernel's backlog) and never answers: every attempt
// to it times out.
class HungReceiver {
 public:
  HungReceiver() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0), 64) {}
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(socket_.address().port()) + "/in";
  }

 private:
  Poco::Net::ServerSocket socket_;
};

class SlowReceiverWebhookTest : public WebhookSubscriptionTest {
 protected:
  void adjust(Config& c) override {
    WebhookSubscriptionTest::adjust(c);
    c.messaging.webhook_timeout = std::chrono::milliseconds(300);
    c.messaging.webhook_batch_budget = std::chrono::milliseconds(500);
  }
};

// A hung receiver costs a timeout per attempt, so a batch stops POSTing at its budget (well
// within the bus's lease); what it had no time for waits with a due event, and everything is
// delivered once the receiver answers.
TEST_P(SlowReceiverWebhookTest, AHungReceiverTimesOutAndABatchDefersWhatItHasNoTimeFor) {
  HungReceiver hung;
  auto created = client().post("/v1/webhooks",
                               "{\"url\":\"" + hung.url() + "\",\"events\":[\"contact.created\"]}");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = id_of(created.json());
  for (int i = 0; i < 5; ++i) contact("Slow " + std::to_string(i));
  server_->dispatcher().run_once();  // the five events in one batch
  auto entries = log(id);
  ASSERT_EQ(entries->size(), 5u);
  int tried = 0, deferred = 0;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto e = entries->getObject(static_cast<unsigned>(i));
    EXPECT_EQ(e->getValue<std::string>("status"), "pending");
    if (e->getValue<int>("attempts") > 0) {
      ++tried;
      EXPECT_NE(e->getValue<std::string>("last_error").find("timed out"), std::string::npos);
    } else {
      ++deferred;
    }
  }
  // Each attempt takes the 300 ms timeout: at most two fit in the 500 ms budget.
  EXPECT_LE(tried, 2);
  EXPECT_GE(deferred, 3);
  ASSERT_EQ(patch("/v1/webhooks/" + id, "{\"url\":\"" + receiver_.url() + "/in\"}").status, 200);
  drain();
  std::set<std::string> ids;
  for (const auto& r : receiver_.requests()) ids.insert(r.headers.at("webhook-id"));
  EXPECT_EQ(ids.size(), 5u) << "every delivery, once the receiver answers";
  auto after = log(id);
  for (std::size_t i = 0; i < after->size(); ++i) {
    EXPECT_EQ(after->getObject(static_cast<unsigned>(i))->getValue<std::string>("status"),
              "delivered");
  }
}

SB_INSTANTIATE_BACKENDS(SlowReceiverWebhookTest);

}  // namespace
}  // namespace sb::test
