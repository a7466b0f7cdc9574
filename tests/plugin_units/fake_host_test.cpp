// The SDK's fake host itself, with plugins written inline: the load checks it makes the
// way the server does, once keys per team, scheduled event names.
#include <gtest/gtest.h>
#include <switchboard/sdk_fake.h>

#include "plugin_path.h"

namespace {

using switchboard::Json;
using switchboard::fake::Host;

TEST(FakeHost, RefusesWhatTheServerRefusesAtLoad) {
  Host host;
  EXPECT_EQ(host.load([](const sb_host_api*, sb_plugin* self) {
    self->api_major = SB_PLUGIN_API_MAJOR + 1;
    return 0;
  }),
            "built for plugin API " + std::to_string(SB_PLUGIN_API_MAJOR + 1) + ".0");
  EXPECT_EQ(host.load([](const sb_host_api*, sb_plugin* self) {
    self->api_major = SB_PLUGIN_API_MAJOR;
    return 0;
  }),
            "sb_plugin_init did not set a name");
  EXPECT_EQ(host.load([](const sb_host_api* api, sb_plugin* self) {
    self->api_major = SB_PLUGIN_API_MAJOR;
    self->name = "twice";
    sb_action_fn fn = [](sb_call*, const char*, size_t, void*) { return SB_OK; };
    sb_action_def def{sizeof(sb_action_def), "go", "", 0, fn, nullptr};
    api->register_action(self, &def);
    api->register_action(self, &def);
    return 0;
  }),
            "duplicate action go");
  EXPECT_TRUE(host.registered().empty());  // all or nothing
  EXPECT_EQ(host.load_library(plugin_path("no_such_plugin")).rfind("cannot load: ", 0), 0u);
}

TEST(FakeHost, KeepsOnceKeysPerTeamAndPrefixesScheduledEvents) {
  Host host;
  ASSERT_EQ(host.load([](const sb_host_api* api, sb_plugin* self) {
    self->api_major = SB_PLUGIN_API_MAJOR;
    self->api_minor = SB_PLUGIN_API_MINOR;
    self->name = "memo";
    static const sb_host_api* h = api;
    sb_action_fn fn = [](sb_call* call, const char* in, size_t, void*) {
      const int first = h->once(call, in);
      h->schedule(call, "later", "{\"n\":1}", 500);
      const std::string out = first == 1 ? "true" : "false";
      h->set_result(call, out.data(), out.size());
      return SB_OK;
    };
    sb_action_def def{sizeof(sb_action_def), "remember", "", 0, fn, nullptr};
    return api->register_action(self, &def);
  }),
            "");
  EXPECT_TRUE(host.action("memo.remember", Json("k"), 1).result.as_bool());
  EXPECT_FALSE(host.action("remember", Json("k"), 1).result.as_bool());
  EXPECT_TRUE(host.action("remember", Json("k"), 2).result.as_bool());  // another team
  ASSERT_EQ(host.scheduled.size(), 3u);
  EXPECT_EQ(host.scheduled[2].type, "memo.later");
  EXPECT_EQ(host.scheduled[2].team_id, 2);
  EXPECT_EQ(host.scheduled[2].delay_ms, 500);
  EXPECT_EQ(host.action("forget", Json()).error, "the plugin registered no action forget");
}

}  // namespace
