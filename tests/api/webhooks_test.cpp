// crm.webhook.post delivers: POSTed to a loopback receiver with Standard Webhooks headers
// whose signature a verifier written from the specification accepts, retried on a
// 5xx with the same id, refused by the SSRF guard unless the range is allowed, and signed
// by both secrets while a rotation overlaps.

#include <soci/soci.h>

#include "api/crm_fixture.h"
#include "channels/address_guard.h"
#include "model/contact_json.h"
#include "support/http_stub.h"
#include "support/webhook_verifier.h"

namespace sb::test {
namespace {

bool verifies(const std::string& secret, const StubRequest& r) {
  return verifies_standard_webhook(secret, r);
}

class WebhookTest : public CrmTest {
 protected:
  void adjust(Config& c) override {
    c.events.workers = 0;
    c.events.backoff_base = std::chrono::milliseconds(0);
    c.workflows_dir = "";
    c.messaging.webhook_allow_private = {channels::parse_address_range("127.0.0.1")};
    c.messaging.webhook_backoff_base = std::chrono::milliseconds(0);  // retries due at once
  }
  void drain() {
    for (int i = 0; i < 50 && server_->dispatcher().run_once() > 0; ++i) {
    }
  }
  void workflow(const std::string& url) {
    Poco::JSON::Object o;
    o.set("name", "hook");
    o.set("source", "on(\"contact.created\", function(e) crm.webhook.post(\"" + url +
                        "\", { id = e.contact.id, name = e.contact.name }) end)");
    auto r = client().post("/v1/workflows", json_text(o));
    ASSERT_EQ(r.status, 201) << r.body;
  }
  Poco::JSON::Object::Ptr outbox() {
    auto list = client().get("/v1/outbox").json()->getArray("data");
    return list->size() ? list->getObject(0) : Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  }
  std::string secret() {
    auto r = client().get("/v1/settings/webhooks");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()->getValue<std::string>("secret");
  }
  HttpStub receiver_;
};

TEST_P(WebhookTest, DeliveredSignedAndVerifiable) {
  workflow(receiver_.url() + "/hooks/crm?src=sb");
  long long c = contact("Hooked");
  drain();
  auto got = receiver_.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].uri, "/hooks/crm?src=sb");
  EXPECT_NE(got[0].body.find("\"id\":" + std::to_string(c)), std::string::npos) << got[0].body;
  EXPECT_EQ(got[0].headers["content-type"], "application/json");
  EXPECT_EQ(got[0].headers["webhook-id"].rfind("msg_", 0), 0u);
  long long ts = std::stoll(got[0].headers["webhook-timestamp"]);
  EXPECT_LE(std::abs(ts - now_ms() / 1000), 60);
  EXPECT_TRUE(verifies(secret(), got[0])) << got[0].headers["webhook-signature"];
  StubRequest forged = got[0];
  forged.body += " ";
  EXPECT_FALSE(verifies(secret(), forged)) << "the verifier can fail";
  EXPECT_EQ(outbox()->getValue<std::string>("status"), "sent");
}

TEST_P(WebhookTest, A5xxIsRetriedWithTheSameId) {
  receiver_.answer({{503, "busy"}, {200, "ok"}});
  workflow(receiver_.url() + "/hook");
  contact("Retried");
  drain();
  auto got = receiver_.requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].headers["webhook-id"], got[1].headers["webhook-id"]);
  EXPECT_EQ(outbox()->getValue<std::string>("status"), "sent");
}

TEST_P(WebhookTest, RetriedLikeASubscriptionUntilTheWindowClosesThenFailed) {
  receiver_.answer({{503, "busy"}});
  workflow(receiver_.url() + "/hook");
  contact("Window");
  for (int i = 0; i < 6; ++i) server_->dispatcher().run_once();
  auto o = outbox();
  EXPECT_EQ(o->getValue<std::string>("status"), "queued");
  EXPECT_GE(o->getValue<int>("attempts"), 2) << "retried past the bus's own attempts";
  const std::size_t tried = receiver_.requests().size();
  EXPECT_GE(tried, 2u);
  // Three days pass: the next failure is the last.
  server_->database().write([&](soci::session& s) {
    s << "UPDATE outbox_messages SET created_at = " + std::to_string(now_ms() - 73LL * 3600'000);
  });
  drain();
  o = outbox();
  EXPECT_EQ(o->getValue<std::string>("status"), "failed");
  EXPECT_NE(o->getValue<std::string>("reason").find("HTTP 503"), std::string::npos);
  EXPECT_EQ(receiver_.requests().size(), tried + 1);
}

TEST_P(WebhookTest, A410GoneIsFinal) {
  receiver_.answer({{410, "unsubscribed"}});
  workflow(receiver_.url() + "/hook");
  contact("Gone");
  drain();
  EXPECT_EQ(receiver_.requests().size(), 1u) << "not retried";
  auto o = outbox();
  EXPECT_EQ(o->getValue<std::string>("status"), "failed");
  EXPECT_NE(o->getValue<std::string>("reason").find("HTTP 410"), std::string::npos);
}

TEST_P(WebhookTest, RotationSignsWithBothSecretsDuringTheOverlap) {
  std::string first = secret();
  auto rotated = client().post("/v1/settings/webhooks/rotate", "{}");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  std::string second = rotated.json()->getValue<std::string>("secret");
  EXPECT_NE(first, second);
  EXPECT_FALSE(rotated.json()->isNull("previous_secret_expires_at"));
  workflow(receiver_.url() + "/hook");
  contact("Rotated");
  drain();
  auto got = receiver_.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(verifies(first, got[0])) << "receivers on the old secret still verify";
  EXPECT_TRUE(verifies(second, got[0]));
}

SB_INSTANTIATE_BACKENDS(WebhookTest);

class GuardedWebhookTest : public WebhookTest {
 protected:
  void adjust(Config& c) override {
    WebhookTest::adjust(c);
    c.messaging.webhook_allow_private.clear();
  }
};

TEST_P(GuardedWebhookTest, PrivateAddressesAreRefusedAndNothingIsSent) {
  std::string port = receiver_.url().substr(receiver_.url().rfind(':') + 1);
  workflow("http://localhost:" + port + "/hook");  // a name that resolves to loopback
  contact("Guarded");
  drain();
  EXPECT_TRUE(receiver_.requests().empty());
  auto o = outbox();
  EXPECT_EQ(o->getValue<std::string>("status"), "failed");
  EXPECT_NE(o->getValue<std::string>("reason").find("refused"), std::string::npos)
      << o->getValue<std::string>("reason");
}

SB_INSTANTIATE_BACKENDS(GuardedWebhookTest);

}  // namespace
}  // namespace sb::test
