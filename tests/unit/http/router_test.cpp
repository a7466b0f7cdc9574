// Route matching: parameters, 404 versus 405, strict paths.
#include "http/router.h"

#include <gtest/gtest.h>

namespace sb {
namespace {

Router make_router() {
  Router r;
  auto h = [](Request&) { return Response{}; };
  r.add(Route::get("/v1/api-keys", Role::kAdmin, h));
  r.add(Route::post("/v1/api-keys", Role::kAdmin, h).json_body());
  r.add(Route::get("/v1/api-keys/{id}", Role::kAdmin, h));
  r.add(Route::del("/v1/api-keys/{id}", Role::kAdmin, h));
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
  EXPECT_THROW(
      r.add(Route::get("/v1/api-keys", Access::kPublic, [](Request&) { return Response{}; })),
      std::logic_error);
}

TEST(Router, RoutesSayWhoAndWhatBodyByName) {
  auto h = [](Request&) { return Response{}; };
  Route upload = Route::post("/v1/files", Role::kAgent, h).multipart_body().body_limit(1024);
  EXPECT_EQ(upload.access, Access::kRole);
  EXPECT_EQ(upload.role, Role::kAgent);
  EXPECT_EQ(upload.body, Body::kMultipart);
  EXPECT_EQ(upload.max_body_bytes, 1024u);
  Route login = Route::post("/v1/auth/login", Access::kSignIn, h).json_body().answers_secret();
  EXPECT_EQ(login.access, Access::kSignIn);
  EXPECT_TRUE(login.secret_response);
  // A table mistake is refused where the table is built, not found on a request.
  EXPECT_THROW(Route::post("/x", Role::kAdmin, h).json_body().multipart_body(), std::logic_error);
  EXPECT_THROW(Route::get("/x", Access::kRole, h), std::logic_error);
}

}  // namespace
}  // namespace sb
