// Base fixture of API tests: the real server (ServerRuntime, the same start-up path as
// `switchboard serve`) on a free loopback port over a fresh database of the parameter's
// backend, with a bootstrap owner key.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include <soci/soci.h>

#include <string>
#include <vector>

#include "app/server_runtime.h"
#include "model/event_catalog.h"
#include "model/timeline_catalog.h"
#include "store/event_queue_store.h"
#include "support/http_client.h"
#include "support/test_backend.h"

namespace sb::test {

inline const std::string kOwnerKey = "sb_test_owner_key_000000000000000000000";

class ApiTest : public ::testing::TestWithParam<TestBackend> {
 protected:
  void SetUp() override {
    config_.database =
        fresh_database(GetParam(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    config_.http.port = 0;
    config_.http.threads = 8;
    config_.http.access_log = false;
    config_.bootstrap_api_key = kOwnerKey;
    config_.http.data_dir = data_dir_.path();
    // No plugins unless a test asks: the default "./plugins" depends on the working
    // directory (from the build directory it holds the first-party plugins).
    config_.plugins_dir = "";
    adjust(config_);
    server_ = std::make_unique<ServerRuntime>(config_);
    server_->start();
  }
  void TearDown() override {
    // Whatever a test made the server emit must be in the event catalogue, which
    // `workflow check` lints handlers against: every API test checks it.
    if (server_) {
      std::vector<std::string> types(200);
      server_->database().read(
          [&](soci::session& s) { s << "SELECT DISTINCT type FROM events", soci::into(types); });
      for (const std::string& type : types) {
        if (type.rfind("cron.", 0) == 0) continue;
        bool from_plugin = false;  // "<plugin>.<name>": plugins' own events (host->schedule)
        for (const auto& p : server_->plugins().current()->loaded) {
          from_plugin = from_plugin || type.rfind(p->name + ".", 0) == 0;
        }
        if (from_plugin) continue;
        EXPECT_TRUE(is_known_event_type(type)) << type << " is missing from model/event_catalog";
      }
      // And every timeline entry in the timeline catalogue the document's enum comes from.
      std::vector<std::string> kinds(500);
      server_->database().read([&](soci::session& s) {
        s << "SELECT DISTINCT kind FROM timeline_entries", soci::into(kinds);
      });
      for (const std::string& kind : kinds) {
        EXPECT_TRUE(is_known_timeline_kind(kind))
            << kind << " is missing from model/timeline_catalog";
      }
    }
    server_.reset();
  }
  virtual void adjust(Config&) {}

  HttpClient client(const std::string& key = kOwnerKey) const {
    HttpClient c(server_->port());
    c.set_key(key);
    return c;
  }
  HttpClient anonymous() const { return HttpClient(server_->port()); }

  // Issues a key of `role` through the API and returns its secret.
  std::string key_with_role(const std::string& role, const std::string& as = kOwnerKey) {
    auto r =
        client(as).post("/v1/api-keys", "{\"name\":\"" + role + "\",\"role\":\"" + role + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()->getValue<std::string>("key");
  }

  TempDir data_dir_;
  // Creates a team member through the API; returns its id.
  long long user(const std::string& name, const std::string& as = kOwnerKey) {
    auto r = client(as).post("/v1/users", "{\"name\":\"" + name + "\",\"email\":\"" + name +
                                              "@team.io\",\"role\":\"agent\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()->getValue<long long>("id");
  }

  // A person of the key's team with `role`, invited and signed in through the API: a
  // client that speaks with their session cookie and CSRF token, and no key.
  HttpClient person(const std::string& name, const std::string& role = "agent",
                    const std::string& as = kOwnerKey) {
    auto u = client(as).post("/v1/users", "{\"name\":\"" + name + "\",\"email\":\"" + name +
                                              "@people.io\",\"role\":\"" + role + "\"}");
    EXPECT_EQ(u.status, 201) << u.body;
    auto invite = client(as).post(
        "/v1/users/" + std::to_string(u.json()->getValue<long long>("id")) + "/invite", "");
    EXPECT_EQ(invite.status, 200) << invite.body;
    std::string url = invite.json()->optValue<std::string>("invite_url", "");
    std::string token = url.substr(url.find("#token=") + 7);
    auto accepted =
        anonymous().post("/v1/auth/invite/accept",
                         "{\"token\":\"" + token + "\",\"password\":\"" + kPassword + "\"}");
    EXPECT_EQ(accepted.status, 200) << accepted.body;
    HttpClient c(server_->port());
    c.set_session(session_token(accepted), accepted.json()->getValue<std::string>("csrf_token"));
    return c;
  }
  static constexpr const char* kPassword = "a long enough password";
  // The sb_session value of a response's Set-Cookie ("" when none).
  static std::string session_token(const HttpResult& r) {
    auto it = r.headers.find("set-cookie");
    if (it == r.headers.end() || it->second.rfind("sb_session=", 0) != 0) return "";
    return it->second.substr(11, it->second.find(';') - 11);
  }

  // Event types of the team, oldest first (the newest 1000).
  std::vector<std::string> event_types(long long team = 1) {
    EventQueueStore events(server_->database().dialect());
    auto list = server_->database().read(
        [&](soci::session& s) { return events.list(s, team, {}, 0, 1000); });
    std::vector<std::string> out;
    for (auto it = list.rbegin(); it != list.rend(); ++it) out.push_back(it->type);
    return out;
  }

  Config config_;
  std::unique_ptr<ServerRuntime> server_;
};

}  // namespace sb::test
