// What every operation of the OpenAPI document says the same way, written by code so no
// route can forget it: the edge's headers (X-Request-Id, RateLimit-*, ETag, Location,
// Idempotent-Replayed), the statuses the edge itself can answer, and the conditional
// request parameters. A test keeps docs/api/openapi.json equal to its output.
#pragma once

#include <Poco/JSON/Object.h>

namespace sb {

// Adds, where missing, to every operation of `doc`:
// - responses 400, 500, 503; 401, 403 and 429 unless the operation is public
//   (`security: []`); 404 where the path has parameters; 413 and 415 where it takes a body;
//   412 on PUT/PATCH/DELETE; 304 on a GET whose 200 is JSON;
// - the If-None-Match (GET) or If-Match (PUT/PATCH/DELETE) header parameter;
// - on each response: X-Request-Id (always sent), RateLimit-* (keyed operations), ETag
//   (200/201 JSON), Location (201), Idempotent-Replayed (POST 2xx), Content-Disposition
//   (non-JSON bodies), and on the shared error responses Retry-After and WWW-Authenticate.
// Idempotent: applying it twice changes nothing.
void apply_openapi_conventions(Poco::JSON::Object& doc);

}  // namespace sb
