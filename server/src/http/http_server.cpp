// Poco server setup and the per-request pipeline.
#include "http/http_server.h"

#include "plugins/plugin_bus.h"

#include <Poco/DeflatingStream.h>
#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <sys/random.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "channels/messenger.h"
#include "channels/mime_message.h"
#include "channels/smtp_transport.h"
#include "http/api_services.h"
#include "http/audit_trail.h"
#include "http/console_assets.h"
#include "http/http_conditions.h"
#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "http/routes.h"
#include "http/session_cookie.h"
#include "model/error.h"
#include "model/hash.h"
#include "model/messaging_settings.h"
#include "store/database.h"
#include "store/idempotency_store.h"

namespace sb {
namespace {

using Clock = std::chrono::steady_clock;

Poco::JSON::Object error_body(const Error& e, const std::string& request_id) {
  Poco::JSON::Object details(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const ErrorDetail& d : e.details()) {
    if (const auto* s = std::get_if<std::string>(&d.value)) {
      details.set(d.key, *s);
    } else {
      details.set(d.key, std::get<std::int64_t>(d.value));
    }
  }
  Poco::JSON::Object inner(Poco::JSON_PRESERVE_KEY_ORDER);
  inner.set("code", std::string(error_code_name(e.code())));
  inner.set("message", std::string(e.what()));
  inner.set("details", details);
  inner.set("request_id", request_id);
  Poco::JSON::Object outer(Poco::JSON_PRESERVE_KEY_ORDER);
  outer.set("error", inner);
  return outer;
}

// Client-supplied ids are kept when they are short and plain, so a caller's trace id
// follows the request into our logs.
bool acceptable_request_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() {
  static const std::uint32_t process_tag = [] {
    std::uint32_t v = 0;
    if (getrandom(&v, sizeof v, 0) != sizeof v) v = static_cast<std::uint32_t>(::getpid());
    return v;
  }();
  static std::atomic<std::uint64_t> counter{0};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%08x%08llx", process_tag,
                static_cast<unsigned long long>(counter.fetch_add(1) + 1));
  return buf;
}

// Reads and drops what is left of a small request body, so an early error response does
// not meet a client still sending (the kernel would reset the connection and the client
// might never read the answer). False when the rest is too large: close instead.
bool drain_body(Poco::Net::HTTPServerRequest& req, bool stream_read) {
  constexpr std::streamsize kMaxDrain = 256 * 1024;
  // A chunked body a handler already read may be at its end, and Poco 1.11 can hang
  // reading a chunked stream again after EOF (#3147): close those instead.
  if (req.getChunkedTransferEncoding() && stream_read) return false;
  if (req.hasContentLength() && req.getContentLength64() > kMaxDrain) return false;
  char buf[16384];
  std::streamsize total = 0;
  std::istream& in = req.stream();
  try {
    while (in && total <= kMaxDrain) {
      in.read(buf, sizeof buf);
      std::streamsize n = in.gcount();
      if (n <= 0) break;
      total += n;
    }
  } catch (const std::exception&) {
    return false;
  }
  return total <= kMaxDrain;
}

// Passes bytes through to the response stream, counting them for the access log.
struct CountingStream : std::streambuf {
  std::ostream* target = nullptr;
  std::uint64_t bytes = 0;
  int_type overflow(int_type c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    char ch = static_cast<char>(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    target->write(s, n);
    if (!*target) throw std::runtime_error("the client stopped reading");
    bytes += static_cast<std::uint64_t>(n);
    return n;
  }
  int sync() override {
    target->flush();
    return *target ? 0 : -1;
  }
};

bool is_json_content_type(const std::string& ct) {
  std::string base = ct.substr(0, ct.find(';'));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  for (char& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return base == "application/json";
}

// Refuses a request whose body length is ambiguous: Transfer-Encoding other than exactly
// "chunked", both Transfer-Encoding and Content-Length, or Content-Length twice. A proxy in
// front may frame such a request differently from Poco, so part of its body would be read
// here as a request of its own. Sets request.has_body for the rest of the pipeline.
void check_framing(Poco::Net::HTTPServerRequest& req, Request& request) {
  int lengths = 0, encodings = 0;
  for (const auto& [name, value] : req) {
    if (Poco::icompare(name, "Content-Length") == 0) ++lengths;
    if (Poco::icompare(name, "Transfer-Encoding") == 0) ++encodings;
  }
  bool chunked = req.getChunkedTransferEncoding();
  request.has_body = chunked || (req.hasContentLength() && req.getContentLength64() > 0);
  const char* problem = nullptr;
  if (encodings > 0 && (!chunked || encodings > 1)) {
    problem = "Transfer-Encoding must be exactly 'chunked'";
  } else if (encodings > 0 && lengths > 0) {
    problem = "a request may not have both Transfer-Encoding and Content-Length";
  } else if (lengths > 1) {
    problem = "Content-Length must appear once";
  }
  if (problem == nullptr) return;
  throw Error(ErrorCode::kBadRequest, problem,
              {{"header", std::string(encodings > 0 ? "Transfer-Encoding" : "Content-Length")}});
}

// The Allow header of a path: its methods, HEAD beside GET, and OPTIONS.
std::string allow_header(std::vector<std::string> methods) {
  if (std::find(methods.begin(), methods.end(), "GET") != methods.end()) methods.push_back("HEAD");
  methods.push_back("OPTIONS");
  std::string allow;
  for (const auto& a : methods) allow += (allow.empty() ? "" : ", ") + a;
  return allow;
}

// Request headers a cross-origin caller may send, and response headers it may read.
constexpr const char* kCorsRequestHeaders =
    "Authorization, Content-Type, If-Match, If-None-Match, Idempotency-Key, X-Request-Id, "
    "X-CSRF-Token";
constexpr const char* kCorsExposedHeaders =
    "ETag, Location, Retry-After, X-Request-Id, Idempotent-Replayed, RateLimit-Limit, "
    "RateLimit-Remaining, RateLimit-Reset";

void add_vary(Response& response, const std::string& header) {
  for (auto& [k, v] : response.headers) {
    if (k != "Vary") continue;
    if (v.find(header) == std::string::npos) v += ", " + header;
    return;
  }
  response.headers.emplace_back("Vary", header);
}

const std::string* header_of(const Response& response, std::string_view name) {
  for (const auto& [k, v] : response.headers) {
    if (Poco::icompare(k, std::string(name)) == 0) return &v;
  }
  return nullptr;
}

// "{}", with any white space around and inside.
bool is_empty_json_object(std::string_view body) {
  std::string compact;
  for (char c : body) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') compact.push_back(c);
  }
  return compact == "{}";
}

// 429 with the seconds until a token is free (sent as Retry-After).
Error rate_limited(const std::string& message, int retry_after_s) {
  return std::move(Error(ErrorCode::kRateLimited, message).with_retry_after(retry_after_s));
}

}  // namespace

struct HttpServer::Impl {
  HttpOptions options;
  ApiServices services;
  Router router;
  Metrics metrics;
  RateLimiter limiter;
  RateLimiter form_limiter;    // per client IP, public form posts
  RateLimiter public_limiter;  // per client IP, signed links
  RateLimiter auth_failures;   // per client IP, failed authentications only
  ConsoleAssets console{embedded_console()};
  Poco::ThreadPool pool;
  std::unique_ptr<Poco::Net::HTTPServer> server;
  Poco::Logger& access_log = Poco::Logger::get("http.access");
  Poco::Logger& error_log = Poco::Logger::get("http");

  Impl(const HttpOptions& o, Database& db)
      : options(o),
        services(db, std::chrono::milliseconds(o.auth_cache_ttl_ms), o.data_dir, o.max_upload_bytes,
                 sign_in_options(o)),
        router(build_routes(services)),
        metrics(route_labels(router)),
        limiter(o.rate_limit_rps, o.rate_limit_burst),
        form_limiter(o.form_rate_per_min / 60.0, std::max(1.0, o.form_rate_per_min / 4)),
        public_limiter(o.public_rate_per_min / 60.0, std::max(1.0, o.public_rate_per_min / 4)),
        auth_failures(o.auth_failures_per_min / 60.0, std::max(1.0, o.auth_failures_per_min)),
        pool(2, o.threads, 60) {
    services.metrics = &metrics;
    services.router = &router;
    services.max_import_bytes = o.max_import_bytes;
    services.max_streams = o.max_streams;
    if (!o.metrics_token.empty()) services.metrics_token_sha256 = sha256_hex(o.metrics_token);
  }

  auth::SignInOptions sign_in_options(const HttpOptions& o) {
    auth::SignInOptions out;
    out.idle = std::chrono::minutes(o.session_idle_minutes);
    out.absolute = std::chrono::hours(24) * o.session_max_days;
    out.can_mail = [this] { return services.messenger && services.messenger->smtp(); };
    out.mail = [this](const std::string& to, const std::string& subject, const std::string& text) {
      return send_mail(to, subject, text);
    };
    return out;
  }
  // Invites and password resets: plain text through the messaging SMTP relay.
  bool send_mail(const std::string& to, const std::string& subject, const std::string& text) {
    channels::Messenger* m = services.messenger;
    if (!m || !m->smtp()) return false;
    channels::EmailContent e;
    e.from_address = m->envelope_from(MessagingSettings{});
    e.from_name = "Switchboard";
    e.to_address = to;
    e.subject = subject;
    e.text = text;
    auto outcome =
        m->smtp()->send(e.from_address, to, channels::build_mime(e, now_ms(), random_hex(8)));
    if (outcome.kind != channels::SendOutcome::Kind::kSent) {
      error_log.warning("sign-in email to %s not sent: %s", to, outcome.reply);
      return false;
    }
    return true;
  }

  static std::vector<Metrics::RouteLabel> route_labels(const Router& r) {
    std::vector<Metrics::RouteLabel> out;
    for (const Route& route : r.routes()) out.push_back({route.method, route.pattern});
    return out;
  }

  void handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp);
  Response dispatch(Poco::Net::HTTPServerRequest& req, Request& request, std::size_t& slot,
                    bool& close_connection);
  // limit 0: options.max_body_bytes.
  void read_body(Poco::Net::HTTPServerRequest& req, Request& request, bool& close_connection,
                 std::size_t limit = 0);
  Response with_idempotency(const Route& route, Request& request, const std::string& key);
  std::uint64_t send_stream(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp,
                            const Request& request, const Response& response);
  Response public_form(const Route& route, Poco::Net::HTTPServerRequest& req, Request& request,
                       bool has_body, bool& close_connection);
  void authenticate(const Route& route, Poco::Net::HTTPServerRequest& req, Request& request);
  void authenticate_session(Poco::Net::HTTPServerRequest& req, Request& request,
                            const std::string& token);
  // The route's role, and the caller's request rate (per key, or per signed-in person).
  void admit(const Route& route, Request& request);
  // If-Match on PUT/PATCH/DELETE: compared with the ETag GET on the same path answers now
  // (400 where the path has no GET). Record and contact writes compare again under a row
  // lock in their own transaction; for the other routes this check is the only one.
  void precondition(const Request& request, const std::string& if_match);
  // OPTIONS: the path's methods, and the CORS preflight answer for allowed origins.
  Response answer_options(Poco::Net::HTTPServerRequest& req, const Request& request) const;
  // Access-Control-* on an actual response to a cross-origin request; `route` is the one
  // that answered (null when none matched).
  void add_cors(const Poco::Net::HTTPServerRequest& req, const Request& request, const Route* route,
                Response& response) const;
  bool cors_allowed(const std::string& origin) const;
  // Validators, 304, and gzip, applied to every answer on its way out.
  void finish_representation(const Poco::Net::HTTPServerRequest& req, const Request& request,
                             Response& response) const;
  std::string client_address(const Poco::Net::HTTPServerRequest& req) const;
  // Over HTTPS here, or through a trusted proxy that says X-Forwarded-Proto: https.
  bool arrived_secure(const Poco::Net::HTTPServerRequest& req) const;
  // 429 when the client address has no token left in `limiter`.
  static void limit_address(RateLimiter& limiter, const Request& request, const char* message,
                            bool has_body, bool& close_connection);
};

// The peer, or, when the peer is a trusted proxy, the nearest address in X-Forwarded-For
// that is not one: entries further left were written by the client and prove nothing.
std::string HttpServer::Impl::client_address(const Poco::Net::HTTPServerRequest& req) const {
  std::string peer = req.clientAddress().host().toString();
  const auto& trusted = options.trusted_proxies;
  auto is_trusted = [&](const std::string& a) {
    return std::find(trusted.begin(), trusted.end(), a) != trusted.end();
  };
  if (trusted.empty() || !is_trusted(peer)) return peer;
  std::string forwarded = req.get("X-Forwarded-For", "");
  std::size_t end = forwarded.size();
  while (end > 0) {
    std::size_t comma = forwarded.rfind(',', end - 1);
    std::size_t start = comma == std::string::npos ? 0 : comma + 1;
    Poco::Net::IPAddress a;
    if (!Poco::Net::IPAddress::tryParse(Poco::trim(forwarded.substr(start, end - start)), a)) {
      return peer;  // garbled: trust nothing in it
    }
    if (!is_trusted(a.toString())) return a.toString();
    if (comma == std::string::npos) break;
    end = comma;
  }
  return peer;
}

bool HttpServer::Impl::arrived_secure(const Poco::Net::HTTPServerRequest& req) const {
  if (!options.tls_cert_file.empty()) return true;
  const auto& trusted = options.trusted_proxies;
  std::string peer = req.clientAddress().host().toString();
  if (std::find(trusted.begin(), trusted.end(), peer) == trusted.end()) return false;
  return Poco::icompare(req.get("X-Forwarded-Proto", ""), "https") == 0;
}

void HttpServer::Impl::limit_address(RateLimiter& limiter, const Request& request,
                                     const char* message, bool has_body, bool& close_connection) {
  int retry_after = 1;
  if (!limiter.allow(RateLimiter::address_key(request.client_address), retry_after)) {
    close_connection = has_body;  // the body is never read
    throw rate_limited(message, retry_after);
  }
}

// Public form posts come from browsers and bots without a key: limited per client address
// (client_address()), a small body, JSON or urlencoded.
Response HttpServer::Impl::public_form(const Route& route, Poco::Net::HTTPServerRequest& req,
                                       Request& request, bool has_body, bool& close_connection) {
  limit_address(form_limiter, request, "too many form submissions from this address", has_body,
                close_connection);
  std::string ct = req.getContentType();
  if (!is_json_content_type(ct) && ct.rfind("application/x-www-form-urlencoded", 0) != 0) {
    close_connection = has_body;
    throw Error(ErrorCode::kUnsupportedMediaType,
                "Content-Type must be application/json or application/x-www-form-urlencoded");
  }
  const std::size_t limit = options.max_form_body_bytes;
  if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(limit)) {
    close_connection = true;
    throw Error(ErrorCode::kPayloadTooLarge,
                "form body exceeds " + std::to_string(limit) + " bytes",
                {{"limit_bytes", static_cast<std::int64_t>(limit)}});
  }
  read_body(req, request, close_connection, limit);
  return route.handler(request);
}

void HttpServer::Impl::read_body(Poco::Net::HTTPServerRequest& req, Request& request,
                                 bool& close_connection, std::size_t limit) {
  if (limit == 0) limit = options.max_body_bytes;
  auto too_large = [&] {
    close_connection = true;  // the rest of the body is never read: do not reuse the socket
    return Error(ErrorCode::kPayloadTooLarge,
                 "request body exceeds " + std::to_string(limit) + " bytes",
                 {{"limit_bytes", static_cast<std::int64_t>(limit)}});
  };
  if (req.hasContentLength() && req.getContentLength64() > static_cast<Poco::Int64>(limit)) {
    throw too_large();
  }
  std::istream& in = req.stream();
  char buf[16384];
  // Read until the stream ends; never read again after EOF (Poco #3147 with chunked bodies).
  while (in) {
    in.read(buf, sizeof buf);
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    if (request.body.size() + static_cast<std::size_t>(n) > limit) throw too_large();
    request.body.append(buf, static_cast<std::size_t>(n));
  }
  request.body_complete = true;
}

// Resolves the Bearer key to its principal (cached), checks the route's role and the key's
// rate. Every refusal here is a 401/403/429 the caller maps; 401s are counted per address.
void HttpServer::Impl::authenticate(const Route& route, Poco::Net::HTTPServerRequest& req,
                                    Request& request) {
  std::string header = req.get("Authorization", "");
  if (header.empty()) {
    if (auto token = session_cookie(req)) {
      authenticate_session(req, request, *token);
      admit(route, request);
      return;
    }
    throw Error(ErrorCode::kUnauthorized,
                "missing Authorization header: send 'Authorization: Bearer <api key>'");
  }
  if (header.size() < 8 || Poco::icompare(header.substr(0, 7), "Bearer ") != 0) {
    throw Error(ErrorCode::kUnauthorized,
                "malformed Authorization header: expected 'Bearer <api key>'");
  }
  std::string secret = header.substr(7);
  if (!ApiKeyStore::well_formed(secret)) {
    throw Error(ErrorCode::kUnauthorized, "invalid or revoked API key");
  }
  std::string hash = ApiKeyStore::hash_secret(secret);
  auto principal = services.auth_cache.find(hash);
  if (!principal) {
    principal = services.db.read(
        [&](soci::session& s) { return services.keys.authenticate_hash(s, hash); });
    if (!principal) throw Error(ErrorCode::kUnauthorized, "invalid or revoked API key");
    services.auth_cache.put(hash, *principal);
  }
  request.principal = principal;
  admit(route, request);
}

// A person's session cookie: only when no Authorization header is sent (a Bearer key
// ignores the cookie). Unsafe methods also need the session's CSRF token, from this site.
void HttpServer::Impl::authenticate_session(Poco::Net::HTTPServerRequest& req, Request& request,
                                            const std::string& token) {
  auto found = services.sign_in.resume(token);
  if (!found) {
    throw Error(ErrorCode::kUnauthorized, "your session has ended: sign in again",
                {{"reason", std::string("session_ended")}});
  }
  const std::string& m = request.method;
  if (m != "GET" && m != "HEAD" && m != "OPTIONS") {
    require_csrf(req, request.secure, found->session.csrf_token);
  }
  request.principal = std::move(found->principal);
}

void HttpServer::Impl::admit(const Route& route, Request& request) {
  const std::optional<Principal>& principal = request.principal;
  if (principal->role == Role::kAgentBot) {
    auto it = request.path_params.find("id");
    bool own_agent = route.bot_access && principal->agent_id && it != request.path_params.end() &&
                     it->second == std::to_string(*principal->agent_id);
    if (!own_agent) {
      throw Error(ErrorCode::kForbidden,
                  "an agent-bot key may only post messages and look up contacts under "
                  "/v1/agents/{its agent id}/",
                  {{"role", std::string(role_name(principal->role))}});
    }
  } else if (!role_at_least(principal->role, route.role)) {
    throw Error(ErrorCode::kForbidden,
                "this route needs the " + std::string(role_name(route.role)) +
                    " role or higher; the key has " + std::string(role_name(principal->role)),
                {{"required_role", std::string(role_name(route.role))},
                 {"role", std::string(role_name(principal->role))}});
  }
  int retry_after = 1;
  RateLimiter::Quota quota;
  // A person's requests share one bucket per user, apart from every key's (negative ids).
  const std::int64_t bucket = principal->user_id ? -*principal->user_id : principal->key_id;
  bool allowed = limiter.allow(bucket, retry_after, &quota);
  if (limiter.enabled()) {
    request.rate_headers = {{"RateLimit-Limit", std::to_string(quota.limit)},
                            {"RateLimit-Remaining", std::to_string(quota.remaining)},
                            {"RateLimit-Reset", std::to_string(quota.reset_s)}};
  }
  if (!allowed) {
    throw rate_limited(principal->user_id ? "too many requests for this person"
                                          : "too many requests for this API key",
                       retry_after);
  }
}

Response HttpServer::Impl::dispatch(Poco::Net::HTTPServerRequest& req, Request& request,
                                    std::size_t& slot, bool& close_connection) {
  Poco::URI uri(req.getURI());
  request.path = uri.getPath();
  for (auto& [k, v] : uri.getQueryParameters()) request.query.emplace_back(k, v);

  if (request.method == "OPTIONS") return answer_options(req, request);
  if (ConsoleAssets::owns(request.path)) {
    if (request.method != "GET" && request.method != "HEAD") {
      throw Error(ErrorCode::kMethodNotAllowed,
                  request.method + " is not allowed on " + request.path + " (allowed: GET, HEAD)")
          .with_allow("GET, HEAD");
    }
    return console.serve(request.path, accepts_gzip(req.get("Accept-Encoding", "")));
  }
  // HEAD is GET without the body: the same handler, headers and length (send() writes no
  // body for HEAD).
  Router::Match m = router.match(request.method == "HEAD" ? "GET" : request.method, request.path);
  if (!m.route) {
    if (!m.allowed.empty()) {
      std::string allow = allow_header(m.allowed);
      throw Error(ErrorCode::kMethodNotAllowed, request.method + " is not allowed on " +
                                                    request.path + " (allowed: " + allow + ")")
          .with_allow(allow);
    }
    throw Error(ErrorCode::kNotFound, "no route for " + request.path, {{"path", request.path}});
  }
  slot = m.index;
  const Route& route = *m.route;
  request.path_params = std::move(m.params);

  const bool has_body = request.has_body;
  if (route.access != Access::kPublic) {
    // An address that keeps failing is refused before its next attempt is even checked:
    // guessing keys or link signatures costs the guesser time, not us database reads.
    int retry_after = 1;
    if (auth_failures.exhausted(RateLimiter::address_key(request.client_address), retry_after)) {
      close_connection = has_body;
      throw rate_limited("too many failed authentications from this address; retry later",
                         retry_after);
    }
  }
  if (route.access == Access::kRole) authenticate(route, req, request);
  if (route.access == Access::kSignIn && cross_site(req, request.secure)) {
    close_connection = has_body;
    throw Error(ErrorCode::kForbidden,
                "cross-site sign-in refused: sign in from this server's pages",
                {{"reason", std::string("cross_site")}});
  }

  if (route.body == Body::kForm)
    return public_form(route, req, request, has_body, close_connection);
  if (route.access == Access::kSignedLink) {
    limit_address(public_limiter, request, "too many requests from this address", has_body,
                  close_connection);
    if (has_body) read_body(req, request, close_connection, options.max_form_body_bytes);
    return route.handler(request);
  }
  if (route.body == Body::kRaw) {  // the handler checks the type and size it takes
    try {
      return route.handler(request);
    } catch (...) {
      close_connection = true;  // the handler may have stopped reading mid-body
      throw;
    }
  }
  if (route.body == Body::kMultipart) {
    std::string ct = req.getContentType();
    if (ct.rfind("multipart/form-data", 0) != 0) {
      close_connection = has_body;
      throw Error(ErrorCode::kUnsupportedMediaType,
                  "Content-Type must be multipart/form-data, got '" + ct + "'",
                  {{"content_type", ct}});
    }
    // Room for the part headers around the file itself.
    const Poco::Int64 limit = static_cast<Poco::Int64>(options.max_upload_bytes) + 64 * 1024;
    if (req.hasContentLength() && req.getContentLength64() > limit) {
      close_connection = true;
      throw Error(ErrorCode::kPayloadTooLarge,
                  "upload exceeds " + std::to_string(options.max_upload_bytes) + " bytes",
                  {{"limit_bytes", static_cast<std::int64_t>(options.max_upload_bytes)}});
    }
    try {
      return route.handler(request);
    } catch (...) {
      close_connection = true;  // the handler may have stopped reading mid-body
      throw;
    }
  }
  if (route.body == Body::kJson || has_body) {
    if (route.body != Body::kJson && request.method != "POST") {
      throw Error(ErrorCode::kBadRequest, request.method + " " + route.pattern + " takes no body");
    }
    if (!is_json_content_type(req.getContentType())) {
      close_connection = has_body;  // unread body
      throw Error(ErrorCode::kUnsupportedMediaType,
                  "Content-Type must be application/json, got '" + req.getContentType() + "'",
                  {{"content_type", req.getContentType()}});
    }
    read_body(req, request, close_connection,
              route.body == Body::kJson ? route.max_body_bytes : 1024);
    // One rule for action routes (enable, close, replay, ...): no body, or an empty JSON
    // object, as the action routes that take options accept.
    if (route.body != Body::kJson && !is_empty_json_object(request.body)) {
      throw Error(ErrorCode::kBadRequest,
                  request.method + " " + route.pattern + " takes no body, or {}");
    }
  }
  const std::string if_match = req.get("If-Match", "");
  if (!if_match.empty() && !route.own_if_match && request.method != "POST" &&
      request.method != "GET" && request.method != "HEAD") {
    precondition(request, if_match);
  }
  std::string idempotency_key = req.get("Idempotency-Key", "");
  if (idempotency_key.empty() || request.method != "POST" || !request.principal ||
      route.ignores_idempotency_key)
    return route.handler(request);
  return with_idempotency(route, request, idempotency_key);
}

// Runs a POST once per (team, Idempotency-Key): a retry with the same key and body gets
// the first response again; a different body with the same key is refused.
Response HttpServer::Impl::with_idempotency(const Route& route, Request& request,
                                            const std::string& key) {
  bool plain = !key.empty() && key.size() <= 255 &&
               std::all_of(key.begin(), key.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (!plain) {
    throw Error(ErrorCode::kBadRequest, "Idempotency-Key must be 1 to 255 visible ASCII characters",
                {{"header", std::string("Idempotency-Key")}});
  }
  if (route.secret_response || route.body == Body::kMultipart) {
    throw Error(
        ErrorCode::kBadRequest,
        route.body == Body::kMultipart
            ? "Idempotency-Key is not supported on uploads"
            : "Idempotency-Key is not supported here: the response holds a secret shown once",
        {{"header", std::string("Idempotency-Key")}});
  }
  const std::int64_t team = request.principal->team_id;
  IdempotencyStore store(services.db);
  const std::string hash = sha256_hex(request.method + " " + request.path + "\n" + request.body);
  auto found = store.lookup(team, key, hash);
  switch (found.outcome) {
    case IdempotencyStore::Outcome::kReplay: {
      Response r;
      r.status = found.stored.status;
      r.body = found.stored.body;
      r.headers = found.stored.headers;
      r.headers.emplace_back("Idempotent-Replayed", "true");
      return r;
    }
    case IdempotencyStore::Outcome::kMismatch:
      throw Error(ErrorCode::kValidationFailed,
                  "this Idempotency-Key was used with a different request; use a new key",
                  {{"field", std::string("Idempotency-Key")},
                   {"reason", std::string("reused with another body")}});
    case IdempotencyStore::Outcome::kInProgress:
      throw Error(ErrorCode::kConflict,
                  "a request with this Idempotency-Key is in progress; retry later");
    case IdempotencyStore::Outcome::kLost:
      throw Error(ErrorCode::kConflict,
                  "the request with this Idempotency-Key was applied, but its response was not "
                  "kept (the server stopped before storing it); read the resource to see it",
                  {{"field", std::string("Idempotency-Key")},
                   {"reason", std::string("applied, response not kept")}});
    case IdempotencyStore::Outcome::kNew:
      break;
  }
  // The key is taken in the handler's write transaction: the effects and the key commit
  // together or not at all, so a failure before the commit leaves the key free and one
  // after it can never let a retry apply the request twice.
  Response response;
  {
    Database::CommitClaim claim([&](soci::session& s) { store.claim(s, team, key, hash); });
    response = route.handler(request);
  }  // disarmed: complete() below must not take the key a second time
  StoredResponse stored{response.status, response.body, {}};
  for (const auto& [k, v] : response.headers) {
    if (k == "Location" || k == "ETag") stored.headers.emplace_back(k, v);
  }
  try {
    store.complete(team, key, hash, stored);
  } catch (const std::exception& e) {
    // The effects are committed: the client gets its answer; a retry learns it was applied.
    error_log.warning("request_id=%s response for Idempotency-Key not stored: %s",
                      request.request_id, std::string(e.what()));
  }
  return response;
}

// Sends a body produced while it is written, chunked. A failure half-way cannot change the
// status any more: the connection is shut down before the final chunk, so the client's
// HTTP library reports an incomplete body instead of a short export that looks whole.
std::uint64_t HttpServer::Impl::send_stream(Poco::Net::HTTPServerRequest& req,
                                            Poco::Net::HTTPServerResponse& resp,
                                            const Request& request, const Response& response) {
  resp.setChunkedTransferEncoding(true);
  resp.setContentType(response.content_type);
  const std::string* encoding = header_of(response, "Content-Encoding");
  const bool gzipped = encoding && *encoding == "gzip";
  CountingStream counted;
  try {
    std::ostream& out = resp.send();
    counted.target = &out;
    std::ostream counting(&counted);
    if (gzipped) {
      Poco::DeflatingOutputStream z(counting, Poco::DeflatingStreamBuf::STREAM_GZIP, 6);
      response.stream(z);
      z.close();
    } else {
      response.stream(counting);
    }
    counting.flush();
    out.flush();
  } catch (const std::exception& e) {
    error_log.error("request_id=%s %s %s: stream cut after %Lu bytes: %s", request.request_id,
                    request.method, request.path, static_cast<Poco::UInt64>(counted.bytes),
                    std::string(e.what()));
    try {
      static_cast<Poco::Net::HTTPServerRequestImpl&>(req).socket().shutdown();
    } catch (const Poco::Exception&) {
      // Already gone.
    }
    resp.setKeepAlive(false);
  }
  return counted.bytes;
}

void HttpServer::Impl::handle(Poco::Net::HTTPServerRequest& req,
                              Poco::Net::HTTPServerResponse& resp) {
  auto started = Clock::now();
  metrics.in_flight().fetch_add(1, std::memory_order_relaxed);
  Request request;
  request.http = &req;
  request.method = req.getMethod();
  std::string incoming_id = req.get("X-Request-Id", "");
  request.request_id = acceptable_request_id(incoming_id) ? incoming_id : new_request_id();
  request.client_address = client_address(req);
  request.secure = arrived_secure(req);
  std::size_t slot = metrics.unmatched_slot();
  bool close_connection = false;
  bool framed = false;  // the body's length is unambiguous (check_framing passed)
  Response response;
  try {
    check_framing(req, request);
    framed = true;
    response = dispatch(req, request, slot, close_connection);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kInternal || e.code() == ErrorCode::kUnavailable) {
      error_log.error("request_id=%s %s %s: %s", request.request_id, request.method, request.path,
                      log_text(e));
    }
    response = Response::json(http_status(e.code()), error_body(e, request.request_id));
    bool failed_auth = e.code() == ErrorCode::kUnauthorized;
    for (const ErrorDetail& d : e.details()) {
      // An ended session is not a guess (its token has 256 bits): no address penalty.
      if (d.key == "reason" && std::get_if<std::string>(&d.value) &&
          std::get<std::string>(d.value) == "session_ended")
        failed_auth = false;
    }
    const bool challenge = e.code() == ErrorCode::kUnauthorized;
    if (challenge) response.headers.emplace_back("WWW-Authenticate", "Bearer");
    for (const ErrorDetail& d : e.details()) {
      if (d.key == "link") failed_auth = true;  // a signed link that does not verify
    }
    if (e.retry_after_s()) {
      response.headers.emplace_back("Retry-After", std::to_string(*e.retry_after_s()));
    }
    if (!e.allow().empty()) response.headers.emplace_back("Allow", e.allow());
    if (failed_auth) auth_failures.charge(RateLimiter::address_key(request.client_address));
  } catch (const std::exception& e) {
    // A bug: the client gets an id to quote, the log gets the detail.
    error_log.error("request_id=%s %s %s: unhandled exception: %s", request.request_id,
                    request.method, request.path, std::string(e.what()));
    Error internal(ErrorCode::kInternal, "internal error");
    response = Response::json(500, error_body(internal, request.request_id));
  }

  for (auto& h : request.rate_headers) response.headers.push_back(std::move(h));
  add_cors(req, request, slot < router.routes().size() ? &router.routes()[slot] : nullptr,
           response);
  finish_representation(req, request, response);

  if (slot < router.routes().size()) {
    const Route& route = router.routes()[slot];
    if (auto entry = audit_entry_for(route, request, response, request.client_address)) {
      try {
        services.db.write([&](soci::session& s) { services.audit.append_alone(s, *entry); });
      } catch (const std::exception& e) {
        // The request's own change is committed; say loudly what the log is missing.
        error_log.error("request_id=%s audit entry not written for %s: %s", request.request_id,
                        entry->action, std::string(e.what()));
      }
    }
  }
  // Whatever the answer, no byte of this request's body may be parsed as the next request
  // (request smuggling): a body not read to its end is drained up to a cap, or the
  // connection closes after this response.
  if (!framed) {
    close_connection = true;  // where the body ends is unknown: read nothing past the headers
  } else if (close_connection || (request.has_body && !request.body_complete)) {
    close_connection = !drain_body(req, request.body_stream_read);
  }
  resp.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
  resp.set("X-Request-Id", request.request_id);
  // Defaults a handler may override: no content sniffing anywhere, and answers to keyed
  // requests (personal data) are never kept by a shared cache.
  resp.set("X-Content-Type-Options", "nosniff");
  if (request.principal) resp.set("Cache-Control", "no-store");
  for (const auto& [k, v] : response.headers) resp.set(k, v);
  if (close_connection) resp.setKeepAlive(false);
  std::uint64_t bytes = response.body.size();
  if (response.stream && request.method == "HEAD") {
    bytes = 0;  // the headers of the stream, without running it
    resp.setChunkedTransferEncoding(true);
    resp.setContentType(response.content_type);
    try {
      resp.send();
    } catch (const Poco::Exception&) {
      // The client went away.
    }
  } else if (response.stream) {
    bytes = send_stream(req, resp, request, response);
  } else {
    resp.setContentLength(static_cast<std::streamsize>(response.body.size()));
    if (!response.body.empty()) resp.setContentType(response.content_type);
    try {
      resp.send().write(response.body.data(), static_cast<std::streamsize>(response.body.size()));
    } catch (const Poco::Exception&) {
      // The client went away; nothing to tell it.
    }
  }

  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  metrics.observe(slot, response.status, seconds);
  metrics.in_flight().fetch_sub(1, std::memory_order_relaxed);
  if (options.access_log && access_log.information()) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3f", seconds * 1000);
    std::string line = "method=" + request.method + " path=" + request.path +
                       " status=" + std::to_string(response.status) + " duration_ms=" + ms +
                       " bytes=" + std::to_string(bytes) + " request_id=" + request.request_id;
    if (request.principal) {
      line += " team=" + std::to_string(request.principal->team_id) +
              " key=" + std::to_string(request.principal->key_id);
    }
    line += " remote=" + req.clientAddress().toString();
    access_log.information(line);
  }
}

void HttpServer::Impl::precondition(const Request& request, const std::string& if_match) {
  Router::Match m = router.match("GET", request.path);
  if (!m.route) {
    throw Error(ErrorCode::kBadRequest,
                "If-Match is not supported here: " + request.path +
                    " has no representation to "
                    "compare with",
                {{"header", std::string("If-Match")}});
  }
  Request read = request;
  read.method = "GET";
  read.body.clear();
  read.query.clear();
  read.path_params = std::move(m.params);
  Response current = m.route->handler(read);
  const std::string* etag = header_of(current, "ETag");
  require_if_match(if_match, etag ? *etag : body_etag(current.body));
}

bool HttpServer::Impl::cors_allowed(const std::string& origin) const {
  const auto& list = options.cors_origins;
  return !origin.empty() && std::find(list.begin(), list.end(), origin) != list.end();
}

Response HttpServer::Impl::answer_options(Poco::Net::HTTPServerRequest& req,
                                          const Request& request) const {
  // No route has this method: the match lists every method the path has.
  Router::Match m = router.match("\x01", request.path);
  if (m.allowed.empty()) {
    throw Error(ErrorCode::kNotFound, "no route for " + request.path, {{"path", request.path}});
  }
  Response r = Response::no_content();
  std::string allow = allow_header(m.allowed);
  r.headers.emplace_back("Allow", allow);
  const std::string origin = req.get("Origin", "");
  if (origin.empty() || !req.has("Access-Control-Request-Method")) return r;
  Router::Match form = router.match("POST", request.path);
  if (form.route && form.route->body == Body::kForm) {
    // Public forms are posted from the business's own site, whatever it is, without
    // credentials: the answer carries no personal data the posting page could not see.
    r.headers.emplace_back("Access-Control-Allow-Origin", "*");
    r.headers.emplace_back("Access-Control-Allow-Methods", "POST");
    r.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type");
    r.headers.emplace_back("Access-Control-Max-Age", "600");
    return r;
  }
  if (!options.cors_origins.empty()) r.headers.emplace_back("Vary", "Origin");
  if (!cors_allowed(origin)) return r;  // no Access-Control-*: the browser refuses
  r.headers.emplace_back("Access-Control-Allow-Origin", origin);
  r.headers.emplace_back("Access-Control-Allow-Credentials", "true");
  r.headers.emplace_back("Access-Control-Allow-Methods", allow);
  r.headers.emplace_back("Access-Control-Allow-Headers", kCorsRequestHeaders);
  r.headers.emplace_back("Access-Control-Max-Age", "600");
  return r;
}

void HttpServer::Impl::add_cors(const Poco::Net::HTTPServerRequest& req, const Request& request,
                                const Route* route, Response& response) const {
  if (request.method == "OPTIONS") return;  // options() answered it
  const std::string origin = req.get("Origin", "");
  if (!options.cors_origins.empty()) add_vary(response, "Origin");
  if (origin.empty()) return;
  if (route && route->body == Body::kForm) {
    response.headers.emplace_back("Access-Control-Allow-Origin", "*");
    return;
  }
  if (!cors_allowed(origin)) return;
  response.headers.emplace_back("Access-Control-Allow-Origin", origin);
  response.headers.emplace_back("Access-Control-Allow-Credentials", "true");
  response.headers.emplace_back("Access-Control-Expose-Headers", kCorsExposedHeaders);
}

void HttpServer::Impl::finish_representation(const Poco::Net::HTTPServerRequest& req,
                                             const Request& request, Response& response) const {
  const bool read = request.method == "GET" || request.method == "HEAD";
  // Every JSON record (and page) answered whole gets a validator, unless its handler set
  // one (contacts: their version).
  if (!response.stream && (response.status == 200 || response.status == 201) &&
      is_json_content_type(response.content_type) && !header_of(response, "ETag")) {
    response.headers.emplace_back("ETag", body_etag(response.body));
  }
  if (read && response.status == 200) {
    const std::string if_none_match = req.get("If-None-Match", "");
    const std::string* etag = header_of(response, "ETag");
    if (!if_none_match.empty() && etag && none_match_hits(if_none_match, *etag)) {
      Response not_modified;
      not_modified.status = 304;
      for (const auto& [k, v] : response.headers) {
        if (Poco::icompare(k, std::string("Content-Encoding")) != 0)
          not_modified.headers.emplace_back(k, v);
      }
      response = std::move(not_modified);
      return;
    }
  }
  if (!compressible(response.content_type) || header_of(response, "Content-Encoding")) return;
  constexpr std::size_t kMinCompressed = 1024;
  if (!response.stream && response.body.size() < kMinCompressed) return;
  add_vary(response, "Accept-Encoding");
  if (!accepts_gzip(req.get("Accept-Encoding", ""))) return;
  response.headers.emplace_back("Content-Encoding", "gzip");
  if (!response.stream) response.body = gzip(response.body);
}

namespace {

class PipelineHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit PipelineHandler(HttpServer::Impl& impl) : impl_(impl) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    impl_.handle(req, resp);
  }

 private:
  HttpServer::Impl& impl_;
};

class PipelineFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit PipelineFactory(HttpServer::Impl& impl) : impl_(impl) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new PipelineHandler(impl_);  // Poco takes ownership
  }

 private:
  HttpServer::Impl& impl_;
};

}  // namespace

HttpServer::HttpServer(const HttpOptions& options, Database& db, const Dispatcher* dispatcher)
    : impl_(std::make_unique<Impl>(options, db)) {
  impl_->services.dispatcher = dispatcher;
}

void HttpServer::set_workflows(wf::WorkflowRegistry* registry) {
  impl_->services.workflows = registry;
}

void HttpServer::set_messenger(channels::Messenger* messenger) {
  impl_->services.messenger = messenger;
}

void HttpServer::set_webhooks(channels::WebhookSubscriptions* webhooks) {
  impl_->services.webhooks = webhooks;
}

void HttpServer::set_campaigns(campaigns::CampaignRunner* runner) {
  impl_->services.campaign_runner = runner;
}

void HttpServer::set_imports(imports::ImportRunner* runner) {
  impl_->services.import_runner = runner;
}

void HttpServer::set_workflow_tester(wf::WorkflowTester* tester) {
  impl_->services.workflow_tester = tester;
}

void HttpServer::set_plugins(plugins::PluginHost* host) {
  impl_->services.plugins = host;
  if (host)
    impl_->services.ingestor.add_extractor(std::make_unique<plugins::PluginExtractors>(*host));
}

HttpServer::~HttpServer() {
  if (impl_->server) stop();
}

namespace {

// Plain by default; with a certificate and key, TLS 1.2 or newer with OpenSSL's strong
// ciphers. Files that do not load stop the start, naming the setting.
Poco::Net::ServerSocket listening_socket(const HttpOptions& o) {
  if (o.tls_cert_file.empty() && o.tls_key_file.empty()) return Poco::Net::ServerSocket();
  if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
    throw Error(ErrorCode::kConfigInvalid,
                "SB_TLS_CERT and SB_TLS_KEY: set both to serve HTTPS, or neither");
  }
  Poco::Net::initializeSSL();
  Poco::Net::Context::Ptr context;
  try {
    context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, o.tls_key_file,
                                     o.tls_cert_file, "", Poco::Net::Context::VERIFY_NONE, 9, false,
                                     "HIGH:!aNULL:!MD5:!RC4:!3DES");
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->disableStatelessSessionResumption();
  } catch (const Poco::Exception& e) {
    throw Error(ErrorCode::kConfigInvalid, "SB_TLS_CERT / SB_TLS_KEY: cannot load " +
                                               o.tls_cert_file + " and " + o.tls_key_file + ": " +
                                               e.displayText());
  }
  return Poco::Net::SecureServerSocket(context);
}

}  // namespace

void HttpServer::start() {
  Poco::Net::SocketAddress address(impl_->options.host,
                                   static_cast<Poco::UInt16>(impl_->options.port));
  Poco::Net::ServerSocket socket = listening_socket(impl_->options);
  try {
    socket.bind(address, true);
    socket.listen(std::max(64, impl_->options.max_queued));
  } catch (const Poco::Exception& e) {
    throw Error(ErrorCode::kConfigInvalid,
                "cannot listen on " + address.toString() + ": " + e.displayText());
  }
  auto* params = new Poco::Net::HTTPServerParams;  // Poco takes ownership (AutoPtr)
  params->setMaxThreads(impl_->options.threads);
  params->setMaxQueued(impl_->options.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(impl_->options.keepalive_timeout_s, 0));
  params->setMaxKeepAliveRequests(0);  // unlimited
  params->setServerName("switchboard");
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new PipelineFactory(*impl_), impl_->pool,
                                                          socket, params);
  impl_->server->start();
  const HttpOptions& o = impl_->options;
  const bool any = o.host == "0.0.0.0" || o.host == "::" || o.host.empty();
  impl_->services.own_url = std::string(o.tls_cert_file.empty() ? "http://" : "https://") +
                            (any ? std::string("localhost") : o.host) + ":" +
                            std::to_string(port());
  impl_->services.public_url = o.public_url;
  while (!impl_->services.public_url.empty() && impl_->services.public_url.back() == '/')
    impl_->services.public_url.pop_back();
}

int HttpServer::port() const {
  return impl_->server ? impl_->server->port() : impl_->options.port;
}

void HttpServer::stop() {
  if (!impl_->server) return;
  impl_->services.stopping = true;  // live streams end at their next tick
  // Stop accepting and let requests being handled finish; idle keep-alive connections are
  // closed right after, instead of waiting out their timeout.
  impl_->server->stopAll(false);
  auto deadline = Clock::now() + std::chrono::seconds(impl_->options.shutdown_grace_s);
  while (impl_->metrics.in_flight().load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (impl_->metrics.in_flight().load() > 0) {
    impl_->error_log.warning("shutdown grace period over with %d requests in flight",
                             static_cast<int>(impl_->metrics.in_flight().load()));
  }
  impl_->server->stopAll(true);
  impl_->pool.joinAll();
  impl_->server.reset();
}

}  // namespace sb
