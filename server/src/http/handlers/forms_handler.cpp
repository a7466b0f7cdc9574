// /v1/forms, their submissions, and the public form: its page GET /f/{slug} and the
// submission endpoint POST /f/{slug}.
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/URI.h>
#include <soci/soci.h>

#include "http/html_page.h"
#include "http/record_routes.h"
#include "http/routes.h"
#include "model/error.h"
#include "model/form_page.h"
#include "model/json_body.h"
#include "model/message_template.h"

namespace sb {
namespace {

constexpr std::size_t kMaxFormFields = 200;

// application/x-www-form-urlencoded -> {"name": "value"}; later duplicates win.
Poco::JSON::Object::Ptr parse_urlencoded(const std::string& body) {
  Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
  std::size_t start = 0, count = 0;
  while (start < body.size()) {
    std::size_t amp = body.find('&', start);
    std::string pair =
        body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    start = amp == std::string::npos ? body.size() : amp + 1;
    if (pair.empty()) continue;
    if (++count > kMaxFormFields)
      throw Error(ErrorCode::kBadRequest, "too many form fields (at most 200)");
    std::size_t eq = pair.find('=');
    auto decode = [](std::string s) {
      std::replace(s.begin(), s.end(), '+', ' ');
      std::string out;
      try {
        Poco::URI::decode(s, out);
      } catch (const Poco::Exception&) {
        throw Error(ErrorCode::kBadRequest, "malformed form encoding");
      }
      return out;
    };
    out->set(decode(pair.substr(0, eq)),
             eq == std::string::npos ? std::string() : decode(pair.substr(eq + 1)));
  }
  return out;
}

bool is_urlencoded(const std::string& content_type) {
  return content_type.rfind("application/x-www-form-urlencoded", 0) == 0;
}

// A browser navigating (Accept: text/html), not a script asking for JSON.
bool wants_html(const Request& req) {
  return req.header("Accept").find("text/html") != std::string::npos;
}

// The form as a plain HTML page: no console bundle, no script, frameable (embed snippet).
Response page(ApiServices& sv, Request& req) {
  std::string slug = req.path_params.at("slug");
  PublishedForm form =
      sv.db.read([&](soci::session& s) { return sv.crm.form_submitter.published(s, slug); });
  std::string action = "/f/" + slug;
  return html_page(200, form.name, form_page_html(form.fields, form.honeypot, action),
                   Framing::kAnyone);
}

Response submit(ApiServices& sv, Request& req) {
  std::string slug = req.path_params.at("slug");
  std::string ct = req.header("Content-Type");
  Poco::JSON::Object::Ptr values =
      is_urlencoded(ct) ? parse_urlencoded(req.body) : parse_json_object(req.body);
  SubmissionMeta meta;
  meta.ip = req.client_address;
  meta.user_agent = req.header("User-Agent");
  meta.referrer = req.header("Referer");
  SubmissionResult result = sv.db.write(
      [&](soci::session& s) { return sv.crm.form_submitter.submit(s, slug, *values, meta); });
  if (is_urlencoded(ct) && result.redirect_url) {
    // A browser posting the form follows the redirect to the thank-you page.
    Response r{303, {}, "text/plain", {{"Location", *result.redirect_url}}};
    return r;
  }
  if (is_urlencoded(ct) && wants_html(req)) {
    // The form's own page posted it: the person reads the thank-you message, not JSON.
    return html_page(200, "Thank you", "<p>" + html_escape(result.message) + "</p>",
                     Framing::kAnyone);
  }
  // The same answer whether stored or caught by the honeypot, and nothing of the input.
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("ok", true);
  body.set("message", result.message);
  body.set("redirect_url",
           result.redirect_url ? Poco::Dynamic::Var(*result.redirect_url) : Poco::Dynamic::Var());
  return Response::json(201, body);
}

}  // namespace

void add_form_routes(Router& router, ApiServices& sv) {
  add_record_routes(router, sv, sv.crm.forms,
                    {.base = "/v1/forms", .item_param = "id", .write_role = Role::kAdmin});
  add_record_routes(router, sv, sv.crm.submissions,
                    {.base = "/v1/forms/{id}/submissions",
                     .item_param = "submission_id",
                     .parent_param = "id",
                     .write_role = Role::kAdmin,
                     .writable = false});
  router.add(Route::post("/f/{slug}", Access::kPublic, [&sv](Request& req) {
               return submit(sv, req);
             }).form_body());
  router.add(
      Route::get("/f/{slug}", Access::kPublic, [&sv](Request& req) { return page(sv, req); }));
}

}  // namespace sb
