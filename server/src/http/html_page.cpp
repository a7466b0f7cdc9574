#include "http/html_page.h"

#include "model/message_template.h"

namespace sb {

Response html_page(int status, const std::string& title, const std::string& body_html,
                   Framing framing) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width\"><title>" +
      html_escape(title) +
      "</title></head><body style=\"font-family:sans-serif;max-width:"
      "32em;margin:4em auto;padding:0 1em\"><h1>" +
      html_escape(title) + "</h1>" + body_html + "</body></html>";
  // No script at all; the one inline style above is the page's only styling.
  std::string policy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; ";
  if (framing == Framing::kDeny) {
    r.headers.emplace_back("Content-Security-Policy", policy + "frame-ancestors 'none'");
    r.headers.emplace_back("X-Frame-Options", "DENY");
  } else {
    r.headers.emplace_back("Content-Security-Policy", policy + "frame-ancestors *");
  }
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace sb
