#include "http/session_cookie.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/NameValueCollection.h>

#include "model/error.h"
#include "model/hash.h"

namespace sb {

std::optional<std::string> session_cookie(const Poco::Net::HTTPServerRequest& req) {
  if (!req.has("Cookie")) return std::nullopt;
  Poco::Net::NameValueCollection cookies;
  req.getCookies(cookies);
  auto it = cookies.find(std::string(kSessionCookie));
  if (it == cookies.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

std::string session_set_cookie(const std::string& token, long long max_age_s, bool secure) {
  return std::string(kSessionCookie) + "=" + token +
         "; Path=/; Max-Age=" + std::to_string(max_age_s) + "; HttpOnly; SameSite=Lax" +
         (secure ? "; Secure" : "");
}

std::string session_clear_cookie(bool secure) {
  return std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" +
         (secure ? "; Secure" : "");
}

bool cross_site(const Poco::Net::HTTPServerRequest& req, bool secure) {
  const std::string fetch_site = req.get("Sec-Fetch-Site", "");
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none") return true;
  const std::string origin = req.get("Origin", "");
  if (origin.empty()) return false;  // not a browser's cross-origin request
  const std::string own = std::string(secure ? "https://" : "http://") + req.getHost();
  return origin != own;
}

void require_csrf(const Poco::Net::HTTPServerRequest& req, bool secure,
                  const std::string& session_csrf_token) {
  if (cross_site(req, secure)) {
    throw Error(ErrorCode::kForbidden,
                "cross-site request refused: a signed-in browser may only write from this "
                "server's own pages",
                {{"reason", std::string("cross_site")}});
  }
  const std::string sent = req.get("X-CSRF-Token", "");
  if (sent.empty() || !equal_in_constant_time(sent, session_csrf_token)) {
    throw Error(ErrorCode::kForbidden,
                "missing or wrong X-CSRF-Token: send the csrf_token of GET /v1/auth/session "
                "with every write made with the session cookie",
                {{"reason", std::string("csrf")}});
  }
}

}  // namespace sb
