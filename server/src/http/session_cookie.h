// The browser side of sign-in: the session cookie, and the CSRF rule for requests that
// carry it (a Bearer key needs neither: browsers never attach one on their own).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace Poco::Net {
class HTTPServerRequest;
}

namespace sb {

inline constexpr std::string_view kSessionCookie = "sb_session";

// The session token of the request's Cookie header, if it has one.
std::optional<std::string> session_cookie(const Poco::Net::HTTPServerRequest& req);
// Set-Cookie for a new session (HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS).
std::string session_set_cookie(const std::string& token, long long max_age_s, bool secure);
// Set-Cookie that makes the browser forget the session.
std::string session_clear_cookie(bool secure);

// Whether the browser says the request comes from another site: Sec-Fetch-Site is
// cross-site or same-site (a sibling subdomain is another site here), or Origin names
// another scheme, host or port than the request's own (`secure`: it arrived over HTTPS).
bool cross_site(const Poco::Net::HTTPServerRequest& req, bool secure);
// 403 unless a cookie-authenticated unsafe request is same-site and carries the session's
// X-CSRF-Token.
void require_csrf(const Poco::Net::HTTPServerRequest& req, bool secure,
                  const std::string& session_csrf_token);

}  // namespace sb
