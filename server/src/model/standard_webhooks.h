// Signing as the Standard Webhooks specification defines it (standardwebhooks.com), so
// receivers verify with any of its libraries: secrets "whsec_<base64 key>", and
// webhook-signature "v1,<base64 HMAC-SHA256 of id.timestamp.body>".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sb {

// A new secret: "whsec_" + base64 of 24 random bytes.
std::string new_webhook_secret();

// "v1,<signature>" of one message under `secret` (with or without the whsec_ prefix);
// `timestamp` is in seconds. Throws Error(kInternal) for a secret that is not base64.
std::string webhook_signature(std::string_view secret, std::string_view id, std::int64_t timestamp,
                              std::string_view body);

}  // namespace sb
