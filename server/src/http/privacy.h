// Privacy requests over the API: erasure (DELETE /v1/contacts/{id}?erase=true) and the
// team's erasure policy (/v1/settings/privacy). The person's export is in exports_handler.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/api_services.h"
#include "http/request.h"

namespace sb {

// `conversations`: "anonymise" | "delete" to override the team's policy for this request.
Response erase_contact(ApiServices& sv, Request& req, std::int64_t id,
                       const std::optional<std::string>& conversations);

}  // namespace sb
