// Route matching: parameters, 404 versus 405, strict paths.
#include "http/router.h"

#include <gtest/gtest.h>

namespace sb {
namespace {

Router make_router() {
  Router r;
  auto h = [](Request&) { return Response{}; };
  r.add({"GET", "/v1/api-keys", Role::kAdmin, h});
  r.add({"POST", "/v1/api-keys", Role::kAdmin, h, true});
  r.add({"GET", "/v1/api-keys/{id}", Role::kAdmin, h});
  r.add({"DELETE", "/v1/api-keys/{id}", Role::kAdmin, h});
  return r;
}

TEST(Router, MatchesMethodAndCapturesParameters) {
  Router r = make_router();
  auto m = r.match("DELETE", "/v1/api-keys/42");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, "DELETE");
  EXPECT_EQ(m.params.at("id"), "42");
  EXPECT_EQ(m.index, 3u);
}

TEST(Router, UnknownPathIsNotFoundAndWrongMethodListsAllowed) {
  Router r = make_router();
  auto m = r.match("GET", "/v1/nothing");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed.empty());
  m = r.match("PATCH", "/v1/api-keys");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "POST"}));
}

TEST(Router, PathsAreStrict) {
  Router r = make_router();
  EXPECT_EQ(r.match("GET", "/v1/api-keys/").route, nullptr);
  EXPECT_EQ(r.match("GET", "//v1/api-keys").route, nullptr);
  EXPECT_EQ(r.match("GET", "/v1/api-keys/1/2").route, nullptr);
  EXPECT_EQ(r.match("GET", "v1/api-keys").route, nullptr);
}

TEST(Router, RefusesDuplicateRoutes) {
  Router r = make_router();
  EXPECT_THROW(r.add({"GET", "/v1/api-keys", std::nullopt, [](Request&) { return Response{}; }}),
               std::logic_error);
}

}  // namespace
}  // namespace sb
