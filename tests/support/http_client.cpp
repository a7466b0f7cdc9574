// Test HTTP client.
#include "support/http_client.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

#include "support/openapi_validator.h"

namespace sb::test {
namespace {

// Every answer an API test receives is checked against docs/api/openapi.json; a mismatch
// fails the test that received it. TEST_OPENAPI_REPORT=FILE also appends each problem there
// (one line each), to see them all at once across suites.
void check_against_document(const std::string& method, const std::string& path,
                            const HttpResult& r) {
  if (!openapi_validation_enabled()) return;
  auto problems = OpenApiValidator::project().check(method, path, r.status, r.headers, r.body);
  if (problems.empty()) {
    ++OpenApiValidator::validated();
    return;
  }
  ++OpenApiValidator::failed();
  std::string all;
  for (const auto& p : problems) all += "\n  " + p;
  ADD_FAILURE() << "the response does not match docs/api/openapi.json:" << all;
  if (const char* report = std::getenv("TEST_OPENAPI_REPORT")) {
    static std::mutex m;
    std::lock_guard lock(m);
    std::ofstream out(report, std::ios::app);
    for (const auto& p : problems) out << p << "\n";
  }
}

}  // namespace

Poco::JSON::Object::Ptr HttpResult::json() const {
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(body);
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
  } catch (...) {
  }
  return new Poco::JSON::Object;
}

std::string HttpResult::error_code() const {
  auto o = json();
  if (!o->has("error")) return "";
  return o->getObject("error")->getValue<std::string>("code");
}

HttpResult HttpClient::send(const std::string& method, const std::string& path,
                            const std::string& body,
                            const std::map<std::string, std::string>& headers) const {
  std::unique_ptr<Poco::Net::HTTPClientSession> secure;
  if (tls_) {
    secure = std::make_unique<Poco::Net::HTTPSClientSession>(
        "127.0.0.1", static_cast<Poco::UInt16>(port_), tls_);
  }
  Poco::Net::HTTPClientSession plain("127.0.0.1", static_cast<Poco::UInt16>(port_));
  Poco::Net::HTTPClientSession& session = secure ? *secure : plain;
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  if (!key_.empty()) req.set("Authorization", "Bearer " + key_);
  if (!session_.empty()) {
    req.set("Cookie", "sb_session=" + session_);
    if (method != "GET" && method != "HEAD") req.set("X-CSRF-Token", csrf_);
  }
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    req.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  std::ostream& out = session.sendRequest(req);
  out << body;
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  HttpResult r;
  r.status = resp.getStatus();
  std::ostringstream text;
  Poco::StreamCopier::copyStream(in, text);
  r.body = text.str();
  for (const auto& [k, v] : resp) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    r.headers[lower] = v;
  }
  check_against_document(method, path, r);
  return r;
}

}  // namespace sb::test
