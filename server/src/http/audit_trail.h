// Which API requests the audit log records: every successful write by a key, and reads of
// one contact's personal data (routes marked personal_read). Reads that go by POST
// (search, previews: viewer routes) and replayed idempotent responses change nothing.
#pragma once

#include <optional>
#include <string>

#include "http/request.h"
#include "http/router.h"
#include "store/audit_store.h"

namespace sb {

std::optional<AuditEntry> audit_entry_for(const Route& route, const Request& request,
                                          const Response& response, const std::string& origin);

}  // namespace sb
