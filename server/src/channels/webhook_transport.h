// Outgoing webhook POSTs: the host is resolved once, every address is judged by the SSRF
// guard, and the connection goes to the address that was checked (no second lookup a DNS
// rebinding could answer differently). No redirect is followed; the answer is read up to a
// cap; the whole exchange has a timeout. Connections are kept alive and reused per checked
// address (never across a new lookup's answer).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "channels/address_guard.h"
#include "channels/keep_alive_pool.h"

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
      : guard_(std::move(guard)),
        timeout_(timeout),
        cap_(answer_cap),
        pool_(std::make_shared<KeepAlivePool>()) {}

  WebhookResponse post(const std::string& url, const std::string& body,
                       const std::vector<std::pair<std::string, std::string>>& headers) const;

 private:
  AddressGuard guard_;
  std::chrono::milliseconds timeout_;
  std::size_t cap_;
  std::shared_ptr<KeepAlivePool> pool_;  // shared by copies of this transport
};

}  // namespace sb::channels
