// The SSRF guard refuses every non-public address family member, in every spelling, and
// lets an allowed range through.
#include <gtest/gtest.h>

#include "channels/address_guard.h"

namespace sb::channels {
namespace {

Poco::Net::IPAddress ip(const std::string& text) {
  return Poco::Net::IPAddress(text);
}

TEST(AddressGuardTest, RefusesWhatIsNotPublic) {
  AddressGuard guard;
  for (const char* a : {"127.0.0.1",
                        "127.8.9.10",
                        "10.0.0.1",
                        "10.255.255.255",
                        "172.16.0.1",
                        "192.168.1.1",
                        "169.254.169.254",
                        "100.64.0.1",
                        "0.0.0.0",
                        "224.0.0.1",
                        "255.255.255.255",
                        "::1",
                        "::",
                        "fe80::1",
                        "fd00::1",
                        "fc00::1",
                        "fd00:ec2::254",
                        "ff02::1",
                        "::ffff:127.0.0.1",
                        "::ffff:10.0.0.1",
                        "::ffff:169.254.169.254",
                        "64:ff9b::a00:1",
                        "::127.0.0.1"}) {
    EXPECT_FALSE(guard.refusal(ip(a)).empty()) << a;
  }
  for (const char* a : {"93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"}) {
    EXPECT_EQ(guard.refusal(ip(a)), "") << a;
  }
  EXPECT_EQ(guard.refusal(ip("169.254.169.254")), "link-local (cloud metadata)");
}

TEST(AddressGuardTest, AllowedRangesPassIncludingTheirMappedForms) {
  AddressGuard guard({parse_address_range("127.0.0.1"), parse_address_range("10.1.0.0/16")});
  EXPECT_EQ(guard.refusal(ip("127.0.0.1")), "");
  EXPECT_EQ(guard.refusal(ip("::ffff:127.0.0.1")), "");
  EXPECT_EQ(guard.refusal(ip("10.1.2.3")), "");
  EXPECT_FALSE(guard.refusal(ip("127.0.0.2")).empty());
  EXPECT_FALSE(guard.refusal(ip("10.2.0.1")).empty());
  EXPECT_FALSE(guard.refusal(ip("::1")).empty());
  EXPECT_THROW(parse_address_range("10.0.0.0/33"), std::invalid_argument);
  EXPECT_THROW(parse_address_range("example.com"), std::invalid_argument);
}

}  // namespace
}  // namespace sb::channels
