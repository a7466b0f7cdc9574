// SHA-256 of a byte string as lower-case hex: migration checksums, API key hashes,
// idempotency request fingerprints; HMAC-SHA-256 for signed links; random secrets and
// their comparison.
#pragma once

#include <string>
#include <string_view>

namespace sb {

std::string sha256_hex(std::string_view data);
// Raw 32-byte HMAC-SHA-256 (RFC 2104).
std::string hmac_sha256(std::string_view key, std::string_view data);
// `bytes` random bytes from the kernel, as lower-case hex.
std::string random_hex(std::size_t bytes);
// Unpadded base64url (RFC 4648 section 5), for tokens in URLs.
std::string base64url(std::string_view data);
// Padded base64 (RFC 4648 section 4) on one line: MIME parts, SMTP AUTH.
std::string base64(std::string_view data);
// Whether a == b, in a time that does not depend on where they differ (secrets, MACs);
// only the length can show.
bool equal_in_constant_time(std::string_view a, std::string_view b);

}  // namespace sb
