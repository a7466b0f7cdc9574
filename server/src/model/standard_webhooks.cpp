// Standard Webhooks secrets and signatures.
#include "model/standard_webhooks.h"

#include <Poco/Base64Decoder.h>

#include <sys/random.h>
#include <sstream>

#include "model/error.h"
#include "model/hash.h"

namespace sb {

std::string new_webhook_secret() {
  std::string key(24, '\0');
  std::size_t done = 0;
  while (done < key.size()) {
    ssize_t n = getrandom(key.data() + done, key.size() - done, 0);
    if (n <= 0) throw Error(ErrorCode::kInternal, "cannot read random bytes");
    done += static_cast<std::size_t>(n);
  }
  return "whsec_" + base64(key);
}

std::string webhook_signature(std::string_view secret, std::string_view id, std::int64_t timestamp,
                              std::string_view body) {
  if (secret.rfind("whsec_", 0) == 0) secret.remove_prefix(6);
  std::istringstream in{std::string(secret)};
  Poco::Base64Decoder decoder(in);
  std::string key((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
  if (key.empty()) throw Error(ErrorCode::kInternal, "the webhook secret is not base64");
  std::string signed_content =
      std::string(id) + "." + std::to_string(timestamp) + "." + std::string(body);
  return "v1," + base64(hmac_sha256(key, signed_content));
}

}  // namespace sb
