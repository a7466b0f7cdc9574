// A loopback HTTP server for tests of code that calls out (SMS providers, webhooks): it
// records every request and answers from a script, the last answer repeating.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace sb::test {

struct StubRequest {
  std::string method, uri, body;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct StubAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
};

class HttpStub {
 public:
  HttpStub();  // listens on 127.0.0.1, a free port
  ~HttpStub();
  HttpStub(const HttpStub&) = delete;
  HttpStub& operator=(const HttpStub&) = delete;

  std::string url() const;  // http://127.0.0.1:<port>
  void answer(std::vector<StubAnswer> script);
  std::vector<StubRequest> requests() const;

  struct State {
    mutable std::mutex mutex;
    std::vector<StubRequest> requests;
    std::vector<StubAnswer> script{StubAnswer{}};
    std::size_t next = 0;
  };

 private:
  std::shared_ptr<State> state_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace sb::test
