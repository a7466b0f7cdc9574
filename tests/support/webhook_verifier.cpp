// Standard Webhooks verification for tests.
#include "support/webhook_verifier.h"
#include "support/process.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <iterator>
#include <sstream>

namespace sb::test {

bool verifies_standard_webhook(const std::string& secret, const StubRequest& r) {
  std::istringstream in(secret.substr(6));
  Poco::Base64Decoder dec(in);
  std::string key((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
  std::string content =
      r.headers.at("webhook-id") + "." + r.headers.at("webhook-timestamp") + "." + r.body;
  unsigned char digest_bytes[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest_bytes,
       &digest_size);
  std::string digest(reinterpret_cast<const char*>(digest_bytes), digest_size);
  std::ostringstream b64;
  {
    Poco::Base64Encoder enc(b64);
    enc.rdbuf()->setLineLength(0);
    enc.write(reinterpret_cast<const char*>(digest.data()),
              static_cast<std::streamsize>(digest.size()));
  }
  std::istringstream sigs(r.headers.at("webhook-signature"));
  std::string sig;
  while (sigs >> sig) {
    if (sig == "v1," + b64.str()) return true;
  }
  return false;
}

bool verifies_with_python(const std::string& secret, const StubRequest& r) {
  RunResult run = run_program(
      "/usr/bin/python3", {std::string(SB_SOURCE_DIR) + "/tests/support/verify_standard_webhook.py",
                           secret, r.headers.at("webhook-id"), r.headers.at("webhook-timestamp"),
                           r.headers.at("webhook-signature"), r.body});
  return run.exit_code == 0;
}

}  // namespace sb::test
