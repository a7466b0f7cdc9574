// RFC 5322 / MIME text of one email: multipart/alternative (plain text + HTML, UTF-8,
// quoted-printable), RFC 2047 encoded headers, Message-ID, and one-click unsubscribe
// headers (RFC 8058). Header values with CR or LF are refused: no header injection.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "model/clock.h"

namespace sb::channels {

struct EmailContent {
  std::string from_name, from_address;  // the display name may be UTF-8
  std::string to_name, to_address;
  std::string subject;          // UTF-8
  std::string text, html;       // at least one
  std::string message_id;       // without <>; generated when empty
  std::string unsubscribe_url;  // https: List-Unsubscribe + List-Unsubscribe-Post
  std::vector<std::pair<std::string, std::string>> headers;  // extra, ASCII names
};

// The message with CRLF line ends. `unique` seeds the boundary and a generated Message-ID.
std::string build_mime(const EmailContent& email, EpochMs now, const std::string& unique);

// Pieces, exposed for tests.
std::string encode_header_word(const std::string& utf8);  // RFC 2047 when not plain ASCII
std::string quoted_printable(const std::string& utf8);    // CRLF lines of <= 76 characters
std::string rfc5322_date(EpochMs ms);                     // "Sat, 21 Nov 2026 14:01:23 +0000"

}  // namespace sb::channels
