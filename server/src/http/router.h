// The route table: method + path pattern ("/v1/api-keys/{id}") -> handler and minimum role.
// Built once in one function (routes.cpp) and read-only while serving.
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

struct Route {
  std::string method;
  std::string pattern;
  std::optional<Role> min_role;  // nullopt: public (no key needed)
  Handler handler;
  bool takes_body = false;       // POST/PATCH/PUT with a JSON body
  bool multipart = false;        // multipart/form-data upload, streamed by the handler
  bool secret_response = false;  // answers with a secret: never stored for Idempotency-Key
  // Public form post: JSON or urlencoded, a small body limit, rate-limited per client IP.
  bool public_form = false;
  // Public, authorised by the signed token in its path (tracking, unsubscribe, delivery
  // reports): any content type, a small body, no per-IP form limit (providers post in bulk).
  bool signed_link = false;
  // Also admits the agent-bot key of the agent named by the {id} path parameter.
  bool bot_access = false;
  std::size_t max_body_bytes = 0;  // 0: the server's limit (SB_HTTP_MAX_BODY_BYTES)
  // A read of one contact's personal data (profile, lookup, export): audited like a write.
  bool personal_read = false;
  // Any content type (raw or multipart), streamed by the handler, which checks its size.
  // (Fields are only ever added last: routes are initialised by position.)
  bool raw_upload = false;
  // The handler compares If-Match itself, inside its write transaction (records, contacts);
  // otherwise the edge compares it with the GET on the same path first.
  bool own_if_match = false;
  // Requests are idempotent by their content (chat messages by their ids): Idempotency-Key
  // is not needed and is ignored rather than half-honoured.
  bool ignores_idempotency_key = false;
  // Public, takes a password or a one-time link (sign-in, setup, invite, reset): refused
  // from an address with too many failed authentications, and from another site.
  bool sign_in = false;
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
