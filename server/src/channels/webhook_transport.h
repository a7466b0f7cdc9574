// Outgoing webhook POSTs: the host is resolved once, every address is judged by the SSRF
// guard, and the connection goes to the address that was checked (no second lookup a DNS
// rebinding could answer differently). No redirect is followed; the answer is read up to a
// cap; the whole exchange has a timeout.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "channels/address_guard.h"

namespace sb::channels {

struct WebhookResponse {
  int status = 0;        // 0: no HTTP answer (refused, unreachable, timed out): see error
  std::string body;      // at most the cap
  std::string error;     // why there is no answer
  bool refused = false;  // the guard refused every address: retrying cannot help
};

class WebhookTransport {
 public:
  explicit WebhookTransport(AddressGuard guard,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10),
                            std::size_t answer_cap = 1024)
      : guard_(std::move(guard)), timeout_(timeout), cap_(answer_cap) {}

  WebhookResponse post(const std::string& url, const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers) const;

 private:
  AddressGuard guard_;
  std::chrono::milliseconds timeout_;
  std::size_t cap_;
};

}  // namespace sb::channels
