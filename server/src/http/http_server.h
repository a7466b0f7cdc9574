// The HTTP edge: Poco's HTTPServer on our own thread pool, the request pipeline (route,
// authenticate, rate-limit, read and check the body, handle, map errors), metrics and the
// access log. stop() finishes requests in flight before returning.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace sb {
namespace plugins {
class PluginHost;
}
namespace channels {
class Messenger;
class WebhookSubscriptions;
}  // namespace channels
namespace campaigns {
class CampaignRunner;
}
namespace wf {
class WorkflowRegistry;
class WorkflowTester;
}  // namespace wf
namespace imports {
class ImportRunner;
}

class Database;
class Dispatcher;

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port, see HttpServer::port()
  int threads = 64;
  int max_queued = 256;
  int keepalive_timeout_s = 5;
  std::size_t max_body_bytes = 1 << 20;
  bool access_log = true;
  double rate_limit_rps = 200;  // per API key; 0 disables
  double rate_limit_burst = 400;
  double form_rate_per_min = 20;  // public form posts per client IP; 0 disables
  // Signed-link hits (tracking, unsubscribe, delivery reports) per client IP; 0 disables.
  double public_rate_per_min = 2400;
  // Failed authentications (bad key, forged link) per client IP, all at once, before that
  // address is refused; they then come back at this many per minute. 0 disables.
  double auth_failures_per_min = 30;
  // Peers (reverse proxies) trusted to name the client in X-Forwarded-For; without them
  // every per-IP limit would see the proxy's address.
  std::vector<std::string> trusted_proxies;
  // Both set: serve HTTPS (TLS 1.2+) with this PEM certificate chain and unencrypted key.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Browser origins ("https://crm.example.com", exactly) allowed to call the API from
  // another site, with credentials. Empty: none (the public form route allows any origin).
  std::vector<std::string> cors_origins;
  // Set: GET /metrics needs 'Authorization: Bearer <this>'. Empty: it is open.
  std::string metrics_token;
  std::size_t max_form_body_bytes = 64 << 10;
  int auth_cache_ttl_ms = 2000;  // 0: look every key up in the database
  // People's sessions end after this long without a request, and this long after sign-in.
  int session_idle_minutes = 12 * 60;
  int session_max_days = 30;
  // Open GET /v1/stream connections per process (each holds a thread of `threads`).
  int max_streams = 16;
  // SB_PUBLIC_URL: the base of emailed sign-in links ("": this server's own address).
  std::string public_url;
  int shutdown_grace_s = 10;
  std::string data_dir = "./data";                      // uploaded files live under data_dir/files
  std::size_t max_upload_bytes = 10 << 20;              // per file
  std::size_t max_import_bytes = std::size_t{1} << 30;  // a CSV import
};

class HttpServer {
 public:
  HttpServer(const HttpOptions& options, Database& db, const Dispatcher* dispatcher = nullptr);
  ~HttpServer();
  // The workflow registry the /v1/workflows routes manage (before start()).
  void set_workflows(wf::WorkflowRegistry* registry);
  // Before start(): /v1/plugins, /v1/actions and the plugins' chat-capture extractors.
  void set_plugins(plugins::PluginHost* host);
  void set_messenger(channels::Messenger* messenger);
  void set_webhooks(channels::WebhookSubscriptions* webhooks);
  void set_campaigns(campaigns::CampaignRunner* runner);
  void set_imports(imports::ImportRunner* runner);
  // POST /v1/workflows/test runs sources here; unset, it answers 503.
  void set_workflow_tester(wf::WorkflowTester* tester);

  void start();
  int port() const;
  // Stops accepting, lets requests in flight complete (up to shutdown_grace_s), then
  // closes the remaining connections.
  void stop();

  struct Impl;  // defined in http_server.cpp; public so the request handlers there can see it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sb
