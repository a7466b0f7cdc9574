// Built-in HTTPS (SB_TLS_CERT / SB_TLS_KEY) with a self-signed certificate made for the
// test: the API answers over TLS to a client that trusts it, plain HTTP on the port gets
// nothing, and settings that cannot work stop the start with the setting named.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>

#include <cstdlib>

#include "api/api_fixture.h"
#include "channels/tls_client.h"
#include "model/error.h"

namespace sb::test {
namespace {

// cert.pem + key.pem for 127.0.0.1 (an EC key: made in milliseconds).
void make_certificate(const std::string& dir) {
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-keyout '" +
      dir + "/key.pem' -out '" + dir +
      "/cert.pem' -days 2 "
      "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl could not make a test certificate";
}

class TlsTest : public ApiTest {
 protected:
  void adjust(Config& c) override {
    make_certificate(certs_.path());
    c.http.tls_cert_file = certs_.path() + "/cert.pem";
    c.http.tls_key_file = certs_.path() + "/key.pem";
  }
  HttpClient https(const std::string& key = kOwnerKey) const {
    HttpClient c = client(key);
    // Trusts only the test certificate, and checks the name in it: what a real client does.
    c.set_tls(channels::tls_client_context(certs_.path() + "/cert.pem"));
    return c;
  }
  TempDir certs_;
};

TEST_P(TlsTest, TheApiAnswersOverTlsToAClientThatTrustsTheCertificate) {
  auto me = https().get("/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_TRUE(me.json()->has("team"));
  auto created = https().post("/v1/contacts", R"({"name":"Ann","email":"ann@example.com"})");
  EXPECT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(https("sb_wrong_key_0000000000000000000000000000").get("/v1/me").status, 401);
}

TEST_P(TlsTest, PlainHttpOnTheTlsPortGetsNoAnswer) {
  bool answered = false;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server_->port()));
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest req("GET", "/health", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    session.receiveResponse(resp);
    answered = resp.getStatus() == 200;
  } catch (const Poco::Exception&) {
    // The TLS server closes a connection that does not start a handshake.
  }
  EXPECT_FALSE(answered);
  EXPECT_EQ(https().get("/health").status, 200) << "the server is still up";
}

SB_INSTANTIATE_BACKENDS(TlsTest);

std::string start_error(const std::string& cert, const std::string& key) {
  Config c;
  c.database = fresh_database(TestBackend::kSqlite, "tls_config");
  c.http.port = 0;
  c.plugins_dir = "";
  c.http.tls_cert_file = cert;
  c.http.tls_key_file = key;
  try {
    ServerRuntime runtime(c);
    runtime.start();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigInvalid);
    return e.what();
  }
  return "";
}

TEST(TlsConfig, ACertificateWithoutKeyOrAFileThatDoesNotLoadStopsTheStart) {
  TempDir dir;
  make_certificate(dir.path());
  std::string cert = dir.path() + "/cert.pem", key = dir.path() + "/key.pem";
  EXPECT_NE(start_error(cert, "").find("set both"), std::string::npos);
  EXPECT_NE(start_error("", key).find("set both"), std::string::npos);
  std::string missing = start_error(dir.path() + "/nope.pem", key);
  EXPECT_NE(missing.find("SB_TLS_CERT"), std::string::npos) << missing;
  EXPECT_NE(missing.find("nope.pem"), std::string::npos) << missing;
  std::string swapped = start_error(key, cert);  // the key given as the certificate
  EXPECT_NE(swapped.find("SB_TLS_CERT"), std::string::npos) << swapped;
}

}  // namespace
}  // namespace sb::test
