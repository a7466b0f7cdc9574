// Address classification for the SSRF guard.
#include "channels/address_guard.h"

#include <Poco/Net/DNS.h>
#include <Poco/Net/HostEntry.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace sb::channels {

std::vector<Poco::Net::IPAddress> resolve_host(const std::string& host) {
  Poco::Net::IPAddress literal;
  if (Poco::Net::IPAddress::tryParse(host, literal)) return {literal};
  return Poco::Net::DNS::hostByName(host).addresses();
}
namespace {

std::array<std::uint8_t, 16> bytes_of(const Poco::Net::IPAddress& a) {
  std::array<std::uint8_t, 16> out{};
  std::memcpy(out.data(), a.addr(), a.length());
  return out;
}

bool prefix_matches(const std::uint8_t* a, const std::uint8_t* net, unsigned bits) {
  for (unsigned i = 0; i < bits / 8; ++i) {
    if (a[i] != net[i]) return false;
  }
  unsigned rest = bits % 8;
  if (rest == 0) return true;
  std::uint8_t mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (a[bits / 8] & mask) == (net[bits / 8] & mask);
}

// Why an IPv4 address (4 bytes) is not public, or nullptr.
const char* ipv4_refusal(const std::uint8_t* b) {
  struct Block {
    std::uint8_t net[4];
    unsigned bits;
    const char* why;
  };
  static constexpr Block kBlocks[] = {
      {{0, 0, 0, 0}, 8, "unspecified"},
      {{10, 0, 0, 0}, 8, "private"},
      {{100, 64, 0, 0}, 10, "shared (CGNAT)"},
      {{127, 0, 0, 0}, 8, "loopback"},
      {{169, 254, 0, 0}, 16, "link-local (cloud metadata)"},
      {{172, 16, 0, 0}, 12, "private"},
      {{192, 0, 0, 0}, 24, "reserved"},
      {{192, 168, 0, 0}, 16, "private"},
      {{198, 18, 0, 0}, 15, "benchmarking"},
      {{224, 0, 0, 0}, 4, "multicast"},
      {{240, 0, 0, 0}, 4, "reserved"},
  };
  for (const Block& block : kBlocks) {
    if (prefix_matches(b, block.net, block.bits)) return block.why;
  }
  return nullptr;
}

}  // namespace

bool AddressRange::contains(const Poco::Net::IPAddress& a) const {
  if (a.family() != network.family()) return false;
  auto x = bytes_of(a), n = bytes_of(network);
  return prefix_matches(x.data(), n.data(), prefix);
}

AddressRange parse_address_range(std::string_view text) {
  std::string s(text);
  std::size_t slash = s.find('/');
  Poco::Net::IPAddress a;
  if (!Poco::Net::IPAddress::tryParse(s.substr(0, slash), a)) {
    throw std::invalid_argument("'" + s + "' is not an address or range like 10.0.0.0/8");
  }
  unsigned max = a.family() == Poco::Net::IPAddress::IPv4 ? 32 : 128;
  unsigned prefix = max;
  if (slash != std::string::npos) {
    try {
      std::size_t used = 0;
      int n = std::stoi(s.substr(slash + 1), &used);
      if (used != s.size() - slash - 1 || n < 0 || static_cast<unsigned>(n) > max) throw 0;
      prefix = static_cast<unsigned>(n);
    } catch (...) {
      throw std::invalid_argument("'" + s + "': the prefix length must be 0 to " +
                                  std::to_string(max));
    }
  }
  return {a, prefix};
}

std::string AddressGuard::refusal(const Poco::Net::IPAddress& a) const {
  for (const AddressRange& r : allowed_) {
    if (r.contains(a)) return "";
  }
  auto b = bytes_of(a);
  if (a.family() == Poco::Net::IPAddress::IPv4) {
    const char* why = ipv4_refusal(b.data());
    return why ? why : "";
  }
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  static constexpr std::uint8_t kNat64[12] = {0, 0x64, 0xFF, 0x9B};
  if (std::memcmp(b.data(), kMapped, 12) == 0 || std::memcmp(b.data(), kNat64, 12) == 0) {
    // The IPv4 address inside decides, and an allowed IPv4 range applies to it too.
    Poco::Net::IPAddress inner(b.data() + 12, 4);
    return refusal(inner);
  }
  static constexpr std::uint8_t kZero[16] = {};
  if (std::memcmp(b.data(), kZero, 15) == 0 && (b[15] == 0 || b[15] == 1)) {
    return b[15] == 1 ? "loopback" : "unspecified";
  }
  if ((b[0] & 0xFE) == 0xFC) return "private (unique local)";
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "link-local";
  if (b[0] == 0xFF) return "multicast";
  static constexpr std::uint8_t kCompat[12] = {};
  if (std::memcmp(b.data(), kCompat, 12) == 0) return "reserved (IPv4-compatible)";
  return "";
}

}  // namespace sb::channels
