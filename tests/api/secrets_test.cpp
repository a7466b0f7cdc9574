// Secrets never leave the server except where they are meant to (a new key's one showing):
// the real binary runs with canary secrets in its database URL, SMTP URL, keys and metrics
// token, is exercised through failures and every read-out route, and none of the canaries
// may appear in its log, its answers, its metrics or its exports.
#include <gtest/gtest.h>

#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "support/http_client.h"
#include "support/serve_process.h"
#include "support/test_backend.h"

namespace sb::test {
namespace {

const std::string kOwnerKey = "sb_canaryOwnerKey0000000000000000000000";
const std::string kWrongKey = "sb_canaryWrongKey0000000000000000000000";
const std::string kSmtpPassword = "canarySmtpPassw0rd";
const std::string kDbPassword = "canaryDbPassw0rd";
const std::string kMetricsToken = "canaryMetricsT0ken000";

class SecretsTest : public ::testing::TestWithParam<TestBackend> {};

TEST_P(SecretsTest, CanariesAppearNowhere) {
  std::string url = fresh_database(GetParam(), "secrets").url;
  if (url.rfind("postgresql://postgres@", 0) == 0) {
    // The test cluster trusts loopback, so the password is never asked for: a pure canary.
    url.insert(std::string("postgresql://postgres").size(), ":" + kDbPassword);
  }
  TempDir dir;
  // Nothing listens on port 9 of loopback: every send fails and is logged.
  auto server = std::make_unique<ServeProcess>(
      SB_BINARY_PATH,
      Poco::Process::Env{{"SB_DATABASE_URL", url},
                         {"SB_HTTP_PORT", "0"},
                         {"SB_BOOTSTRAP_API_KEY", kOwnerKey},
                         {"SB_LOG_LEVEL", "debug"},
                         {"SB_SMTP_URL", "smtp://mailer:" + kSmtpPassword + "@127.0.0.1:9"},
                         {"SB_EMAIL_FROM", "news@shop.test"},
                         {"SB_METRICS_TOKEN", kMetricsToken},
                         {"SB_WORKFLOWS_DIR", dir.path()},
                         {"SB_PLUGINS_DIR", dir.path()}},
      dir.path(), ServeOptions{.with_stderr = true});
  int port = server->wait_for_port();
  ASSERT_GT(port, 0) << "the server did not start";

  HttpClient owner(port);
  owner.set_key(kOwnerKey);
  HttpClient wrong(port);
  wrong.set_key(kWrongKey);
  std::vector<HttpResult> answers;
  answers.push_back(wrong.get("/v1/me"));
  answers.push_back(wrong.post("/v1/contacts", R"({"name":"x"})"));
  answers.push_back(owner.send("GET", "/v1/me", "", {{"Authorization", "Basic " + kWrongKey}}));
  answers.push_back(owner.get("/metrics"));  // an API key does not open them
  auto issued = owner.post("/v1/api-keys", R"({"name":"ci","role":"admin"})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string new_key = issued.json()->getValue<std::string>("key");
  HttpClient admin(port);
  admin.set_key(new_key);
  answers.push_back(admin.post("/v1/contacts", R"({"name":"Ann","email":"ann@example.com"})"));
  answers.push_back(admin.get("/v1/api-keys"));
  answers.push_back(owner.get("/v1/me"));
  answers.push_back(owner.get("/v1/audit"));
  answers.push_back(owner.get("/v1/exports/contacts?format=ndjson"));
  answers.push_back(owner.get("/v1/exports/team"));
  answers.push_back(owner.get("/v1/settings/messaging"));
  answers.push_back(
      owner.send("GET", "/metrics", "", {{"Authorization", "Bearer " + kMetricsToken}}));
  answers.push_back(owner.get("/health"));
  answers.push_back(owner.get("/v1/openapi.json"));
  server->signal(SIGTERM);
  std::string log;
  for (const std::string& line : server->lines()) log += line + "\n";
  log += server->rest_of_output();
  server->wait();

  ASSERT_NE(log.find("listening on"), std::string::npos) << "stdout was not read";
  ASSERT_NE(log.find("status=401"), std::string::npos) << "the log (stderr) was not read";
  for (const std::string& canary :
       {kOwnerKey, kWrongKey, new_key, kSmtpPassword, kDbPassword, kMetricsToken}) {
    EXPECT_EQ(log.find(canary), std::string::npos) << canary << " is in the log:\n" << log;
    for (const HttpResult& a : answers) {
      EXPECT_EQ(a.body.find(canary), std::string::npos) << canary << " is in an answer:\n"
                                                        << a.body.substr(0, 2000);
      for (const auto& [name, value] : a.headers) {
        EXPECT_EQ(value.find(canary), std::string::npos) << canary << " is in " << name;
      }
    }
  }
  EXPECT_EQ(answers[3].status, 401) << "metrics opened by an API key";
  // The exports and metrics were really read, not refused.
  for (std::size_t i = 4; i < answers.size(); ++i) {
    EXPECT_EQ(answers[i].status / 100, 2) << i << ": " << answers[i].body.substr(0, 300);
  }
}

SB_INSTANTIATE_BACKENDS(SecretsTest);

}  // namespace
}  // namespace sb::test
