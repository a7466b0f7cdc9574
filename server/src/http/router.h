// The route table: method + path pattern ("/v1/api-keys/{id}") -> handler, who may call it
// and what body it reads. Built once in one function (routes.cpp), read-only while serving.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "model/role.h"

namespace sb {

using Handler = std::function<Response(Request&)>;

// Who may call a route.
enum class Access {
  kRole,        // an API key or a signed-in person with at least the route's role
  kPublic,      // anyone (health, the OpenAPI document, public form pages and posts)
  kSignedLink,  // the signed token in its path (tracking, unsubscribe, delivery reports): any
                // content type, a small body, no per-IP form limit (providers post in bulk)
  kSignIn,      // anyone, with a password or a one-time link (sign-in, setup, invite, reset):
                // refused from another site and from an address with too many failures
};

// What a route reads as its body.
enum class Body {
  kNone,       // nothing (a POST may send an empty JSON object)
  kJson,       // a JSON object, up to the route's limit
  kMultipart,  // multipart/form-data, streamed by the handler
  kRaw,        // any content type, streamed by the handler, which checks its size
  kForm,       // a public form post: JSON or urlencoded, small, rate-limited per client IP
};

// A route is built by name, never by position:
//   Route::post("/v1/contacts", Role::kAgent, handler).json_body()
//   Route::get("/health", Access::kPublic, handler)
class Route {
 public:
  static Route of(std::string method, std::string pattern, Role role, Handler handler);
  // access: kPublic, kSignedLink or kSignIn (a role says kRole).
  static Route of(std::string method, std::string pattern, Access access, Handler handler);
  template <class Who>
  static Route get(std::string pattern, Who who, Handler handler) {
    return of("GET", std::move(pattern), who, std::move(handler));
  }
  template <class Who>
  static Route post(std::string pattern, Who who, Handler handler) {
    return of("POST", std::move(pattern), who, std::move(handler));
  }
  template <class Who>
  static Route put(std::string pattern, Who who, Handler handler) {
    return of("PUT", std::move(pattern), who, std::move(handler));
  }
  template <class Who>
  static Route patch(std::string pattern, Who who, Handler handler) {
    return of("PATCH", std::move(pattern), who, std::move(handler));
  }
  template <class Who>
  static Route del(std::string pattern, Who who, Handler handler) {
    return of("DELETE", std::move(pattern), who, std::move(handler));
  }

  Route&& json_body() && { return with_body(Body::kJson); }
  Route&& multipart_body() && { return with_body(Body::kMultipart); }
  Route&& raw_body() && { return with_body(Body::kRaw); }
  Route&& form_body() && { return with_body(Body::kForm); }
  // Bytes the body may hold; without it, the server's limit (SB_HTTP_MAX_BODY_BYTES).
  Route&& body_limit(std::size_t bytes) && {
    max_body_bytes = bytes;
    return std::move(*this);
  }
  // Also admits the agent-bot key of the agent named by the {id} path parameter.
  Route&& for_agent_bot() && {
    bot_access = true;
    return std::move(*this);
  }
  // Answers with a secret: never stored for Idempotency-Key replays.
  Route&& answers_secret() && {
    secret_response = true;
    return std::move(*this);
  }
  // A read of one contact's personal data (profile, lookup, export): audited like a write.
  Route&& reads_personal_data() && {
    personal_read = true;
    return std::move(*this);
  }
  // The handler compares If-Match itself, inside its write transaction (records, contacts);
  // otherwise the edge compares it with the GET on the same path first.
  Route&& checks_if_match_itself() && {
    own_if_match = true;
    return std::move(*this);
  }
  // Requests are idempotent by their content (chat messages by their ids): Idempotency-Key
  // is not needed and is ignored rather than half-honoured.
  Route&& idempotent_by_content() && {
    ignores_idempotency_key = true;
    return std::move(*this);
  }

  // Read by the server; set through the names above.
  std::string method;
  std::string pattern;
  Access access = Access::kRole;
  Role role = Role::kOwner;  // the least role, when access is kRole
  Handler handler;
  Body body = Body::kNone;
  std::size_t max_body_bytes = 0;
  bool bot_access = false;
  bool secret_response = false;
  bool personal_read = false;
  bool own_if_match = false;
  bool ignores_idempotency_key = false;

 private:
  Route() = default;
  Route&& with_body(Body kind);
};

class Router {
 public:
  void add(Route route);

  struct Match {
    const Route* route = nullptr;
    std::size_t index = 0;  // position in routes(), for per-route metrics
    std::map<std::string, std::string> params;
    std::vector<std::string> allowed;  // set when the path matched but the method did not
  };
  // route == nullptr and allowed empty: 404; allowed non-empty: 405.
  Match match(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // split pattern per route
};

std::vector<std::string_view> split_path(std::string_view path);

}  // namespace sb
