#include "support/http_stub.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

namespace sb::test {
namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(std::shared_ptr<HttpStub::State> state) : state_(std::move(state)) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    StubRequest r;
    r.method = req.getMethod();
    r.uri = req.getURI();
    for (const auto& [k, v] : req) r.headers[Poco::toLower(k)] = v;
    Poco::StreamCopier::copyToString(req.stream(), r.body);
    StubAnswer a;
    {
      std::lock_guard lock(state_->mutex);
      state_->requests.push_back(std::move(r));
      a = state_->script[std::min(state_->next, state_->script.size() - 1)];
      ++state_->next;
    }
    resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(a.status));
    resp.setContentType(a.content_type);
    resp.setContentLength(static_cast<std::streamsize>(a.body.size()));
    resp.send() << a.body;
  }

 private:
  std::shared_ptr<HttpStub::State> state_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<HttpStub::State> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(state_);  // Poco's factory contract: the server owns the handler
  }

 private:
  std::shared_ptr<HttpStub::State> state_;
};

}  // namespace

HttpStub::HttpStub() : state_(std::make_shared<State>()) {
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
  auto params = new Poco::Net::HTTPServerParams;  // reference-counted by the server
  params->setMaxThreads(4);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), socket, params);
  server_->start();
}

HttpStub::~HttpStub() {
  server_->stopAll(true);
}

std::string HttpStub::url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port());
}

void HttpStub::answer(std::vector<StubAnswer> script) {
  std::lock_guard lock(state_->mutex);
  state_->script = script.empty() ? std::vector<StubAnswer>{StubAnswer{}} : std::move(script);
  state_->next = 0;
}

std::vector<StubRequest> HttpStub::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

}  // namespace sb::test
