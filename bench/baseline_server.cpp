// The trivial Poco handler every HTTP scenario is compared with: same server settings as
// Switchboard (own thread pool, keep-alive), no routing, no auth, no database, fixed JSON.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <signal.h>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

class Trivial : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& resp) override {
    static const std::string body = "{\"status\":\"ok\"}";
    resp.setContentType("application/json");
    resp.setContentLength(static_cast<std::streamsize>(body.size()));
    resp.send() << body;
  }
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Trivial;  // Poco takes ownership
  }
};

}  // namespace

int main() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 256);
  Poco::ThreadPool pool(2, 64, 60);
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(64);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params->setMaxKeepAliveRequests(0);
  Poco::Net::HTTPServer server(new Factory, pool, socket, params);
  server.start();
  std::cout << "listening on http://127.0.0.1:" << socket.address().port() << std::endl;
  int sig = 0;
  sigwait(&set, &sig);
  server.stopAll(true);
  return 0;
}
