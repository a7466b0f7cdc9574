// Request-body readers for contacts: JSON -> ContactPatch, If-Match -> version, and the
// list parameters (filter, sort, cursor) shared by GET /v1/contacts and POST .../search.
#pragma once

#include <optional>
#include <string>

#include "http/request.h"
#include "model/contact.h"
#include "model/contact_filter.h"
#include "model/contact_patch_json.h"
#include "model/json_body.h"
#include "store/contact_store.h"

namespace sb {

// If-Match: "3", W/"3" or 3 -> 3; absent or * -> nullopt; anything else 400.
std::optional<int> read_if_match(const Request& request);

struct ContactListParams {
  FilterNode filter;
  ContactSort sort;
  std::optional<ContactCursor> after;
  int limit = 50;
};

// From the query string: filter=JSON, sort=[-]field, cursor, limit and field filters.
ContactListParams read_list_query(const Request& request);
// From a POST body: {"filter": {...}, "sort": "-created_at", "cursor": "...", "limit": 50}.
ContactListParams read_list_body(const Request& request);

std::string encode_contact_cursor(const ContactCursor& c, const ContactSort& sort);

}  // namespace sb
