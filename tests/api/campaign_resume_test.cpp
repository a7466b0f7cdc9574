// A campaign survives its sender being killed: real `switchboard serve` processes send a
// throttled campaign into the loopback SMTP sink and are killed with SIGKILL mid-send; the
// next process takes the campaign over when the dead one's lease expires. Afterwards no
// contact has two messages and no recipient was skipped over (the stats count every one as
// sent). A recipient is committed as sent before its final SMTP dot, so a kill that lands
// between that commit and the dot loses that one message rather than ever sending one
// twice: at most the messages in flight at a kill (one per worker) may be missing. Outside
// load it is 0 in practice (16 of 16 runs); under a loaded parallel test run we saw 1.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <thread>

#include "support/http_client.h"
#include "support/serve_process.h"
#include "support/smtp_sink.h"
#include "support/test_backend.h"

namespace sb::test {
namespace {

constexpr const char* kKey = "sb_test_resume_key_00000000000000000000";
constexpr int kRecipients = 240;
constexpr int kWorkers = 3;
constexpr int kKills = 2;

class CampaignResumeTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override { url_ = fresh_database(GetParam(), "campaign_resume").url; }
  std::unique_ptr<ServeProcess> start() {
    auto p = std::make_unique<ServeProcess>(
        SB_BINARY_PATH,
        Poco::Process::Env{{"SB_DATABASE_URL", url_},
                           {"SB_HTTP_PORT", "0"},
                           {"SB_BOOTSTRAP_API_KEY", kKey},
                           {"SB_LOG_LEVEL", "warning"},
                           {"SB_WORKFLOWS_DIR", dir_.path() + "/workflows"},
                           {"SB_PLUGINS_DIR", dir_.path() + "/plugins"},
                           {"SB_SMTP_URL", "smtp://127.0.0.1:" + std::to_string(sink_.port())},
                           {"SB_EMAIL_FROM", "news@shop.test"},
                           {"SB_CAMPAIGN_WORKERS", std::to_string(kWorkers)},
                           // A dead sender's campaign is taken over a second later.
                           {"SB_CAMPAIGN_LEASE_MS", "1000"}},
        dir_.path());
    port_ = p->wait_for_port();
    EXPECT_GT(port_, 0) << "the server did not start";
    return p;
  }
  HttpClient client() const {
    HttpClient c(port_);
    c.set_key(kKey);
    return c;
  }
  // Waits (bounded) until the sink holds at least `n` messages; returns how many it holds.
  std::size_t wait_for_messages(std::size_t n) {
    std::size_t have = 0;
    for (int i = 0; i < 600 && (have = sink_.messages().size()) < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return have;
  }

  TempDir dir_;
  SmtpSink sink_;
  std::string url_;
  int port_ = 0;
};

TEST_P(CampaignResumeTest, KilledSendersRepeatNoRecipientAndSkipNone) {
  auto first = start();
  ASSERT_GT(port_, 0);
  auto t =
      client().post("/v1/templates",
                    R"({"name":"offer","channel":"email","subject":"Offer for {{contact.name}}",)"
                    R"("text":"Hello {{contact.name}}"})");
  ASSERT_EQ(t.status, 201) << t.body;
  for (int i = 0; i < kRecipients; ++i) {
    auto c = client().post("/v1/contacts", R"({"name":"c)" + std::to_string(i) + R"(","email":"c)" +
                                               std::to_string(i) + R"(@example.test"})");
    ASSERT_EQ(c.status, 201) << c.body;
  }
  // 3000 a minute: one message per 20 ms, so the kills land mid-send.
  auto camp =
      client().post("/v1/campaigns",
                    R"({"name":"spring","channel":"email","filter":{},"throttle_per_minute":3000,)"
                    R"("template_id":)" +
                        std::to_string(t.json()->getValue<long long>("id")) + "}");
  ASSERT_EQ(camp.status, 201) << camp.body;
  const std::string base =
      "/v1/campaigns/" + std::to_string(camp.json()->getValue<long long>("id"));
  ASSERT_EQ(client().post(base + "/schedule", "{}").status, 200);

  // Two crashes at different points, then a third process finishes.
  std::size_t at_first_kill = wait_for_messages(kRecipients / 4);
  first->signal(SIGKILL);
  first->wait();
  ASSERT_LT(at_first_kill, static_cast<std::size_t>(kRecipients)) << "sent before the kill";
  auto second = start();
  std::size_t at_second_kill = wait_for_messages(at_first_kill + kRecipients / 4);
  EXPECT_GT(at_second_kill, at_first_kill) << "the second process never resumed the campaign";
  second->signal(SIGKILL);
  second->wait();
  auto third = start();
  std::string status;
  for (int i = 0; i < 600 && status != "completed"; ++i) {
    status = client().get(base).json()->getValue<std::string>("status");
    if (status != "completed") std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status, "completed") << client().get(base + "/stats").body;

  std::map<std::string, int> received;
  for (const auto& m : sink_.messages()) {
    auto to = m->getArray("rcpt_tos");
    ASSERT_EQ(to->size(), 1u);
    received[to->getElement<std::string>(0)]++;
  }
  int duplicates = 0, missing = 0;
  for (int i = 0; i < kRecipients; ++i) {
    auto it = received.find("c" + std::to_string(i) + "@example.test");
    if (it == received.end()) {
      ++missing;
    } else if (it->second > 1) {
      duplicates += it->second - 1;
    }
  }
  EXPECT_EQ(duplicates, 0);
  EXPECT_LE(missing, kKills * kWorkers) << "more lost than were in flight at the kills";
  if (missing > 0) {
    std::cout << "[ note     ] " << missing << " message(s) lost between commit and dot\n";
  }
  auto stats = client().get(base + "/stats").json();
  EXPECT_EQ(stats->getValue<int>("targeted"), kRecipients);
  EXPECT_EQ(stats->getValue<int>("sent"), kRecipients);
  EXPECT_EQ(stats->getValue<int>("pending"), 0);
  third->signal(SIGTERM);
  EXPECT_EQ(third->wait(), 0);
}

SB_INSTANTIATE_BACKENDS(CampaignResumeTest);

}  // namespace
}  // namespace sb::test
