// SHA-256 through Poco's digest engine.
#include "model/hash.h"

#include <Poco/SHA2Engine.h>
#include <sys/random.h>

#include "model/error.h"

namespace sb {

std::string sha256_hex(std::string_view data) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(data.data(), static_cast<unsigned>(data.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

namespace {

std::string sha256_raw(std::string_view a, std::string_view b) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(a.data(), static_cast<unsigned>(a.size()));
  engine.update(b.data(), static_cast<unsigned>(b.size()));
  const Poco::DigestEngine::Digest& d = engine.digest();
  return std::string(d.begin(), d.end());
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  constexpr std::size_t kBlock = 64;
  std::string k = key.size() > kBlock ? sha256_raw(key, {}) : std::string(key);
  k.resize(kBlock, '\0');
  std::string inner(kBlock, '\0'), outer(kBlock, '\0');
  for (std::size_t i = 0; i < kBlock; ++i) {
    inner[i] = static_cast<char>(k[i] ^ 0x36);
    outer[i] = static_cast<char>(k[i] ^ 0x5c);
  }
  return sha256_raw(outer, sha256_raw(inner, data));
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::size_t done = 0;
  while (done < bytes) {
    ssize_t n = getrandom(raw.data() + done, bytes - done, 0);
    if (n <= 0) throw Error(ErrorCode::kInternal, "cannot read random bytes");
    done += static_cast<std::size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

namespace {

// RFC 4648 encoding with the given alphabet, on one line.
std::string base64_with(std::string_view data, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t j) { return static_cast<unsigned char>(data[j]); };
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    for (int shift : {18, 12, 6, 0}) out += alphabet[(v >> shift) & 63];
  }
  if (i + 1 == data.size()) {
    unsigned v = byte(i) << 16;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (pad) out += "==";
  } else if (i + 2 == data.size()) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    for (int shift : {18, 12, 6}) out += alphabet[(v >> shift) & 63];
    if (pad) out += '=';
  }
  return out;
}

}  // namespace

std::string base64url(std::string_view data) {
  return base64_with(data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                     false);
}

std::string base64(std::string_view data) {
  return base64_with(data, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                     true);
}

bool equal_in_constant_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return diff == 0;
}

}  // namespace sb
