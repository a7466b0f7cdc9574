// The first-party plugins in plugins/, each loaded as the real .so built through the SDK:
// lead_score, sentiment_lexicon, assign_balanced (capacity, working hours) and sms_http
// (against a loopback HTTP server speaking the Twilio Messages API).
#include <chrono>

#include "plugin_fixture.h"
#include "plugins/plugin_bus.h"
#include "support/http_stub.h"

namespace sb::test {
namespace {

using FirstPartyPluginTest = PluginTest;

TEST_P(FirstPartyPluginTest, LeadScoreScoresAndQualifiesContacts) {
  install("lead_score", "threshold = 50\nstage = Qualified\n");
  long long id = create("/v1/contacts", "{\"name\":\"Lee\",\"email\":\"lee@x.io\"}");
  drain();
  EXPECT_EQ(get_contact(id)->getValue<long long>("score"), 15);  // name 5 + email 10
  patch("/v1/contacts/" + std::to_string(id), "{\"purchase_intent\":\"ready_to_buy\"}");
  drain();
  auto c = get_contact(id);
  EXPECT_EQ(c->getValue<long long>("score"), 55);
  EXPECT_EQ(c->getValue<std::string>("stage"), "Qualified");
  auto r = action("lead_score.update", "{\"id\":" + std::to_string(id) + "}");
  EXPECT_NE(r.body.find("\"score\":55"), std::string::npos) << r.body;
  EXPECT_EQ(action("lead_score.update", "{}").status, 422);
}

// Plugins declare the settings they read (API 1.3): a misspelt key refuses the load and
// says what the plugin reads, instead of silently scoring with the default.
TEST_P(FirstPartyPluginTest, AMisspeltSettingRefusesThePluginAndNamesTheKnownOnes) {
  install("lead_score", "treshold = 50\n");
  auto list = client().get("/v1/plugins").json();
  EXPECT_FALSE(plugin(list, "lead_score"));
  EXPECT_EQ(failure(list, "lead_score.so"),
            "lead_score.conf: unknown setting 'treshold'; this plugin reads: email, phone, name, "
            "intent_comparing, intent_ready_to_buy, per_message, max_messages, tag_booked, "
            "threshold, stage");
  install("lead_score", "threshold = 50\n");
  EXPECT_TRUE(plugin(client().get("/v1/plugins").json(), "lead_score"));
}

TEST_P(FirstPartyPluginTest, SentimentLexiconExtractsFromChatText) {
  install("sentiment_lexicon", "negative = kaputt, mist\n");
  plugins::PluginExtractors extractors(server_->plugins());
  std::vector<capture::Extracted> out;
  extractors.extract("Das Ding ist kaputt, so ein Mist", CaptureSettings{}, out);
  bool found = false;
  for (const auto& e : out) {
    if (e.source == "plugin:sentiment_lexicon.words") {
      found = true;
      EXPECT_EQ(e.value, "negative");
      EXPECT_LT(e.score, 0);
    }
  }
  EXPECT_TRUE(found);
}

// Three agents: A (capacity 2), B (capacity 1) and C (off today). The owner takes no
// contacts (roles = agent). Contacts go to the lowest load relative to capacity.
TEST_P(FirstPartyPluginTest, AssignBalancedHonoursCapacityAndWorkingHours) {
  long long a = user("ada"), b = user("bob"), c = user("cy");
  // C works only on days that are neither yesterday, today nor tomorrow (UTC): off now
  // whatever the hour, even if the test runs across midnight.
  const long long today = std::chrono::duration_cast<std::chrono::hours>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count() /
                          24;
  const char* names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  std::string c_days;
  for (long long d = today + 2; d <= today + 5; ++d) {
    c_days += std::string(c_days.empty() ? "" : ",") + names[(d + 3) % 7];  // day 0: Thursday
  }
  install("assign_balanced", "roles = agent\ncapacity = 2\nhours = always\ncapacity." +
                                 std::to_string(b) + " = 1\nhours." + std::to_string(c) + " = " +
                                 c_days + " 00:00-24:00\ntime_zone." + std::to_string(c) +
                                 " = Europe/Berlin\n");
  auto assign = [&](long long id, bool reassign = false) {
    auto r = action("assign_balanced.assign",
                    "{\"id\":" + std::to_string(id) + (reassign ? ",\"reassign\":true}" : "}"));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()->getObject("result");
  };
  std::vector<long long> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(create("/v1/contacts", "{\"name\":\"c" + std::to_string(i) + "\"}"));
  EXPECT_EQ(assign(ids[0])->getValue<long long>("assigned_to"), a);  // 0/2 vs 0/1: the lower id
  EXPECT_EQ(assign(ids[1])->getValue<long long>("assigned_to"), b);  // A 1/2, B 0/1
  EXPECT_EQ(assign(ids[2])->getValue<long long>("assigned_to"), a);  // B full
  EXPECT_EQ(get_contact(ids[2])->getValue<long long>("owner_id"), a);
  auto none = assign(ids[3]);
  EXPECT_TRUE(none->isNull("assigned_to"));
  EXPECT_EQ(none->getValue<std::string>("reason"), "nobody available (1 off hours, 2 at capacity)");
  EXPECT_TRUE(get_contact(ids[3])->isNull("owner_id"));
  // An assigned contact stays put unless asked; load counts only live contacts.
  EXPECT_EQ(assign(ids[1])->getValue<std::string>("reason"), "already assigned");
  patch("/v1/contacts/" + std::to_string(ids[0]), "{\"status\":\"inactive\"}");
  EXPECT_EQ(assign(ids[3])->getValue<long long>("assigned_to"), a);
  EXPECT_EQ(action("assign_balanced.assign", "{}").status, 422);
  EXPECT_EQ(action("assign_balanced.assign", "{\"id\":999999}").status, 422);
}

TEST_P(FirstPartyPluginTest, AssignBalancedAssignsNewContactsWhenAskedAndRefusesBadSettings) {
  long long a = user("ada");
  install("assign_balanced", "assign_new = true\nroles = agent\nhours = mon-sun 00:00-24:00\n");
  long long id = create("/v1/contacts", "{\"name\":\"New\"}");
  drain();
  EXPECT_EQ(get_contact(id)->getValue<long long>("owner_id"), a);

  install("assign_balanced", "hours = someday 9-5\n");
  auto list = client().get("/v1/plugins").json();
  EXPECT_FALSE(plugin(list, "assign_balanced"));
  EXPECT_NE(failure(list, "assign_balanced.so").find("unknown day 'someday'"), std::string::npos);
  install("assign_balanced", "time_zone = Mars/Olympus\n");
  EXPECT_NE(failure(client().get("/v1/plugins").json(), "assign_balanced.so").find("Mars/Olympus"),
            std::string::npos);
}

// sms_http against a loopback server answering like Twilio's Messages resource.
class SmsHttpTest : public PluginTest {
 protected:
  void SetUp() override {
    PluginTest::SetUp();
    install("sms_http",
            "base_url = " + stub_.url() +
                "\naccount_sid = AC1\nauth_token = tok\nfrom = +15550001111\ntimeout_ms = 2000\n");
  }
  std::optional<plugins::CallResult> send(const std::string& message) {
    return server_->plugins().send("sms", "sms_http.twilio", {1, nullptr, nullptr}, message);
  }
  HttpStub stub_;
};

TEST_P(SmsHttpTest, SendsThroughTheMessagesApiWithItsAuthAndForm) {
  stub_.answer({{201, R"({"sid":"SM42","status":"queued"})"}});
  auto sent = send(R"({"to":"+4915112345678","text":"Hi Ana & co","message_id":"m1",)"
                   R"("status_callback":"https://crm.example/hooks/sms?t=1"})");
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, SB_OK) << sent->error;
  EXPECT_EQ(sent->result, R"({"provider_id":"SM42","status":"queued"})");
  auto reqs = stub_.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].uri, "/2010-04-01/Accounts/AC1/Messages.json");
  EXPECT_EQ(reqs[0].headers["authorization"], "Basic QUMxOnRvaw==");  // AC1:tok
  EXPECT_EQ(reqs[0].headers["content-type"], "application/x-www-form-urlencoded");
  const std::string& form = reqs[0].body;
  EXPECT_NE(form.find("To=%2B4915112345678"), std::string::npos) << form;
  EXPECT_NE(form.find("From=%2B15550001111"), std::string::npos) << form;
  EXPECT_NE(form.find("Body=Hi%20Ana%20%26%20co"), std::string::npos) << form;
  EXPECT_NE(form.find("StatusCallback=https%3A%2F%2Fcrm.example%2Fhooks%2Fsms%3Ft%3D1"),
            std::string::npos)
      << form;
  auto list = client().get("/v1/plugins").json();
  auto provider = plugin(list, "sms_http")->getArray("providers")->getObject(0);
  EXPECT_TRUE(provider->getValue<bool>("delivery_reports"));
}

TEST_P(SmsHttpTest, MapsProviderAnswersToRetryOrFailure) {
  stub_.answer({{400, R"({"code":21211,"message":"Invalid 'To' Phone Number"})"},
                {503, "down for maintenance", "text/plain"},
                {429, R"({"code":20429,"message":"Too Many Requests"})"},
                {201, "not json", "text/plain"}});
  const std::string msg = R"({"to":"+4915112345678","text":"hi"})";
  auto rejected = send(msg);
  EXPECT_EQ(rejected->status, SB_ERROR);
  EXPECT_EQ(rejected->error, "HTTP 400: Invalid 'To' Phone Number (code 21211)");
  EXPECT_EQ(send(msg)->status, SB_RETRY);
  auto limited = send(msg);
  EXPECT_EQ(limited->status, SB_RETRY);
  EXPECT_NE(limited->error.find("Too Many Requests"), std::string::npos);
  EXPECT_EQ(send(msg)->status, SB_RETRY);
  EXPECT_EQ(stub_.requests().size(), 4u);
  // Refused before any request: not E.164, no text.
  auto bad_to = send(R"({"to":"015112345678","text":"hi"})");
  EXPECT_EQ(bad_to->status, SB_ERROR);
  EXPECT_NE(bad_to->error.find("not an E.164 number"), std::string::npos);
  EXPECT_EQ(send(R"({"to":"+4915112345678"})")->status, SB_ERROR);
  EXPECT_EQ(stub_.requests().size(), 4u);
}

TEST_P(SmsHttpTest, AnUnreachableProviderIsARetry) {
  install("sms_http",
          "base_url = http://127.0.0.1:1\naccount_sid = AC1\nauth_token = tok\n"
          "from = +15550001111\n");
  auto sent = send(R"({"to":"+4915112345678","text":"hi"})");
  EXPECT_EQ(sent->status, SB_RETRY);
  EXPECT_NE(sent->error.find("cannot reach 127.0.0.1"), std::string::npos) << sent->error;
}

TEST_P(SmsHttpTest, ReadsDeliveryReports) {
  auto& host = server_->plugins();
  auto report = host.read_status(
      "sms", "sms_http.twilio", {1, nullptr, nullptr},
      R"({"form":{"MessageSid":"SM42","MessageStatus":"undelivered","ErrorCode":"30003",)"
      R"("ErrorMessage":"Unreachable handset"}})");
  ASSERT_TRUE(report);
  EXPECT_EQ(
      report->result,
      R"({"error":"error 30003: Unreachable handset","provider_id":"SM42","status":"undelivered"})");
  auto delivered = host.read_status("sms", "sms_http.twilio", {1, nullptr, nullptr},
                                    R"({"form":{"SmsSid":"SM43","SmsStatus":"delivered"}})");
  EXPECT_EQ(delivered->result, R"({"provider_id":"SM43","status":"delivered"})");
  auto unknown = host.read_status("sms", "sms_http.twilio", {1, nullptr, nullptr},
                                  R"({"form":{"MessageSid":"SM1","MessageStatus":"teleported"}})");
  EXPECT_EQ(unknown->status, SB_ERROR);
  EXPECT_NE(unknown->error.find("teleported"), std::string::npos);
  EXPECT_EQ(
      host.read_status("sms", "sms_http.twilio", {1, nullptr, nullptr}, R"({"form":{}})")->status,
      SB_ERROR);
}

SB_INSTANTIATE_BACKENDS(SmsHttpTest);

SB_INSTANTIATE_BACKENDS(FirstPartyPluginTest);

}  // namespace
}  // namespace sb::test
