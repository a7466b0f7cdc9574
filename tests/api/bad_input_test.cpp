// Bad input over HTTP: each gets a precise status, code and message, and nothing is lost.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "api_fixture.h"

namespace sb::test {
namespace {

class BadInputTest : public ApiTest {
 protected:
  void adjust(Config& c) override { c.http.max_body_bytes = 4096; }

  long long key_count() {
    return client().get("/v1/api-keys?limit=200").json()->getArray("data")->size();
  }

  // Sends raw bytes and returns the response head + body as text.
  std::string raw(const std::string& bytes) {
    Poco::Net::StreamSocket s(
        Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(server_->port())));
    s.setReceiveTimeout(Poco::Timespan(10, 0));
    s.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    std::string out;
    char buf[4096];
    int n;
    while ((n = s.receiveBytes(buf, sizeof buf)) > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      if (out.find("\r\n\r\n") != std::string::npos) {
        auto cl = out.find("Content-Length: ");
        if (cl != std::string::npos) {
          std::size_t len = std::stoul(out.substr(cl + 16));
          if (out.size() >= out.find("\r\n\r\n") + 4 + len) break;
        }
      }
    }
    return out;
  }
};

TEST_P(BadInputTest, MalformedJsonIs400WithPosition) {
  auto r = client().post("/v1/api-keys", "{\"name\": \"x\",\n \"role\": agent}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "invalid_json");
  auto details = r.json()->getObject("error")->getObject("details");
  EXPECT_EQ(details->getValue<int>("line"), 2);
  EXPECT_EQ(details->getValue<int>("column"), 10);
  EXPECT_FALSE(r.json()->getObject("error")->getValue<std::string>("request_id").empty());
  EXPECT_EQ(client().post("/v1/api-keys", "").status, 400);
  EXPECT_EQ(client().post("/v1/api-keys", "[]").status, 422);
  EXPECT_EQ(key_count(), 1);
}

TEST_P(BadInputTest, UnknownFieldsAndWrongTypesAre422NamingTheField) {
  auto unknown =
      client().post("/v1/api-keys", "{\"name\":\"x\",\"role\":\"agent\",\"admin\":true}");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.error_code(), "validation_failed");
  EXPECT_EQ(
      unknown.json()->getObject("error")->getObject("details")->getValue<std::string>("field"),
      "admin");
  auto typed = client().post("/v1/api-keys", "{\"name\":42,\"role\":\"agent\"}");
  EXPECT_EQ(typed.status, 422);
  EXPECT_NE(typed.body.find("must be a string"), std::string::npos);
  auto role = client().post("/v1/api-keys", "{\"name\":\"x\",\"role\":\"superuser\"}");
  EXPECT_EQ(role.status, 422);
  EXPECT_EQ(role.json()->getObject("error")->getObject("details")->getValue<std::string>("field"),
            "role");
  auto missing = client().post("/v1/api-keys", "{\"role\":\"agent\"}");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(key_count(), 1) << "no rejected request created anything";
}

TEST_P(BadInputTest, WrongContentTypeIs415) {
  auto r = client().post("/v1/api-keys", "name=x&role=agent", "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(r.error_code(), "unsupported_media_type");
  EXPECT_EQ(client()
                .post("/v1/api-keys", "{\"name\":\"x\",\"role\":\"agent\"}",
                      "application/json; charset=utf-8")
                .status,
            201);
}

TEST_P(BadInputTest, OversizedBodiesAre413ByLengthAndWhenChunked) {
  std::string big = "{\"name\":\"" + std::string(5000, 'a') + "\",\"role\":\"agent\"}";
  auto r = client().post("/v1/api-keys", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.error_code(), "payload_too_large");

  std::string chunk(3000, ' ');
  std::string request = "POST /v1/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        kOwnerKey +
                        "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 2; ++i) request += "bb8\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  std::string response = raw(request);
  EXPECT_EQ(response.rfind("HTTP/1.1 413", 0), 0u) << response.substr(0, 200);
  EXPECT_EQ(key_count(), 1);
}

TEST_P(BadInputTest, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  auto nf = client().get("/v1/nothing-here");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.error_code(), "not_found");
  auto mna = client().send("PUT", "/v1/api-keys");
  EXPECT_EQ(mna.status, 405);
  EXPECT_EQ(mna.error_code(), "method_not_allowed");
  EXPECT_EQ(mna.headers["allow"], "GET, POST, HEAD, OPTIONS");
  EXPECT_EQ(client().get("/v1/me/").status, 404);
}

TEST_P(BadInputTest, BodyOnARouteThatTakesNoneIs400) {
  auto r = client().send("GET", "/v1/me", "{\"x\":1}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_request");
}

// Action routes share one rule: no body, or an empty JSON object; anything else is 400.
TEST_P(BadInputTest, ActionRoutesTakeNoBodyOrAnEmptyObject) {
  auto w = client().post("/v1/workflows", R"({"name":"noop","source":"-- nothing"})");
  ASSERT_EQ(w.status, 201) << w.body;
  const std::string base = "/v1/workflows/" + std::to_string(w.json()->getValue<long long>("id"));
  EXPECT_EQ(client().send("POST", base + "/disable").status, 200);
  EXPECT_EQ(client().post(base + "/enable", "{}").status, 200);
  EXPECT_EQ(client().post(base + "/disable", " { } ").status, 200);
  auto options = client().post(base + "/enable", R"({"now":true})");
  EXPECT_EQ(options.status, 400);
  EXPECT_NE(options.body.find("takes no body, or {}"), std::string::npos) << options.body;
  EXPECT_EQ(client().post(base + "/enable", "{}", "text/plain").status, 415);
}

TEST_P(BadInputTest, SqlLookingStringsAreJustData) {
  std::string name = "x'); DELETE FROM api_keys; --";
  auto r = client().post("/v1/api-keys",
                         "{\"name\":\"x'); DELETE FROM api_keys; --\",\"role\":\"viewer\"}");
  ASSERT_EQ(r.status, 201);
  auto id = r.json()->getValue<long long>("id");
  EXPECT_EQ(
      client().get("/v1/api-keys/" + std::to_string(id)).json()->getValue<std::string>("name"),
      name);
  EXPECT_EQ(key_count(), 2);
  EXPECT_EQ(client().get("/v1/api-keys/1%20OR%201=1").status, 404);
}

TEST_P(BadInputTest, RequestIdIsEchoedOrGenerated) {
  auto r = client().send("GET", "/v1/me", "", {{"X-Request-Id", "trace-abc.123"}});
  EXPECT_EQ(r.headers["x-request-id"], "trace-abc.123");
  auto hostile = client().send("GET", "/v1/me", "", {{"X-Request-Id", "bad id\twith spaces"}});
  EXPECT_NE(hostile.headers["x-request-id"], "bad id\twith spaces");
  EXPECT_EQ(hostile.headers["x-request-id"].size(), 16u);
}

TEST_P(BadInputTest, IntegersBeyondSixtyFourBitsAre422NotServerErrors) {
  // JSON has no integer limit; the parser keeps values above INT64_MAX as unsigned, which
  // once escaped as a 500. Each route names the field instead.
  const std::string huge = "18446744073709551615";
  struct Case {
    std::string path, body, field;
  };
  for (const Case& c : std::vector<Case>{
           {"/v1/contacts", R"({"name":"x","owner_id":)" + huge + "}", "owner_id"},
           {"/v1/groups", R"({"name":"g","members":[)" + huge + "]}", "members[0]"},
           {"/v1/sla-policies",
            R"({"name":"s","targets":{"normal":{"first_response_minutes":)" + huge + "}}}",
            "targets.normal.first_response_minutes"},
           {"/v1/sla-policies",
            R"({"name":"s","targets":{},"business_hours":{"days":[166666666666663]}})",
            "business_hours.days"}}) {
    auto r = client().post(c.path, c.body);
    EXPECT_EQ(r.status, 422) << c.path << " " << r.body;
    EXPECT_NE(r.body.find(c.field), std::string::npos) << c.path << " " << r.body;
  }
}

SB_INSTANTIATE_BACKENDS(BadInputTest);

class RateLimitTest : public ApiTest {
 protected:
  void adjust(Config& c) override {
    c.http.rate_limit_rps = 0.01;  // refills once per 100 s: the burst is all there is
    c.http.rate_limit_burst = 5;
  }
};

TEST_P(RateLimitTest, BurstThen429WithRetryAfter) {
  int ok = 0;
  HttpResult last;
  for (int i = 0; i < 8; ++i) {
    last = client().get("/v1/me");
    if (last.status == 200) ++ok;
  }
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(last.status, 429);
  EXPECT_EQ(last.error_code(), "rate_limited");
  EXPECT_GE(std::stoi(last.headers["retry-after"]), 1);
  EXPECT_EQ(anonymous().get("/health").status, 200) << "public routes are not keyed";
}

SB_INSTANTIATE_BACKENDS(RateLimitTest);

}  // namespace
}  // namespace sb::test
