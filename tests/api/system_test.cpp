// /health, /metrics, /v1/openapi.json and the database outage seen over HTTP.
#include <Poco/JSON/Parser.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "api_fixture.h"
#include "http/record_openapi.h"
#include "http/router.h"
#include "http/routes.h"
#include "support/pg_cluster.h"

namespace sb::test {
namespace {

class SystemTest : public ApiTest {};

TEST_P(SystemTest, HealthReportsTheDatabase) {
  auto r = anonymous().get("/health");
  ASSERT_EQ(r.status, 200);
  auto db = r.json()->getObject("database");
  EXPECT_EQ(db->getValue<std::string>("status"), "up");
  EXPECT_EQ(db->getValue<std::string>("backend"),
            GetParam() == TestBackend::kPg ? "postgresql" : "sqlite");
}

TEST_P(SystemTest, MetricsCountRequestsByRouteAndStatus) {
  client().get("/v1/me");
  client().get("/v1/me");
  anonymous().get("/v1/me");
  anonymous().get("/nowhere");
  auto r = anonymous().get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"].rfind("text/plain", 0), 0u);
  EXPECT_NE(r.body.find("sb_http_requests_total{method=\"GET\",route=\"/v1/me\",status=\"200\"} 2"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("sb_http_requests_total{method=\"GET\",route=\"/v1/me\",status=\"401\"} 1"),
            std::string::npos);
  EXPECT_NE(r.body.find("route=\"(unmatched)\",status=\"404\"} 1"), std::string::npos);
  EXPECT_NE(
      r.body.find("sb_http_request_duration_seconds_count{method=\"GET\",route=\"/v1/me\"} 3"),
      std::string::npos);
  EXPECT_NE(r.body.find("le=\"+Inf\""), std::string::npos);
  EXPECT_NE(r.body.find("sb_db_pool_size 4"), std::string::npos);
}

TEST_P(SystemTest, MetricsShowPreparedStatementsReused) {
  auto counter = [](const std::string& body, const std::string& name) {
    auto at = body.find("\n" + name + " ");
    return at == std::string::npos ? -1LL : std::stoll(body.substr(at + name.size() + 2));
  };
  const std::string before = anonymous().get("/metrics").body;
  auto created = client().post("/v1/contacts", R"({"name":"Reused"})");
  ASSERT_EQ(created.status, 201);
  const std::string path =
      "/v1/contacts/" + std::to_string(created.json()->getValue<long long>("id"));
  for (int i = 0; i < 8; ++i) ASSERT_EQ(client().get(path).status, 200);
  const std::string after = anonymous().get("/metrics").body;
  ASSERT_GE(counter(before, "sb_db_statement_cache_hits_total"), 0) << before;
  ASSERT_GE(counter(before, "sb_db_statements_prepared_total"), 0) << before;
  // Eight reads of one contact by id over a pool of four: the SELECT is prepared at most
  // once per connection, so at least four of them reuse it.
  EXPECT_GE(counter(after, "sb_db_statement_cache_hits_total") -
                counter(before, "sb_db_statement_cache_hits_total"),
            4);
}

class MetricsTokenTest : public ApiTest {
 protected:
  static constexpr const char* kToken = "scrape-0123456789abcdef";
  void adjust(Config& c) override { c.http.metrics_token = kToken; }
  HttpResult scrape(const std::string& authorization) {
    return anonymous().send("GET", "/metrics", {}, {{"Authorization", authorization}});
  }
};

TEST_P(MetricsTokenTest, MetricsAnswerOnlyTheScraperWithTheToken) {
  auto none = anonymous().get("/metrics");
  EXPECT_EQ(none.status, 401);
  EXPECT_NE(none.body.find("SB_METRICS_TOKEN"), std::string::npos) << none.body;
  EXPECT_EQ(client().get("/metrics").status, 401) << "an API key is not the metrics token";
  for (const std::string& wrong :
       {std::string("Bearer scrape-0123456789abcdeF"), std::string("Bearer ") + kToken + "0",
        std::string("Bearer scrape"), std::string(kToken), std::string("Basic ") + kToken}) {
    auto r = scrape(wrong);
    EXPECT_EQ(r.status, 401) << wrong;
    EXPECT_EQ(r.body.find("sb_http_requests_total"), std::string::npos) << wrong;
  }
  auto ok = scrape(std::string("Bearer ") + kToken);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(
      ok.body.find("sb_http_requests_total{method=\"GET\",route=\"/metrics\",status=\"401\"}"),
      std::string::npos)
      << ok.body;
  EXPECT_EQ(anonymous().get("/health").status, 200) << "health stays open for load balancers";
}

SB_INSTANTIATE_BACKENDS(MetricsTokenTest);

// Every route the server has is in the OpenAPI document, and the document lists no route
// the server lacks.
TEST_P(SystemTest, OpenApiDocumentsExactlyTheRoutes) {
  auto r = anonymous().get("/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  auto doc = r.json();
  EXPECT_EQ(doc->getValue<std::string>("openapi").substr(0, 2), "3.");
  std::set<std::string> documented;
  auto paths = doc->getObject("paths");
  for (const auto& [path, item] : *paths) {
    auto ops = paths->getObject(path);
    for (const auto& [method, op] : *ops) {
      if (method == "parameters") continue;
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(c));
      documented.insert(upper + " " + path);
    }
  }
  ApiServices services(server_->database());
  Router router = build_routes(services);
  std::set<std::string> served;
  for (const Route& route : router.routes()) served.insert(route.method + " " + route.pattern);
  EXPECT_EQ(documented, served);
}

// The entity routes' part of the document is generated from their schemas; the checked-in
// document must match it. SB_UPDATE_OPENAPI=1 rewrites docs/api/openapi.json.
TEST_P(SystemTest, OpenApiMatchesTheEntitySchemas) {
  auto r = anonymous().get("/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  ApiServices services(server_->database());
  Router router = build_routes(services);  // registers the record routes
  Poco::JSON::Parser parser;
  auto doc = parser.parse(r.body).extract<Poco::JSON::Object::Ptr>();
  auto expected = parser.parse(r.body).extract<Poco::JSON::Object::Ptr>();
  generate_openapi_parts(*expected);
  // Compare canonical texts: parsed objects list their keys sorted.
  std::ostringstream have, generated, want;
  doc->stringify(have);
  expected->stringify(generated);
  parser.reset();
  parser.parse(generated.str()).extract<Poco::JSON::Object::Ptr>()->stringify(want);
  if (std::getenv("SB_UPDATE_OPENAPI") && have.str() != want.str()) {
    std::ofstream out(std::string(SB_SOURCE_DIR) + "/docs/api/openapi.json");
    expected->stringify(out, 1);
    out << "\n";
  }
  EXPECT_EQ(have.str(), want.str())
      << "docs/api/openapi.json is out of date with the entity schemas: run ./dev openapi";
}

// An object schema that names neither its properties nor additionalProperties becomes an
// object nothing can be read from in generated clients (`Record<string, never>`): each must
// say which it is.
void find_shapeless_objects(const Poco::Dynamic::Var& node, const std::string& at,
                            std::vector<std::string>& found) {
  if (node.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto o = node.extract<Poco::JSON::Object::Ptr>();
    if (o->optValue<std::string>("type", "") == "object" && !o->has("properties") &&
        !o->has("additionalProperties") && !o->has("allOf") && !o->has("oneOf")) {
      found.push_back(at);
    }
    for (const auto& [key, value] : *o) find_shapeless_objects(value, at + "/" + key, found);
  } else if (node.type() == typeid(Poco::JSON::Array::Ptr)) {
    auto a = node.extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < a->size(); ++i)
      find_shapeless_objects(a->get(static_cast<unsigned>(i)), at + "/" + std::to_string(i), found);
  }
}

TEST_P(SystemTest, OpenApiObjectsSayWhatTheyHold) {
  auto r = anonymous().get("/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  Poco::JSON::Parser parser;
  std::vector<std::string> found;
  find_shapeless_objects(parser.parse(r.body), "", found);
  std::string list;
  for (const auto& f : found) list += "\n  " + f;
  EXPECT_TRUE(found.empty()) << "object schemas without properties or additionalProperties:"
                             << list;
}

SB_INSTANTIATE_BACKENDS(SystemTest);

TEST(HealthOutage, Is503WhilePostgresIsDownAndRecovers) {
  PgCluster cluster;
  cluster.start();
  pg_exec(cluster.url("postgres"), "CREATE DATABASE health");
  Config config;
  config.database.url = cluster.url("health");
  config.database.pool_size = 2;
  config.http.port = 0;
  config.http.access_log = false;
  config.bootstrap_api_key = kOwnerKey;
  ServerRuntime server(config);
  server.start();
  HttpClient c(server.port());
  c.set_key(kOwnerKey);
  ASSERT_EQ(c.get("/health").status, 200);
  cluster.stop_server();
  auto down = c.get("/health");
  EXPECT_EQ(down.status, 503);
  EXPECT_EQ(down.json()->getObject("database")->getValue<std::string>("status"), "down");
  auto me = c.get("/v1/me");
  EXPECT_EQ(me.status, 503);
  EXPECT_EQ(me.error_code(), "unavailable");
  EXPECT_EQ(me.body.find("127.0.0.1"), std::string::npos) << "no connection details to clients";
  cluster.start_server();
  EXPECT_EQ(c.get("/health").status, 200);
  EXPECT_EQ(c.get("/v1/me").status, 200);
}

}  // namespace
}  // namespace sb::test
