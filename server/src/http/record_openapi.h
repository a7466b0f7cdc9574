// OpenAPI description of the schema-described entities, generated from the same schemas
// and route options that serve them, so the document cannot drift from the code. A test
// checks docs/api/openapi.json against it (and rewrites it with SB_UPDATE_OPENAPI=1).
#pragma once

#include <Poco/JSON/Object.h>

#include "http/record_routes.h"

namespace sb {

// Sets components.schemas.<Entity>, <Entity>Input and the list/item path items.
void document_record_routes(Poco::JSON::Object& doc);

// Everything of the document written by code: the record routes, then the conventions
// every operation shares (http/openapi_conventions.h).
void generate_openapi_parts(Poco::JSON::Object& doc);

}  // namespace sb
