// The stock workflows of workflows/, loaded the way `./dev serve` loads them (the
// directory synced into the team), each driven by the event it answers.
#include <soci/soci.h>

#include "crm_fixture.h"
#include "events/dispatcher.h"

namespace sb::test {
namespace {

class StockWorkflowTest : public CrmTest {
 protected:
  void adjust(Config& c) override {
    c.events.workers = 0;
    c.workflows_dir = std::string(SB_SOURCE_DIR) + "/workflows";
  }
  void drain() {
    for (int i = 0; i < 50 && server_->dispatcher().run_once() > 0; ++i) {
    }
  }
  Poco::JSON::Object::Ptr get(const std::string& url) {
    auto r = client().get(url);
    EXPECT_EQ(r.status, 200) << url << " " << r.body;
    return r.json();
  }
};

TEST_P(StockWorkflowTest, AllLoadFromTheDirectory) {
  auto list = get("/v1/workflows")->getArray("data");
  ASSERT_EQ(list->size(), 7u);
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto w = list->getObject(static_cast<unsigned>(i));
    EXPECT_EQ(w->getValue<std::string>("origin"), "file");
    EXPECT_TRUE(w->isNull("last_error")) << w->getValue<std::string>("name");
  }
}

TEST_P(StockWorkflowTest, ChatLeadGetsOwnerAndStageAndVipTicketsAreUrgent) {
  long long ann = user("ann"), bob = user("bob");
  create("/v1/groups", "{\"name\":\"sales\",\"members\":[" + std::to_string(ann) + "]}");
  create("/v1/groups", "{\"name\":\"senior\",\"members\":[" + std::to_string(bob) + "]}");
  long long c = create("/v1/contacts", R"({"name":"Chatty","source":"chat"})");
  drain();
  auto contact = get("/v1/contacts/" + std::to_string(c));
  EXPECT_EQ(contact->getValue<long long>("owner_id"), ann);
  EXPECT_EQ(contact->getValue<std::string>("stage"), "New");
  // VIP: the senior group takes over and new tickets are urgent (a before hook).
  ASSERT_EQ(patch("/v1/contacts/" + std::to_string(c), R"({"tags":["vip"]})").status, 200);
  drain();
  EXPECT_EQ(get("/v1/contacts/" + std::to_string(c))->getValue<long long>("owner_id"), bob);
  long long t =
      create("/v1/tickets", "{\"subject\":\"help\",\"contact_id\":" + std::to_string(c) + "}");
  EXPECT_EQ(get("/v1/tickets/" + std::to_string(t))->getValue<std::string>("priority"), "urgent");
}

TEST_P(StockWorkflowTest, ReadyToBuyNotifiesSalesAndNoShowTextsTheContact) {
  long long ann = user("ann");
  create("/v1/groups", "{\"name\":\"sales\",\"members\":[" + std::to_string(ann) + "]}");
  long long c = create("/v1/contacts", R"({"name":"Buyer","phone":"+14155550100"})");
  ASSERT_EQ(
      patch("/v1/contacts/" + std::to_string(c), R"({"purchase_intent":"ready_to_buy"})").status,
      200);
  long long a =
      create("/v1/appointments", "{\"contact_id\":" + std::to_string(c) +
                                     ",\"service\":\"Demo\",\"starts_at\":\"2030-01-01T10:00:00Z\","
                                     "\"ends_at\":\"2030-01-01T11:00:00Z\"}");
  ASSERT_EQ(patch("/v1/appointments/" + std::to_string(a), R"({"status":"no_show"})").status, 200);
  drain();
  auto notes = get("/v1/notifications?user_id=" + std::to_string(ann))->getArray("data");
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_NE(notes->getObject(0)->getValue<std::string>("text").find("ready to buy"),
            std::string::npos);
  auto outbox = get("/v1/outbox?channel=sms")->getArray("data");
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ(outbox->getObject(0)->getValue<std::string>("recipient"), "+14155550100");
}

SB_INSTANTIATE_BACKENDS(StockWorkflowTest);

}  // namespace
}  // namespace sb::test
