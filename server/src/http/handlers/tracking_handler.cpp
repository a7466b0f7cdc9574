// Public routes behind signed links: the open pixel GET /t/o/{token}, the click redirect
// GET /t/c/{token}?u=..., the unsubscribe page GET /u/{token} and its one-click POST
// (RFC 8058), and SMS delivery reports POST /hooks/sms/{token}. A token that does not
// verify is a 404: nothing tells a prober what exists.
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/URI.h>

#include "channels/engagement.h"
#include "channels/messenger.h"
#include "http/html_page.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/message_template.h"
#include "plugins/plugin_host.h"

namespace sb {
namespace {

using channels::LinkPurpose;
using channels::MessageRef;

MessageRef verified(ApiServices& sv, const Request& req, LinkPurpose purpose,
                    const std::string& target = {}) {
  const channels::TrackingLinks* links = sv.messenger ? sv.messenger->links() : nullptr;
  std::optional<MessageRef> ref;
  if (links) ref = links->verify(req.path_params.at("token"), purpose, target);
  // The "link" detail makes the server count this as a failed authentication (guessing).
  if (!ref) {
    throw Error(ErrorCode::kNotFound, "this link is not valid",
                {{"link", std::string("signature does not match")}});
  }
  return *ref;
}

Response open_pixel(ApiServices& sv, Request& req) {
  MessageRef ref = verified(sv, req, LinkPurpose::kOpen);
  channels::record_engagement(sv.db, ref, channels::Engagement::kOpen);
  static const unsigned char kGif[] = {
      0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,
      0x00, 0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
      0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};
  Response r;
  r.content_type = "image/gif";
  r.body.assign(reinterpret_cast<const char*>(kGif), sizeof kGif);
  r.headers.emplace_back("Cache-Control", "no-store, max-age=0");
  return r;
}

Response click(ApiServices& sv, Request& req) {
  std::string target = req.query_param("u").value_or("");
  // The signature covers the target: only URLs the email really contained redirect.
  MessageRef ref = verified(sv, req, LinkPurpose::kClick, target);
  channels::record_engagement(sv.db, ref, channels::Engagement::kClick, target);
  Response r;
  r.status = 302;
  r.content_type = "text/plain";
  r.headers.emplace_back("Location", target);
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

Response unsubscribe_page(ApiServices& sv, Request& req) {
  verified(sv, req, LinkPurpose::kUnsubscribe);
  // GET never unsubscribes: link scanners and previews fetch it. The button posts.
  return html_page(200, "Unsubscribe",
                   "<p>Stop receiving these emails?</p><form method=\"post\"><input "
                   "type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\"><button "
                   "type=\"submit\">Unsubscribe</button></form>");
}

Response unsubscribe(ApiServices& sv, Request& req) {
  MessageRef ref = verified(sv, req, LinkPurpose::kUnsubscribe);
  channels::record_engagement(sv.db, ref, channels::Engagement::kUnsubscribe);
  return html_page(200, "You are unsubscribed",
                   "<p>You will not receive these emails any more.</p>");
}

// The provider's own parser (its `status` function) reads the report: form, query, body.
Response delivery_report(ApiServices& sv, Request& req) {
  MessageRef ref = verified(sv, req, LinkPurpose::kDeliveryReport);
  if (!sv.plugins) throw Error(ErrorCode::kNotFound, "no SMS provider is loaded");
  Poco::JSON::Object input(Poco::JSON_PRESERVE_KEY_ORDER), form, query;
  std::string ct = req.header("Content-Type");
  if (ct.rfind("application/x-www-form-urlencoded", 0) == 0) {
    Poco::URI uri("/?" + req.body);
    for (const auto& [k, v] : uri.getQueryParameters()) form.set(k, v);
  }
  for (const auto& [k, v] : req.query) query.set(k, v);
  input.set("form", form);
  input.set("query", query);
  input.set("body", req.body);
  auto r = sv.plugins->read_status("sms", "", plugins::CallScope{ref.team_id, &sv.db, nullptr},
                                   json_text(input));
  if (!r) throw Error(ErrorCode::kNotFound, "no SMS provider reads delivery reports");
  if (r->status != SB_OK) {
    throw Error(ErrorCode::kValidationFailed,
                "the provider could not read the report: " + r->error);
  }
  Poco::JSON::Parser parser;
  auto out = parser.parse(r->result).extract<Poco::JSON::Object::Ptr>();
  channels::record_delivery_report(sv.db, ref, out->optValue<std::string>("status", ""),
                                   out->optValue<std::string>("error", ""));
  return Response::no_content();
}

Route link_route(const std::string& method, const std::string& pattern, Handler h) {
  return Route::of(method, pattern, Access::kSignedLink, std::move(h));
}

}  // namespace

void add_tracking_routes(Router& router, ApiServices& sv) {
  router.add(link_route("GET", "/t/o/{token}", [&sv](Request& r) { return open_pixel(sv, r); }));
  router.add(link_route("GET", "/t/c/{token}", [&sv](Request& r) { return click(sv, r); }));
  router.add(
      link_route("GET", "/u/{token}", [&sv](Request& r) { return unsubscribe_page(sv, r); }));
  router.add(link_route("POST", "/u/{token}", [&sv](Request& r) { return unsubscribe(sv, r); }));
  router.add(link_route("POST", "/hooks/sms/{token}",
                        [&sv](Request& r) { return delivery_report(sv, r); }));
}

}  // namespace sb
