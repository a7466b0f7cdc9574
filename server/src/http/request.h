// What a route handler receives and returns. Handlers parse, call the store or domain
// layer, and serialise; they never touch Poco's request/response objects.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/team.h"

namespace Poco::Net {
class HTTPServerRequest;
}

namespace sb {

struct Request {
  std::string method;
  std::string path;
  std::string request_id;
  std::string client_address;  // the socket's peer host (behind a proxy: the proxy)
  bool secure = false;         // arrived over HTTPS, directly or through a trusted proxy
  std::map<std::string, std::string> path_params;          // {id} -> "42"
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::optional<Principal> principal;                      // set on authenticated routes
  std::string body;                                        // raw, size-checked
  bool body_stream_read = false;  // a handler started reading http->stream() itself
  bool has_body = false;          // the request declared a body (Content-Length > 0 or chunked)
  bool body_complete = false;     // read_body() read the body to its end
  Poco::Net::HTTPServerRequest* http = nullptr;  // headers, for the rare need
  // RateLimit-* headers of the key's bucket, added to whatever the answer is.
  std::vector<std::pair<std::string, std::string>> rate_headers;

  const Principal& auth() const { return *principal; }
  std::optional<std::string> query_param(std::string_view name) const;
  // 422 naming the first query parameter not in `allowed` (and listing those that are).
  void allow_params(std::initializer_list<std::string_view> allowed) const;
  // A query parameter that must be one of `options` (422 listing them); nullopt if absent.
  std::optional<std::string> choice_param(std::string_view name,
                                          std::initializer_list<std::string_view> options) const;
  // A query parameter that must be an integer (422 naming it); nullopt if absent.
  std::optional<std::int64_t> int_param(std::string_view name) const;
  // A query parameter that must be an ISO-8601 time (422 naming it); nullopt if absent.
  std::optional<std::int64_t> time_param(std::string_view name) const;
  std::string header(const std::string& name) const;
  // Path parameter as a positive id; 404 when it is not one (no such resource).
  std::int64_t path_id(const std::string& name) const;
  // The body as a JSON object (400/422 on failure).
  Poco::JSON::Object::Ptr json() const;
};

struct Response {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // A body written while it is sent (exports): chunked, `body` unused. An exception from it
  // cuts the connection before the final chunk, so the client sees the body is incomplete.
  std::function<void(std::ostream&)> stream;

  static Response json(int status, const Poco::JSON::Object& object);
  static Response no_content() { return Response{204, {}, {}, {}, {}}; }
};

// Compact JSON text of an object (Poco's Stringifier without indentation).
std::string to_json(const Poco::JSON::Object& object);

}  // namespace sb
