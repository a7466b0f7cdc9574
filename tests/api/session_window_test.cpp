// Session windows (plugin API 1.2): the probe's SMS provider declares a one-hour window, so
// free-form text goes only to contacts who wrote within the hour (an SMS reply or a chat
// message); outside it the message is skipped with its reason on the timeline, while
// templates (a campaign here) go at any time.
#include <algorithm>
#include <filesystem>
#include <fstream>

#include "messaging_fixture.h"

namespace sb::test {
namespace {

class SessionWindowTest : public MessagingTest {
 protected:
  void adjust(Config& c) override {
    MessagingTest::adjust(c);
    std::filesystem::copy_file(std::filesystem::path(SB_PLUGIN_CASES_DIR) / "probe.so",
                               plugins_.path() + "/probe.so");
    std::ofstream(plugins_.path() + "/probe.conf") << "session_window_s = 3600\n";
    c.plugins_dir = plugins_.path();
  }
  std::vector<std::string> outbox_statuses(long long contact) {
    std::vector<std::string> out;
    auto data = client().get("/v1/outbox?channel=sms").json()->getArray("data");
    for (std::size_t i = 0; i < data->size(); ++i) {
      auto m = data->getObject(static_cast<unsigned>(i));
      if (m->getValue<long long>("contact_id") != contact) continue;
      out.push_back(m->getValue<std::string>("status") +
                    (m->isNull("reason") ? "" : ":" + m->getValue<std::string>("reason")));
    }
    return out;
  }
  TempDir plugins_;
};

TEST_P(SessionWindowTest, FreeFormTextOnlyWithinTheWindowTemplatesAlways) {
  auto listed = client().get("/v1/plugins").json();
  auto provider = listed->getArray("data")->getObject(0)->getArray("providers")->getObject(0);
  EXPECT_EQ(provider->getValue<int>("session_window_s"), 3600);
  add_workflow("reply", R"(
on("contact.created", function(e) crm.sms.send(e.contact, "Welcome!") end)
on("sms.received", function(e) crm.sms.send(e.event.subject_id, "Thanks for writing") end)
on("message.received", function(e) crm.sms.send(e.event.subject_id, "Seen your chat") end)
)");
  // Never wrote: outside the window, skipped with the reason on the timeline.
  long long ann = create("/v1/contacts", R"({"name":"Ann","phone":"+84901234567"})");
  drain();
  EXPECT_EQ(outbox_statuses(ann), std::vector<std::string>{"skipped:session_window"});
  EXPECT_EQ(count_of(event_types(), "message.skipped"), 1);
  auto timeline = client().get("/v1/contacts/" + std::to_string(ann) + "/timeline").body;
  EXPECT_NE(timeline.find("session_window"), std::string::npos) << timeline;

  // An SMS reply opens the window: the answer to it goes.
  ASSERT_EQ(client().post("/v1/sms/inbound", R"({"from":"+84901234567","text":"hello?"})").status,
            200);
  drain();
  EXPECT_EQ(outbox_statuses(ann), (std::vector<std::string>{"skipped:session_window", "sent"}));

  // So does a chat message: the contact the chat captured gets free-form text.
  long long agent = create("/v1/agents", R"({"name":"Web bot","platforms":["web"]})");
  auto key = client().post("/v1/agents/" + std::to_string(agent) + "/keys", "{}");
  ASSERT_EQ(key.status, 201) << key.body;
  auto chat = client(key.json()->getValue<std::string>("key"))
                  .post("/v1/agents/" + std::to_string(agent) + "/messages",
                        R"({"id":"m1","conversation_id":"c1","platform":"web","user_id":"u1",)"
                        R"("text":"is the shop open today?"})");
  ASSERT_EQ(chat.status, 200) << chat.body;
  long long bo = chat.json()->getValue<long long>("contact_id");
  ASSERT_EQ(patch("/v1/contacts/" + std::to_string(bo), R"({"phone":"+84907654321"})").status, 200);
  drain();
  for (const std::string& s : outbox_statuses(bo)) EXPECT_EQ(s, "sent");
  EXPECT_EQ(outbox_statuses(bo).size(), 2u);  // contact.created and message.received

  // A template is never held to the window: a workflow's template SMS and an SMS campaign
  // reach a contact who never wrote.
  long long t =
      create("/v1/templates", R"({"name":"promo","channel":"sms","text":"Sale {{vars.code}}!"})");
  long long wf = add_workflow("template", R"(
on("contact.created", function(e)
  assert(crm.sms.send(e.contact, {template = "promo", vars = {code = "X1"}}))
  local ok, err = pcall(crm.sms.send, e.contact, {vars = {}})
  crm.log(tostring(ok), err)
end)
)");
  long long cy = create("/v1/contacts", R"({"name":"Cy","phone":"+84909999999","tags":["w"]})");
  long long id =
      create("/v1/campaigns", R"({"name":"W","channel":"sms","template_id":)" + std::to_string(t) +
                                  R"(,"filter":{"field":"tags","op":"any","value":["w"]}})");
  ASSERT_EQ(client().post("/v1/campaigns/" + std::to_string(id) + "/schedule", "{}").status, 200);
  wait_campaign(id, "completed");
  auto st = client().get("/v1/campaigns/" + std::to_string(id) + "/stats").json();
  EXPECT_EQ(st->getValue<long long>("sent"), 1);
  drain();
  auto runs = client().get("/v1/workflows/" + std::to_string(wf) + "/runs").body;
  EXPECT_NE(runs.find("expected text or {template"), std::string::npos) << runs;
  auto cy_messages = outbox_statuses(cy);
  std::sort(cy_messages.begin(), cy_messages.end());
  EXPECT_EQ(cy_messages, (std::vector<std::string>{"sent", "skipped:session_window"}));
}

SB_INSTANTIATE_BACKENDS(SessionWindowTest);

}  // namespace
}  // namespace sb::test
