// The Standard Webhooks verification, written from the specification and not from the
// server's code: what a receiver does with a delivery.
#pragma once

#include <string>

#include "support/http_stub.h"

namespace sb::test {

// Base64-decodes the key after "whsec_", HMAC-SHA256s "id.timestamp.body", and compares
// the base64 digest with each "v1,<sig>" of the webhook-signature header.
bool verifies_standard_webhook(const std::string& secret, const StubRequest& r);
// The same check by another implementation: tests/support/verify_standard_webhook.py
// (Python's hmac), run as a program.
bool verifies_with_python(const std::string& secret, const StubRequest& r);

}  // namespace sb::test
