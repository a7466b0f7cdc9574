// Cursor encoding and the list envelope.
#include "http/pagination.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>  // the encoding flags the decoder takes

#include <charconv>
#include <sstream>

#include "model/error.h"
#include "model/hash.h"

namespace sb {

std::string encode_opaque_cursor(const std::string& text) {
  // One line: Poco's encoder breaks lines every 72 characters, which a URL cannot carry.
  return base64url(text);
}

std::string decode_opaque_cursor(const std::string& cursor) {
  auto invalid = [] {
    return Error::validation("cursor", "is not a cursor returned by this list");
  };
  if (cursor.empty() || cursor.size() > 512) throw invalid();
  std::string text;
  try {
    std::istringstream in(cursor);
    Poco::Base64Decoder dec(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    std::getline(dec, text);
  } catch (const std::exception&) {
    throw invalid();
  }
  if (text.empty()) throw invalid();
  return text;
}

std::string encode_cursor(std::int64_t last_id) {
  return encode_opaque_cursor("id:" + std::to_string(last_id));
}

namespace {
std::int64_t decode_cursor(const std::string& cursor) {
  std::string text = decode_opaque_cursor(cursor);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data() + std::min<std::size_t>(3, text.size()),
                                   text.data() + text.size(), id);
  if (text.rfind("id:", 0) != 0 || ec != std::errc() || end != text.data() + text.size() ||
      id < 0) {
    throw Error::validation("cursor", "is not a cursor returned by this list");
  }
  return id;
}
}  // namespace

int read_limit(const Request& request) {
  int n = 50;
  if (auto limit = request.query_param("limit")) {
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), n);
    if (ec != std::errc() || end != limit->data() + limit->size() || n < 1 || n > 200) {
      throw Error::validation("limit", "must be an integer from 1 to 200");
    }
  }
  return n;
}

PageRequest read_page_request(const Request& request) {
  PageRequest page;
  page.limit = read_limit(request);
  if (auto cursor = request.query_param("cursor")) page.after_id = decode_cursor(*cursor);
  return page;
}

Response page_response(Poco::JSON::Array::Ptr items, std::optional<std::int64_t> next_after) {
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("data", items);
  if (next_after) {
    body.set("next_cursor", encode_cursor(*next_after));
  } else {
    body.set("next_cursor", Poco::Dynamic::Var());
  }
  return Response::json(200, body);
}

}  // namespace sb
