// Configuration: precedence, validation messages that name the variable, unknown keys.
#include "app/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "model/error.h"
#include "support/test_backend.h"

namespace sb {
namespace {

std::string config_error(const Environment& env, std::optional<std::string> file = {}) {
  try {
    load_config(env, file);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConfigInvalid);
    return e.what();
  }
  return "";
}

TEST(Config, DefaultsWhenNothingIsSet) {
  Config c = load_config({{"PATH", "/bin"}, {"HOME", "/root"}});
  EXPECT_EQ(c.http.port, 8080);
  EXPECT_EQ(c.http.host, "127.0.0.1");
  EXPECT_EQ(c.database.url, "sqlite:./data/switchboard.db");
  EXPECT_FALSE(c.bootstrap_api_key.has_value());
  EXPECT_EQ(c.log_level, "information");
}

TEST(Config, ReadsEnvironment) {
  Config c = load_config({{"SB_HTTP_PORT", "9090"},
                          {"SB_DATABASE_URL", "postgresql://u@h/db"},
                          {"SB_BOOTSTRAP_API_KEY", "sb_abcdefghijklmnopqrstuvwxyz"},
                          {"SB_LOG_LEVEL", "info"},
                          {"SB_ACCESS_LOG", "off"}});
  EXPECT_EQ(c.http.port, 9090);
  EXPECT_EQ(c.database.url, "postgresql://u@h/db");
  EXPECT_EQ(*c.bootstrap_api_key, "sb_abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(c.log_level, "information");
  EXPECT_FALSE(c.http.access_log);
}

TEST(Config, WrongValuesNameTheVariable) {
  EXPECT_NE(config_error({{"SB_HTTP_PORT", "80a"}}).find("SB_HTTP_PORT: expected an integer"),
            std::string::npos);
  EXPECT_NE(config_error({{"SB_HTTP_PORT", "70000"}}).find("SB_HTTP_PORT"), std::string::npos);
  EXPECT_NE(config_error({{"SB_DATABASE_URL", "mysql://x"}}).find("SB_DATABASE_URL: unsupported"),
            std::string::npos);
  EXPECT_NE(config_error({{"SB_BOOTSTRAP_API_KEY", "short"}}).find("SB_BOOTSTRAP_API_KEY"),
            std::string::npos);
  EXPECT_NE(config_error({{"SB_LOG_LEVEL", "loud"}}).find("SB_LOG_LEVEL"), std::string::npos);
  EXPECT_NE(config_error({{"SB_HTTP_PROT", "1"}}).find("SB_HTTP_PROT: unknown setting"),
            std::string::npos);
  EXPECT_NE(config_error({{"SB_TRUSTED_PROXIES", "10.0.0.1,proxy.local"}})
                .find("SB_TRUSTED_PROXIES: 'proxy.local' is not an IP address"),
            std::string::npos);
  for (const char* weak : {"short", "has a space in it ok", ""}) {
    EXPECT_NE(config_error({{"SB_METRICS_TOKEN", weak}})
                  .find("SB_METRICS_TOKEN: must be 16 to 200 printable characters"),
              std::string::npos)
        << weak;
  }
  EXPECT_EQ(load_config({{"SB_METRICS_TOKEN", "scrape-0123456789abcdef"}}).http.metrics_token,
            "scrape-0123456789abcdef");
  EXPECT_TRUE(load_config({}).http.metrics_token.empty());
}

TEST(Config, TrustedProxiesAreAddresses) {
  Config c = load_config({{"SB_TRUSTED_PROXIES", "10.0.0.1,::1"}});
  EXPECT_EQ(c.http.trusted_proxies, (std::vector<std::string>{"10.0.0.1", "::1"}));
  EXPECT_TRUE(load_config({}).http.trusted_proxies.empty());
}

TEST(Config, FileIsOverriddenByEnvironmentAndChecked) {
  test::TempDir dir;
  std::string path = dir.path() + "/sb.conf";
  {
    std::ofstream f(path);
    f << "# comment\nhttp_port = 7000\nlog_level=debug\n";
  }
  Config c = load_config({{"SB_HTTP_PORT", "7001"}}, path);
  EXPECT_EQ(c.http.port, 7001);
  EXPECT_EQ(c.log_level, "debug");
  c = load_config({{"SB_CONFIG", path}});
  EXPECT_EQ(c.http.port, 7000);
  {
    std::ofstream f(path);
    f << "http_port = 7000\nhttp_prot = 1\n";
  }
  EXPECT_NE(config_error({}, path).find(path + ":2: unknown setting 'http_prot'"),
            std::string::npos);
  {
    std::ofstream f(path);
    f << "db_pool_size = 0\n";
  }
  EXPECT_NE(config_error({}, path).find(":1 (db_pool_size): expected an integer from 1"),
            std::string::npos);
  EXPECT_NE(config_error({}, dir.path() + "/missing.conf").find("cannot read"), std::string::npos);
}

}  // namespace
}  // namespace sb
