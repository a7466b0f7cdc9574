// The error catalogue: statuses and names are part of the API.
#include "model/error.h"

#include <gtest/gtest.h>

#include <set>

#include "model/clock.h"
#include "model/role.h"

namespace sb {
namespace {

TEST(ErrorCatalogue, StatusesAndUniqueNames) {
  EXPECT_EQ(http_status(ErrorCode::kInvalidJson), 400);
  EXPECT_EQ(http_status(ErrorCode::kPayloadTooLarge), 413);
  EXPECT_EQ(http_status(ErrorCode::kValidationFailed), 422);
  EXPECT_EQ(http_status(ErrorCode::kUnavailable), 503);
  std::set<std::string_view> names;
  for (int c = 0; c <= static_cast<int>(ErrorCode::kInvalidFilter); ++c) {
    EXPECT_TRUE(names.insert(error_code_name(static_cast<ErrorCode>(c))).second);
  }
}

TEST(Error, RetryAfterAndAllowAreTypedAndStayInTheDetails) {
  Error limited = Error(ErrorCode::kRateLimited, "slow down").with_retry_after(7);
  ASSERT_TRUE(limited.retry_after_s().has_value());
  EXPECT_EQ(*limited.retry_after_s(), 7);
  ASSERT_EQ(limited.details().size(), 1u);
  EXPECT_EQ(limited.details()[0].key, "retry_after_s");
  Error plain(ErrorCode::kRateLimited, "no hint");
  EXPECT_FALSE(plain.retry_after_s().has_value());
  EXPECT_TRUE(plain.allow().empty());
  Error wrong = Error(ErrorCode::kMethodNotAllowed, "no").with_allow("GET, HEAD");
  EXPECT_EQ(wrong.allow(), "GET, HEAD");
  EXPECT_EQ(std::get<std::string>(wrong.details()[0].value), "GET, HEAD");
}

TEST(Roles, OrderAndNames) {
  EXPECT_TRUE(role_at_least(Role::kOwner, Role::kAdmin));
  EXPECT_FALSE(role_at_least(Role::kAgent, Role::kAdmin));
  EXPECT_EQ(parse_role("viewer"), Role::kViewer);
  EXPECT_FALSE(parse_role("Owner").has_value());
}

TEST(Clock, FormatsIso8601InUtc) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(1795269683456), "2026-11-21T14:01:23.456Z");
}

}  // namespace
}  // namespace sb
