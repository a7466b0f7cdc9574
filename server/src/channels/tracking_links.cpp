#include "channels/tracking_links.h"

#include <Poco/URI.h>

#include <charconv>
#include <vector>

#include "model/hash.h"

namespace sb::channels {
namespace {

const char* purpose_name(LinkPurpose p) {
  switch (p) {
    case LinkPurpose::kOpen:
      return "open";
    case LinkPurpose::kClick:
      return "click";
    case LinkPurpose::kUnsubscribe:
      return "unsubscribe";
    case LinkPurpose::kDeliveryReport:
      return "delivery";
  }
  return "";
}

bool parse_id(std::string_view text, std::int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out > 0;
}

}  // namespace

TrackingLinks::TrackingLinks(std::string secret, std::string public_url)
    : secret_(std::move(secret)), public_url_(std::move(public_url)) {
  while (!public_url_.empty() && public_url_.back() == '/') public_url_.pop_back();
}

std::string TrackingLinks::signature(std::string_view body, LinkPurpose purpose,
                                     std::string_view target) const {
  std::string data =
      std::string(purpose_name(purpose)) + "|" + std::string(body) + "|" + std::string(target);
  // 128 bits of the MAC: plenty against forgery, short enough for a URL.
  return base64url(hmac_sha256(secret_, data).substr(0, 16));
}

std::string TrackingLinks::token(const MessageRef& ref, LinkPurpose purpose,
                                 std::string_view target) const {
  std::string body = std::string(1, ref.source) + "." + std::to_string(ref.team_id) + "." +
                     std::to_string(ref.id) + "." + std::to_string(ref.contact_id);
  return body + "." + signature(body, purpose, target);
}

std::string TrackingLinks::open_url(const MessageRef& ref) const {
  return public_url_ + "/t/o/" + token(ref, LinkPurpose::kOpen, {});
}

std::string TrackingLinks::click_url(const MessageRef& ref, const std::string& target) const {
  std::string encoded;
  Poco::URI::encode(target, "!#$&'()*+,/:;=?@[]", encoded);
  return public_url_ + "/t/c/" + token(ref, LinkPurpose::kClick, target) + "?u=" + encoded;
}

std::string TrackingLinks::unsubscribe_url(const MessageRef& ref) const {
  return public_url_ + "/u/" + token(ref, LinkPurpose::kUnsubscribe, {});
}

std::string TrackingLinks::delivery_report_url(const MessageRef& ref) const {
  return public_url_ + "/hooks/sms/" + token(ref, LinkPurpose::kDeliveryReport, {});
}

std::optional<MessageRef> TrackingLinks::verify(std::string_view token, LinkPurpose purpose,
                                                std::string_view target) const {
  if (token.size() > 200) return std::nullopt;
  std::size_t last = token.rfind('.');
  if (last == std::string_view::npos) return std::nullopt;
  std::string_view body = token.substr(0, last), sig = token.substr(last + 1);
  if (!equal_in_constant_time(sig, signature(body, purpose, target))) return std::nullopt;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t dot = body.find('.', start);
    parts.push_back(body.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  MessageRef ref;
  if (parts.size() != 4 || parts[0].size() != 1) return std::nullopt;
  ref.source = parts[0][0];
  if (ref.source != 'm' && ref.source != 'r') return std::nullopt;
  if (!parse_id(parts[1], ref.team_id) || !parse_id(parts[2], ref.id) ||
      !parse_id(parts[3], ref.contact_id)) {
    return std::nullopt;
  }
  return ref;
}

std::string TrackingLinks::track_html(const std::string& html, const MessageRef& ref) const {
  std::string out;
  out.reserve(html.size() + 256);
  std::size_t i = 0;
  for (;;) {
    std::size_t at = html.find("href=\"", i);
    if (at == std::string::npos) break;
    std::size_t start = at + 6, end = html.find('"', start);
    if (end == std::string::npos) break;
    out.append(html, i, start - i);
    // The template escaped the URL for HTML; the redirect target is the URL itself.
    std::string target = html.substr(start, end - start);
    std::string raw;
    for (std::size_t k = 0; k < target.size(); ++k) {
      if (target.compare(k, 5, "&amp;") == 0) {
        raw += '&';
        k += 4;
      } else {
        raw += target[k];
      }
    }
    bool web = raw.rfind("http://", 0) == 0 || raw.rfind("https://", 0) == 0;
    bool own = raw.rfind(public_url_ + "/", 0) == 0;  // unsubscribe links stay direct
    if (web && !own) {
      std::string tracked = click_url(ref, raw), escaped;
      for (char c : tracked) escaped += c == '&' ? std::string("&amp;") : std::string(1, c);
      out += escaped;
    } else {
      out += target;
    }
    i = end;
  }
  out.append(html, i, std::string::npos);
  std::string pixel = "<img src=\"" + open_url(ref) +
                      "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:none\">";
  std::size_t body_end = out.rfind("</body>");
  if (body_end == std::string::npos) {
    out += pixel;
  } else {
    out.insert(body_end, pixel);
  }
  return out;
}

}  // namespace sb::channels
