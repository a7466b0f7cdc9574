// One page of contacts as the API answers it ({"data", "next_cursor"}): the contacts list,
// search, and a segment's contacts.
#pragma once

#include <cstdint>

#include "http/api_services.h"
#include "http/contact_input.h"
#include "http/request.h"

namespace sb {

Response contact_list_page(ApiServices& sv, std::int64_t team_id, const ContactListParams& params);

}  // namespace sb
