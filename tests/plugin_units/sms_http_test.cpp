// sms_http against the SDK's fake host, without a network: its settings, what it refuses
// before any request, and how it reads delivery reports. (Sending over HTTP is tested
// against a loopback server in the API suite.)
#include <gtest/gtest.h>
#include <switchboard/sdk_fake.h>

#include "plugin_path.h"

namespace {

using switchboard::Json;
using switchboard::fake::Host;

TEST(SmsHttpPlugin, LoadsInertUntilConfiguredAndRefusesBadSettings) {
  Host host;
  ASSERT_EQ(host.load_library(plugin_path("sms_http")), "");
  EXPECT_EQ(host.registered(), std::vector<std::string>{"provider sms twilio"});
  ASSERT_EQ(host.logs.size(), 1u);
  EXPECT_EQ(host.logs[0].level, SB_LOG_WARN);
  auto r = host.send("sms", "sms_http.twilio", Json::object().set("to", "+4915112345678"));
  EXPECT_EQ(r.status, SB_ERROR);
  EXPECT_EQ(r.error, "sms_http is not configured (account_sid, auth_token)");

  host.settings = {{"base_url", "ftp://example.com"}};
  EXPECT_NE(host.load_library(plugin_path("sms_http")).find("base_url must be an http(s) URL"),
            std::string::npos);
  host.settings = {{"from", "0151"}};
  EXPECT_NE(host.load_library(plugin_path("sms_http")).find("from must be E.164"),
            std::string::npos);
  host.settings = {{"auth_tokn", "x"}};
  EXPECT_EQ(host.load_library(plugin_path("sms_http")),
            "sms_http.conf: unknown setting 'auth_tokn'");
}

TEST(SmsHttpPlugin, RefusesAMessageItCannotSendBeforeAnyRequest) {
  Host host;
  // Port 1: a request would fail as a retry, so an SB_ERROR proves none was made.
  host.settings = {{"base_url", "http://127.0.0.1:1"}, {"account_sid", "AC1"}, {"auth_token", "t"}};
  ASSERT_EQ(host.load_library(plugin_path("sms_http")), "");
  auto no_from =
      host.send("sms", "twilio", Json::object().set("to", "+4915112345678").set("text", "hi"));
  EXPECT_EQ(no_from.status, SB_ERROR);
  EXPECT_EQ(no_from.error, "no sender: set 'from' in sms_http.conf");
  auto bad_to =
      host.send("sms", "twilio", Json::object().set("to", "0151").set("from", "+15550001111"));
  EXPECT_EQ(bad_to.error, "'to' is not an E.164 number: '0151'");
  auto unreachable = host.send(
      "sms", "twilio",
      Json::object().set("to", "+4915112345678").set("from", "+15550001111").set("text", "hi"));
  EXPECT_EQ(unreachable.status, SB_RETRY);
}

TEST(SmsHttpPlugin, MapsDeliveryReportsToSwitchboardStates) {
  Host host;
  ASSERT_EQ(host.load_library(plugin_path("sms_http")), "");
  auto report = [&](Json form) {
    return host.read_status("sms", "twilio", Json::object().set("form", std::move(form)));
  };
  auto failed = report(Json::object()
                           .set("MessageSid", "SM1")
                           .set("MessageStatus", "canceled")
                           .set("ErrorCode", "30003"));
  ASSERT_TRUE(failed.ok()) << failed.error;
  EXPECT_EQ(failed.result.dump(),
            R"({"error":"error 30003","provider_id":"SM1","status":"failed"})");
  EXPECT_EQ(report(Json::object().set("SmsSid", "SM2").set("SmsStatus", "read"))
                .result["status"]
                .as_string(),
            "delivered");
  EXPECT_EQ(report(Json::object().set("MessageSid", "SM3").set("MessageStatus", "sending"))
                .result["status"]
                .as_string(),
            "queued");
  EXPECT_EQ(report(Json::object().set("MessageSid", "SM4")).status, SB_ERROR);
}

}  // namespace
