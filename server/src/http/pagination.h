// Cursor pagination shared by every list route: ?limit=&cursor= in, {"data","next_cursor"}
// out. Cursors are opaque to clients (base64url of the last id seen).
#pragma once

#include <Poco/JSON/Array.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "http/request.h"

namespace sb {

struct PageRequest {
  int limit = 50;
  std::int64_t after_id = 0;
};

// Reads ?limit (1..200, default 50) and ?cursor; 422 naming the parameter when invalid.
PageRequest read_page_request(const Request& request);

std::string encode_cursor(std::int64_t last_id);
// Opaque wrapping of any cursor text (base64url); decode throws 422 naming `cursor`.
std::string encode_opaque_cursor(const std::string& text);
std::string decode_opaque_cursor(const std::string& cursor);
// Reads ?limit only (1..200, default 50).
int read_limit(const Request& request);

// {"data": items, "next_cursor": cursor-or-null}; `has_more` when the page was full.
Response page_response(Poco::JSON::Array::Ptr items, std::optional<std::int64_t> next_after);

// The page of `rows` (fetched with limit + 1, ordered by id): trims the extra row, renders
// each with `render`, and sets the cursor after the last id when there is more.
template <class T, class Render>
Response id_page(std::vector<T> rows, int limit, Render render) {
  std::optional<std::int64_t> next;
  if (static_cast<int>(rows.size()) > limit) {
    rows.pop_back();
    next = rows.back().id;
  }
  Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
  for (const T& row : rows) data->add(render(row));
  return page_response(data, next);
}

}  // namespace sb
