// The SSRF guard of outgoing HTTP (webhooks): which resolved addresses the server may
// connect to. Loopback, private, link-local (cloud metadata), CGNAT, multicast, reserved
// and unspecified addresses are refused, IPv4 and IPv6 alike (mapped and NAT64 forms are
// judged by the IPv4 address inside), unless an allowed range (SB_WEBHOOK_ALLOW_PRIVATE)
// contains them.
#pragma once

#include <Poco/Net/IPAddress.h>

#include <string>
#include <string_view>
#include <vector>

namespace sb::channels {

struct AddressRange {
  Poco::Net::IPAddress network;
  unsigned prefix = 0;
  bool contains(const Poco::Net::IPAddress& a) const;
};

// "10.0.0.0/8", "::1/128", "127.0.0.1" (a single address); throws std::invalid_argument.
AddressRange parse_address_range(std::string_view text);

// The addresses of `host`: itself when it is an IP literal, else its DNS answer. Throws
// Poco::Exception when the name does not resolve.
std::vector<Poco::Net::IPAddress> resolve_host(const std::string& host);

class AddressGuard {
 public:
  explicit AddressGuard(std::vector<AddressRange> allowed = {}) : allowed_(std::move(allowed)) {}
  // Empty when `a` may be connected to; otherwise why not ("loopback", "private", ...).
  std::string refusal(const Poco::Net::IPAddress& a) const;

 private:
  std::vector<AddressRange> allowed_;
};

}  // namespace sb::channels
