// argon2id with libsodium's interactive limits (about 64 MiB and a fraction of a second on
// one core): slow enough to make guessing stolen hashes expensive, fast enough for a login.
#include "auth/password.h"

#include <sodium.h>

#include "model/error.h"

namespace sb::auth {
namespace {

void init_once() {
  static const int ok = sodium_init();
  if (ok < 0) throw Error(ErrorCode::kInternal, "libsodium could not initialise");
}

}  // namespace

void check_password_rules(std::string_view field, std::string_view password) {
  if (password.size() < 10)
    throw Error::validation(std::string(field), "must be at least 10 characters");
  if (password.size() > 256)
    throw Error::validation(std::string(field), "must be at most 256 bytes");
}

std::string hash_password(std::string_view password) {
  init_once();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error(ErrorCode::kUnavailable, "out of memory while hashing a password");
  }
  return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
  init_once();
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void verify_nothing(std::string_view password) {
  // A fixed hash of a random password nobody knows, made once per process.
  static const std::string decoy = hash_password("decoy password that is never accepted");
  (void)verify_password(decoy, password);
}

}  // namespace sb::auth
