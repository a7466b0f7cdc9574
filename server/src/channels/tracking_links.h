// Signed tracking links under SB_PUBLIC_URL: open pixel, click redirect and unsubscribe.
// A token names the message (a queued message or a campaign recipient) and carries an
// HMAC over it, the purpose and, for clicks, the target URL: links cannot be forged or
// turned into an open redirect.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::channels {

// Which message a link belongs to.
struct MessageRef {
  char source = 'm';  // 'm': outbox_messages row `id`; 'r': a recipient of campaign `id`
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::int64_t contact_id = 0;  // the recipient
};

enum class LinkPurpose { kOpen, kClick, kUnsubscribe, kDeliveryReport };

class TrackingLinks {
 public:
  // `public_url` without a trailing slash ("https://crm.example.com").
  TrackingLinks(std::string secret, std::string public_url);

  std::string open_url(const MessageRef& ref) const;
  std::string click_url(const MessageRef& ref, const std::string& target) const;
  std::string unsubscribe_url(const MessageRef& ref) const;
  // Where an SMS provider posts the message's delivery reports.
  std::string delivery_report_url(const MessageRef& ref) const;

  // The message of a token, when its signature matches (for clicks, over `target` too).
  std::optional<MessageRef> verify(std::string_view token, LinkPurpose purpose,
                                   std::string_view target = {}) const;

  // Every http(s) href of `html` through click_url, and the open pixel before </body>.
  std::string track_html(const std::string& html, const MessageRef& ref) const;

  const std::string& public_url() const { return public_url_; }

 private:
  std::string token(const MessageRef& ref, LinkPurpose purpose, std::string_view target) const;
  std::string signature(std::string_view body, LinkPurpose purpose, std::string_view target) const;

  std::string secret_;
  std::string public_url_;
};

}  // namespace sb::channels
