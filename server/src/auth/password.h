// Password hashing with argon2id (libsodium's crypto_pwhash_str): a salted, memory-hard
// hash in one self-describing string, so the cost can rise later without a migration.
#pragma once

#include <string>
#include <string_view>

namespace sb::auth {

// 422 naming `field` unless the password is 10 to 256 bytes.
void check_password_rules(std::string_view field, std::string_view password);
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);
// Spends the time of one verification on nothing, so an unknown account answers as slowly
// as a wrong password.
void verify_nothing(std::string_view password);

}  // namespace sb::auth
