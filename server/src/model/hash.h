// SHA-256 of a byte string as lower-case hex: migration checksums, API key hashes,
// idempotency request fingerprints.
#pragma once

#include <string>
#include <string_view>

namespace sb {

std::string sha256_hex(std::string_view data);

}  // namespace sb
