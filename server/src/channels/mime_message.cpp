#include "channels/mime_message.h"

#include <ctime>
#include <sstream>

#include "model/error.h"
#include "model/hash.h"

namespace sb::channels {
namespace {

bool plain_ascii(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

void check_header_value(const std::string& name, const std::string& value) {
  if (value.find_first_of("\r\n") != std::string::npos) {
    throw Error::validation(name, "must not contain line breaks");
  }
}

// "Name <addr>": the name quoted or encoded, the address checked.
std::string mailbox(const std::string& header, const std::string& name,
                    const std::string& address) {
  check_header_value(header, name);
  check_header_value(header, address);
  if (address.find_first_of("<>\" ,") != std::string::npos ||
      address.find('@') == std::string::npos) {
    throw Error::validation(header, "is not an email address");
  }
  if (name.empty()) return "<" + address + ">";
  if (plain_ascii(name)) {
    std::string quoted;
    for (char c : name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return "\"" + quoted + "\" <" + address + ">";
  }
  return encode_header_word(name) + " <" + address + ">";
}

}  // namespace

std::string encode_header_word(const std::string& utf8) {
  if (plain_ascii(utf8)) return utf8;
  // Encoded words of at most 75 characters, each holding whole UTF-8 sequences.
  const std::size_t max_bytes = 36;  // base64: 48 characters + 12 of framing + the name
  std::string out;
  std::size_t i = 0;
  while (i < utf8.size()) {
    std::size_t end = std::min(i + max_bytes, utf8.size());
    while (end < utf8.size() && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(utf8.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string quoted_printable(const std::string& utf8) {
  static const char* hex = "0123456789ABCDEF";
  std::string out, line;
  auto flush = [&](bool hard) {
    out += line;
    out += hard ? "\r\n" : "=\r\n";
    line.clear();
  };
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(utf8[i]);
    if (c == '\r') continue;
    if (c == '\n') {
      // Trailing white space would be stripped in transit: encode it.
      if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
        char last = line.back();
        line.pop_back();
        line += std::string("=") + hex[last >> 4] + hex[last & 15];
      }
      flush(true);
      continue;
    }
    std::string piece;
    if ((c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t') {
      piece = std::string(1, static_cast<char>(c));
    } else {
      piece = std::string("=") + hex[c >> 4] + hex[c & 15];
    }
    // A line that starts with "." is fine here: the transport dot-stuffs.
    if (line.size() + piece.size() > 75) flush(false);
    line += piece;
  }
  if (!line.empty()) {
    if (line.back() == ' ' || line.back() == '\t') {
      char last = line.back();
      line.pop_back();
      line += std::string("=") + hex[last >> 4] + hex[last & 15];
    }
    out += line;
  }
  return out;
}

std::string rfc5322_date(EpochMs ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string build_mime(const EmailContent& e, EpochMs now, const std::string& unique) {
  if (e.text.empty() && e.html.empty()) throw Error::validation("body", "needs text or HTML");
  check_header_value("subject", e.subject);
  check_header_value("unsubscribe_url", e.unsubscribe_url);
  std::string domain = e.from_address.substr(e.from_address.find('@') + 1);
  std::string id = e.message_id.empty() ? unique + "@" + domain : e.message_id;
  check_header_value("message_id", id);
  std::string out;
  auto header = [&](const std::string& name, const std::string& value) {
    out += name + ": " + value + "\r\n";
  };
  header("From", mailbox("from", e.from_name, e.from_address));
  header("To", mailbox("to", e.to_name, e.to_address));
  header("Subject", encode_header_word(e.subject));
  header("Date", rfc5322_date(now));
  header("Message-ID", "<" + id + ">");
  header("MIME-Version", "1.0");
  if (!e.unsubscribe_url.empty()) {
    header("List-Unsubscribe", "<" + e.unsubscribe_url + ">");
    header("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
  }
  for (const auto& [name, value] : e.headers) {
    check_header_value(name, value);
    if (!plain_ascii(name) || name.find(':') != std::string::npos) {
      throw Error::validation("headers", "header names are ASCII without ':'");
    }
    header(name, encode_header_word(value));
  }
  auto part = [](const std::string& type, const std::string& body) {
    return "Content-Type: " + type +
           "; charset=utf-8\r\nContent-Transfer-Encoding: " + "quoted-printable\r\n\r\n" +
           quoted_printable(body) + "\r\n";
  };
  if (e.text.empty() || e.html.empty()) {
    out += e.html.empty() ? part("text/plain", e.text) : part("text/html", e.html);
    return out;
  }
  const std::string boundary = "=_sb_" + unique;  // "=_" never occurs in QP output
  header("Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
  out += "\r\n--" + boundary + "\r\n" + part("text/plain", e.text);
  out += "--" + boundary + "\r\n" + part("text/html", e.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace sb::channels
