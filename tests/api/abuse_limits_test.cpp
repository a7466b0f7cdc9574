// Per-address limits on what needs no key: failed authentications (API keys and signed
// links), signed-link traffic, the client address behind a trusted proxy; and the headers
// every response carries.
#include "api/api_fixture.h"

namespace sb::test {
namespace {

const std::string kWrongKey = "sb_wrong_key_00000000000000000000000000000";

class FailedAuthTest : public ApiTest {
 protected:
  void adjust(Config& c) override {
    c.http.auth_failures_per_min = 3;  // three at once, then one per 20 s: none in the test
  }
};

TEST_P(FailedAuthTest, AnAddressThatKeepsFailingIsRefusedBeforeItsKeyIsChecked) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(client(kWrongKey).get("/v1/me").status, 401) << i;
  auto refused = client(kWrongKey).get("/v1/me");
  EXPECT_EQ(refused.status, 429);
  EXPECT_EQ(refused.error_code(), "rate_limited");
  EXPECT_NE(refused.body.find("failed authentications"), std::string::npos) << refused.body;
  EXPECT_GE(std::stoi(refused.headers["retry-after"]), 1);
  // The address is held back whatever it sends next; public routes stay open.
  EXPECT_EQ(client().get("/v1/me").status, 429);
  EXPECT_EQ(anonymous().get("/health").status, 200);
}

TEST_P(FailedAuthTest, SuccessesDoNotCount) {
  for (int i = 0; i < 20; ++i) ASSERT_EQ(client().get("/v1/me").status, 200);
  for (int i = 0; i < 2; ++i) ASSERT_EQ(client(kWrongKey).get("/v1/me").status, 401);
  EXPECT_EQ(client().get("/v1/me").status, 200);
}

TEST_P(FailedAuthTest, ForgedSignedLinksCountAsFailures) {
  for (int i = 0; i < 3; ++i) {
    auto r = anonymous().get("/t/o/forged-token-" + std::to_string(i));
    ASSERT_EQ(r.status, 404) << r.body;
  }
  EXPECT_EQ(anonymous().get("/t/o/forged-token-4").status, 429);
  EXPECT_EQ(client().get("/v1/me").status, 429);
}

TEST_P(FailedAuthTest, ForwardedForIsIgnoredFromAnUntrustedPeer) {
  for (int i = 0; i < 3; ++i) {
    client(kWrongKey).send("GET", "/v1/me", "",
                           {{"X-Forwarded-For", "203.0.113." + std::to_string(i)}});
  }
  auto r = client().send("GET", "/v1/me", "", {{"X-Forwarded-For", "198.51.100.1"}});
  EXPECT_EQ(r.status, 429) << "a client cannot pick its own address";
}

SB_INSTANTIATE_BACKENDS(FailedAuthTest);

class TrustedProxyTest : public ApiTest {
 protected:
  void adjust(Config& c) override {
    c.http.auth_failures_per_min = 2;
    c.http.trusted_proxies = {"127.0.0.1"};  // the test client plays the proxy
  }
  HttpResult me(const std::string& key, const std::string& forwarded_for) {
    return client(key).send("GET", "/v1/me", "", {{"X-Forwarded-For", forwarded_for}});
  }
};

TEST_P(TrustedProxyTest, TheProxyNamesTheClientAndSpoofedEntriesDoNotHelp) {
  ASSERT_EQ(me(kWrongKey, "203.0.113.7").status, 401);
  ASSERT_EQ(me(kWrongKey, "203.0.113.7").status, 401);
  EXPECT_EQ(me(kOwnerKey, "203.0.113.7").status, 429) << "the guessing client is held back";
  EXPECT_EQ(me(kOwnerKey, "198.51.100.2").status, 200) << "other clients of the proxy are not";
  // Entries left of the proxy's own were written by the client: the nearest one counts.
  EXPECT_EQ(me(kOwnerKey, "198.51.100.2, 203.0.113.7").status, 429);
  EXPECT_EQ(me(kOwnerKey, "203.0.113.7, 198.51.100.2").status, 200);
  // A chain of trusted proxies is walked through; garbage falls back to the peer.
  EXPECT_EQ(me(kOwnerKey, "203.0.113.7, 127.0.0.1").status, 429);
  EXPECT_EQ(me(kOwnerKey, "not-an-address").status, 200);
}

SB_INSTANTIATE_BACKENDS(TrustedProxyTest);

class SignedLinkLimitTest : public ApiTest {
 protected:
  void adjust(Config& c) override {
    c.http.public_rate_per_min = 8;  // a burst of two, then one per 7.5 s
    c.http.auth_failures_per_min = 0;
  }
};

TEST_P(SignedLinkLimitTest, LinkHitsArePacedPerAddress) {
  EXPECT_EQ(anonymous().get("/t/o/a").status, 404);
  EXPECT_EQ(anonymous().get("/t/c/b?u=https://example.com/").status, 404);
  auto r = anonymous().get("/u/c");
  EXPECT_EQ(r.status, 429);
  EXPECT_NE(r.body.find("too many requests from this address"), std::string::npos) << r.body;
  EXPECT_GE(std::stoi(r.headers["retry-after"]), 1);
  EXPECT_EQ(client().get("/v1/me").status, 200) << "keyed routes have their own limit";
}

SB_INSTANTIATE_BACKENDS(SignedLinkLimitTest);

class ResponseHeadersTest : public ApiTest {};

TEST_P(ResponseHeadersTest, NoSniffingAnywhereAndNoCachingOfKeyedAnswers) {
  auto keyed = client().get("/v1/me");
  EXPECT_EQ(keyed.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(keyed.headers["cache-control"], "no-store");
  auto error = client().get("/v1/contacts/999999");
  EXPECT_EQ(error.status, 404);
  EXPECT_EQ(error.headers["cache-control"], "no-store");
  auto open = anonymous().get("/health");
  EXPECT_EQ(open.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(open.headers.count("cache-control"), 0u);
}

TEST_P(ResponseHeadersTest, OversizedOrTooManyHeadersAre400AndTheServerGoesOn) {
  auto long_value = client().send("GET", "/v1/me", "", {{"X-Padding", std::string(9000, 'a')}});
  EXPECT_EQ(long_value.status, 400);
  std::map<std::string, std::string> many;
  for (int i = 0; i < 120; ++i) many["X-H" + std::to_string(i)] = "v";
  EXPECT_EQ(client().send("GET", "/v1/me", "", many).status, 400);
  auto long_uri = client().get("/v1/contacts?q=" + std::string(20000, 'a'));
  EXPECT_EQ(long_uri.status / 100, 4) << long_uri.status;
  EXPECT_EQ(client().get("/v1/me").status, 200);
}

SB_INSTANTIATE_BACKENDS(ResponseHeadersTest);

}  // namespace
}  // namespace sb::test
