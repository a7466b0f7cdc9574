// Audit entries for API requests: the route's pattern as the action, the record it names
// as the subject. Bodies are never copied: they hold the personal data erasure removes.
#include "http/audit_trail.h"

#include <Poco/JSON/Object.h>

#include <charconv>

#include "model/contact_json.h"

namespace sb {
namespace {

std::optional<std::int64_t> as_id(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) return std::nullopt;
  return v;
}

// "/v1/custom-fields/{id}/..." -> "custom_field": the collection in the singular.
std::string collection_of(std::string_view pattern) {
  constexpr std::string_view kPrefix = "/v1/";
  if (pattern.substr(0, kPrefix.size()) != kPrefix) return {};
  std::string_view rest = pattern.substr(kPrefix.size());
  std::string name(rest.substr(0, rest.find('/')));
  if (name.size() > 1 && name.back() == 's') name.pop_back();
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

std::string header_of(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace

std::optional<AuditEntry> audit_entry_for(const Route& route, const Request& request,
                                          const Response& response, const std::string& origin) {
  if (!request.principal || response.status >= 400) return std::nullopt;
  const bool read = request.method == "GET" || request.method == "HEAD";
  if (read && !route.personal_read) return std::nullopt;
  if (!read && route.access == Access::kRole && route.role == Role::kViewer)
    return std::nullopt;  // search, previews
  if (!header_of(response, "Idempotent-Replayed").empty()) return std::nullopt;

  AuditEntry e;
  e.team_id = request.principal->team_id;
  // A signed-in person is audited as themself, a key as the key.
  const Principal& who = *request.principal;
  e.actor_type = who.user_id ? "user" : "api_key";
  e.actor_id = std::to_string(who.user_id ? *who.user_id : who.key_id);
  e.action = request.method + " " + route.pattern;
  e.status = response.status;
  e.origin = origin;
  e.request_id = request.request_id;
  auto param = [&](const char* name) -> std::optional<std::int64_t> {
    auto it = request.path_params.find(name);
    return it == request.path_params.end() ? std::nullopt : as_id(it->second);
  };
  if (auto contact = param("contact_id")) {
    e.subject_type = "contact";
    e.subject_id = contact;
  } else if (std::string type = collection_of(route.pattern); !type.empty()) {
    e.subject_type = type;
    e.subject_id = param("id");
    if (!e.subject_id) {
      // A create names its new record in Location: /v1/<collection>/<id>.
      std::string location = header_of(response, "Location");
      if (location.rfind("/v1/", 0) == 0 && collection_of(location) == type)
        e.subject_id = as_id(std::string_view(location).substr(location.rfind('/') + 1));
    }
  }
  Poco::JSON::Object detail(Poco::JSON_PRESERVE_KEY_ORDER);
  detail.set("path", request.path);  // ids only: no route carries personal data in its path
  e.detail_json = json_text(detail);
  return e;
}

}  // namespace sb
