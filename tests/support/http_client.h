// A minimal HTTP/1.1 client for API tests, over Poco's HTTPClientSession.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Net/Context.h>

#include <map>
#include <string>

namespace sb::test {

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  // Parsed body (empty object when the body is not a JSON object).
  Poco::JSON::Object::Ptr json() const;
  // error.code of an error body, "" otherwise.
  std::string error_code() const;
};

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  void set_key(std::string key) { key_ = std::move(key); }
  // Speak as a signed-in person: the session cookie on every request, the CSRF token on
  // writes, and no key.
  void set_session(std::string token, std::string csrf_token) {
    key_.clear();
    session_ = std::move(token);
    csrf_ = std::move(csrf_token);
  }
  // Speak HTTPS with this client context (its CAs decide what server certificate passes).
  void set_tls(Poco::Net::Context::Ptr context) { tls_ = std::move(context); }

  HttpResult get(const std::string& path) const { return send("GET", path); }
  HttpResult del(const std::string& path) const { return send("DELETE", path); }
  HttpResult post(const std::string& path, const std::string& body,
                  const std::string& content_type = "application/json") const {
    return send("POST", path, body, {{"Content-Type", content_type}});
  }
  HttpResult send(const std::string& method, const std::string& path, const std::string& body = {},
                  const std::map<std::string, std::string>& headers = {}) const;

 private:
  int port_;
  std::string key_;
  std::string session_, csrf_;
  Poco::Net::Context::Ptr tls_;
};

}  // namespace sb::test
