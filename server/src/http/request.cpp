// Request accessors and response construction.
#include "http/request.h"

#include <algorithm>

#include <Poco/Net/HTTPServerRequest.h>

#include <charconv>
#include <sstream>

#include "model/clock.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {

std::optional<std::string> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return std::nullopt;
}

void Request::allow_params(std::initializer_list<std::string_view> allowed) const {
  for (const auto& [k, v] : query) {
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    throw Error::validation(k, "unknown parameter (" + list + ")");
  }
}

std::optional<std::string> Request::choice_param(
    std::string_view name, std::initializer_list<std::string_view> options) const {
  std::optional<std::string> value = query_param(name);
  if (!value || std::find(options.begin(), options.end(), *value) != options.end()) return value;
  std::string list;
  std::size_t i = 0;
  for (std::string_view o : options) {
    list += (i == 0 ? "" : i + 1 == options.size() ? " or " : ", ") + std::string(o);
    ++i;
  }
  throw Error::validation(std::string(name), "must be " + list);
}

std::optional<std::int64_t> Request::int_param(std::string_view name) const {
  std::optional<std::string> value = query_param(name);
  if (!value) return std::nullopt;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), v);
  if (ec != std::errc() || end != value->data() + value->size())
    throw Error::validation(std::string(name), "must be an integer");
  return v;
}

std::optional<std::int64_t> Request::time_param(std::string_view name) const {
  std::optional<std::string> value = query_param(name);
  if (!value) return std::nullopt;
  std::optional<EpochMs> t = parse_iso8601(*value);
  if (!t) {
    throw Error::validation(std::string(name),
                            "must be an ISO-8601 time such as 2026-11-21T10:00:00Z");
  }
  return *t;
}

std::string Request::header(const std::string& name) const {
  return http ? http->get(name, "") : std::string();
}

std::int64_t Request::path_id(const std::string& name) const {
  auto it = path_params.find(name);
  std::int64_t id = 0;
  if (it != path_params.end()) {
    const std::string& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec == std::errc() && end == s.data() + s.size() && id > 0) return id;
  }
  throw Error(ErrorCode::kNotFound, "no resource with this id",
              {{"id", it == path_params.end() ? std::string() : it->second}});
}

Poco::JSON::Object::Ptr Request::json() const {
  return parse_json_object(body);
}

std::string to_json(const Poco::JSON::Object& object) {
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

Response Response::json(int status, const Poco::JSON::Object& object) {
  Response r;
  r.status = status;
  r.body = to_json(object);
  return r;
}

}  // namespace sb
