// The contact filter language's query parameters in the OpenAPI document, generated from
// the filter's own field and operator tables so every FIELD and FIELD.OP the list accepts
// is a declared parameter a generated client can set.
#pragma once

#include <Poco/JSON/Object.h>

namespace sb {

// Replaces the filter parameters of GET /v1/contacts and GET /v1/exports/contacts.
void document_contact_filters(Poco::JSON::Object& doc);

}  // namespace sb
