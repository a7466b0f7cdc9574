// Says, at the end of the API suites, how many responses were checked against
// docs/api/openapi.json (support/http_client.cpp checks each one as it arrives).
#include <gtest/gtest.h>

#include <cstdio>

#include "support/openapi_validator.h"

namespace sb::test {
namespace {

class OpenApiCount : public ::testing::Environment {
 public:
  void TearDown() override {
    std::printf("openapi: %ld responses matched docs/api/openapi.json, %ld did not\n",
                OpenApiValidator::validated().load(), OpenApiValidator::failed().load());
  }
};

const auto* const kRegistered = ::testing::AddGlobalTestEnvironment(new OpenApiCount);

// The validator itself must be able to fail: a wrong status, an undeclared property, a
// wrong type, a missing required property and an undeclared header are each caught.
TEST(OpenApiValidatorTest, CatchesWhatTheDocumentDoesNotSay) {
  const auto& v = OpenApiValidator::project();
  const std::map<std::string, std::string> json = {{"content-type", "application/json"}};
  EXPECT_FALSE(v.check("GET", "/v1/me", 418, json, "{}").empty()) << "undeclared status";
  EXPECT_FALSE(v.check("GET", "/v1/nope", 200, json, "{}").empty()) << "no such operation";
  auto err = [](const std::string& inner) { return "{\"error\":" + inner + "}"; };
  const std::string good = R"({"code":"not_found","message":"m","details":{},"request_id":"r"})";
  EXPECT_TRUE(v.check("GET", "/v1/nope", 404, json, err(good)).empty());
  EXPECT_FALSE(v.check("GET", "/v1/nope", 404, json,
                       err(R"({"code":"not_found","message":"m","details":{},"request_id":"r",)"
                           R"("extra":1})"))
                   .empty())
      << "undeclared property";
  EXPECT_FALSE(v.check("GET", "/v1/nope", 404, json,
                       err(R"({"code":"not_found","message":7,"details":{},"request_id":"r"})"))
                   .empty())
      << "wrong type";
  EXPECT_FALSE(v.check("GET", "/v1/nope", 404, json, err(R"({"code":"not_found"})")).empty())
      << "required property missing";
  auto with_header = json;
  with_header["x-surprise"] = "1";
  EXPECT_FALSE(v.check("GET", "/v1/nope", 404, with_header, err(good)).empty())
      << "undeclared header";
  EXPECT_EQ(v.operation_of("get", "/v1/contacts/stats"), "get /v1/contacts/stats");
  EXPECT_EQ(v.operation_of("get", "/v1/contacts/12"), "get /v1/contacts/{id}");
}

}  // namespace
}  // namespace sb::test
