// /v1/custom-fields: the team's contact field definitions (admin to change).
#include <soci/soci.h>

#include "http/http_conditions.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

constexpr std::int64_t kMaxPosition = 1000000;

Response list(ApiServices& sv, Request& req) {
  auto fields =
      sv.db.read([&](soci::session& s) { return sv.custom_fields.list(s, req.auth().team_id); });
  Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
  for (const auto& f : fields) data->add(custom_field_to_json(f));
  Poco::JSON::Object body;
  body.set("data", data);
  return Response::json(200, body);
}

Response create(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  CustomField field;
  field.team_id = req.auth().team_id;
  field.key = f.required_string("key", 63);
  field.label = f.required_string("label", 200);
  field.type = f.required_enum("type", {"text", "number", "boolean", "date", "select",
                                        "multiselect", "email", "phone", "url"});
  field.options = f.string_array("options", 200);
  field.required = f.optional_bool("required").value_or(false);
  field.allow_for_ai = f.optional_bool("allow_for_ai").value_or(false);
  field.position = f.optional_int("position", 1, kMaxPosition).value_or(0);
  f.reject_unknown();
  CustomField created =
      sv.db.write([&](soci::session& s) { return sv.custom_fields.create(s, field); });
  Response r = Response::json(201, custom_field_to_json(created));
  r.headers.emplace_back("Location", "/v1/custom-fields/" + std::to_string(created.id));
  return r;
}

Response get(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  auto f =
      sv.db.read([&](soci::session& s) { return sv.custom_fields.get(s, req.auth().team_id, id); });
  if (!f) throw Error::not_found("custom field", id);
  return Response::json(200, custom_field_to_json(*f));
}

Response update(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  JsonFields f(req.json());
  auto label = f.optional_string("label", 200);
  bool has_options = req.json()->has("options");
  auto options = f.string_array("options", 200);
  auto required = f.optional_bool("required");
  auto ai = f.optional_bool("allow_for_ai");
  auto position = f.optional_int("position", 1, kMaxPosition);
  for (const char* fixed : {"key", "type"}) {
    if (req.json()->has(fixed)) throw Error::validation(fixed, "is fixed once the field exists");
  }
  f.reject_unknown();
  const std::string if_match = req.header("If-Match");
  CustomField updated = sv.db.write([&](soci::session& s) {
    auto current = sv.custom_fields.get(s, req.auth().team_id, id, !if_match.empty());
    if (!current) throw Error::not_found("custom field", id);
    require_if_match(if_match, body_etag(to_json(custom_field_to_json(*current))));
    if (label) current->label = *label;
    if (has_options) current->options = options;
    if (required) current->required = *required;
    if (ai) current->allow_for_ai = *ai;
    if (position) current->position = *position;
    return sv.custom_fields.update(s, *current);
  });
  return Response::json(200, custom_field_to_json(updated));
}

Response remove(ApiServices& sv, Request& req) {
  std::int64_t id = req.path_id("id");
  const std::string if_match = req.header("If-Match");
  bool removed = sv.db.write([&](soci::session& s) {
    if (!if_match.empty()) {
      auto current = sv.custom_fields.get(s, req.auth().team_id, id, true);
      if (!current) return false;
      require_if_match(if_match, body_etag(to_json(custom_field_to_json(*current))));
    }
    return sv.custom_fields.remove(s, req.auth().team_id, id);
  });
  if (!removed) throw Error::not_found("custom field", id);
  return Response::no_content();
}

}  // namespace

void add_custom_field_routes(Router& router, ApiServices& sv) {
  auto h = [&sv](Response (*fn)(ApiServices&, Request&)) {
    return [&sv, fn](Request& r) { return fn(sv, r); };
  };
  router.add(Route::get("/v1/custom-fields", Role::kViewer, h(list)));
  router.add(Route::post("/v1/custom-fields", Role::kAdmin, h(create)).json_body());
  router.add(Route::get("/v1/custom-fields/{id}", Role::kViewer, h(get)));
  // Both compare If-Match under the field's row lock, in their own write.
  router.add(Route::patch("/v1/custom-fields/{id}", Role::kAdmin, h(update))
                 .json_body()
                 .checks_if_match_itself());
  router.add(
      Route::del("/v1/custom-fields/{id}", Role::kAdmin, h(remove)).checks_if_match_itself());
}

}  // namespace sb
