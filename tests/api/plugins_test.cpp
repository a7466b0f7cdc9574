// Native plugins end to end: real .so files loaded with dlopen from a plugins directory,
// every failure mode listed with its reason, actions over REST and from Lua, subscribers
// on the event bus (retry, idempotency), extractors, providers, config, team isolation,
// reload. First-party plugins: first_party_plugins_test.cpp.
#include <soci/soci.h>

#include <Poco/JSON/Object.h>

#include <filesystem>
#include <fstream>

#include "events/dispatcher.h"
#include "model/contact_json.h"
#include "plugin_fixture.h"
#include "plugins/plugin_bus.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

TEST_P(PluginTest, ListsLoadedPluginsAndEachFailureWithItsReason) {
  auto r = client().get("/v1/plugins");
  ASSERT_EQ(r.status, 200) << r.body;
  auto list = r.json();
  auto probe = plugin(list, "probe");
  ASSERT_TRUE(probe) << r.body;
  EXPECT_EQ(probe->getArray("actions")->size(), 10u);
  EXPECT_EQ(probe->getValue<std::string>("api"), "1.3");
  EXPECT_EQ(probe->getArray("subscribers")->size(), 2u);
  EXPECT_EQ(probe->getArray("extractors")->getElement<std::string>(0), "probe.orders");
  EXPECT_EQ(probe->getArray("providers")->getObject(0)->getValue<std::string>("channel"), "sms");
  EXPECT_NE(
      failure(list, "wrong_major.so").find("built for plugin API 99.0, this server speaks 1.3"),
      std::string::npos)
      << r.body;
  EXPECT_NE(failure(list, "newer_minor.so").find("newer than this server's"), std::string::npos);
  EXPECT_NE(failure(list, "no_init.so").find("no sb_plugin_init"), std::string::npos);
  EXPECT_NE(failure(list, "init_fails.so").find("sb_plugin_init returned -3"), std::string::npos);
  EXPECT_NE(failure(list, "duplicate.so").find("duplicate action duplicate.same"),
            std::string::npos);
  // All or nothing: what the refused plugins registered is not callable.
  EXPECT_EQ(action("init_fails.half", "{}").status, 404);
  EXPECT_EQ(action("wrong_major.act", "{}").status, 404);
  EXPECT_EQ(action("duplicate.same", "{}").status, 404);
  // Admins only; reload is for owners.
  EXPECT_EQ(client(key_with_role("agent")).get("/v1/plugins").status, 403);
  EXPECT_EQ(client(key_with_role("admin")).post("/v1/plugins/reload", "").status, 403);
}

TEST_P(PluginTest, ActionsRunOverRestWithTheirErrorsMapped) {
  auto r = action("probe.echo", "{\"a\":[1,2]}");
  ASSERT_EQ(r.status, 200) << r.body;
  auto result = r.json()->getObject("result");
  EXPECT_EQ(result->getValue<long long>("team_id"), 1);
  EXPECT_EQ(result->getObject("input")->getArray("a")->size(), 2u);
  auto boom = action("probe.boom", "{}");
  EXPECT_EQ(boom.status, 422);
  EXPECT_NE(boom.body.find("the action failed: probe exploded"), std::string::npos) << boom.body;
  EXPECT_EQ(action("probe.nope", "{}").status, 404);
  EXPECT_EQ(action("probe.echo", "{bad").status, 400);
  EXPECT_EQ(action("probe.echo", "{}", key_with_role("agent")).status, 403);
  // Settings from probe.conf; once; schedule only under the plugin's own prefix.
  EXPECT_NE(action("probe.config", "{\"key\":\"greeting\"}").body.find("\"hello there\""),
            std::string::npos);
  EXPECT_NE(action("probe.once", "{\"key\":\"k1\"}").body.find("\"result\":true"),
            std::string::npos);
  EXPECT_NE(action("probe.once", "{\"key\":\"k1\"}").body.find("\"result\":false"),
            std::string::npos);
  EXPECT_EQ(action("probe.schedule", "{\"name\":\"tick\"}").status, 200);
  auto types = event_types();
  EXPECT_NE(std::find(types.begin(), types.end(), "probe.tick"), types.end());
  auto bad_name = action("probe.schedule", "{\"name\":\"../contact.created\"}");
  EXPECT_EQ(bad_name.status, 422);
  EXPECT_NE(bad_name.body.find("schedule: name must be"), std::string::npos) << bad_name.body;
}

// The compatibility promise: a library compiled against the API 1.0 header (a smaller host
// table, the 1.0 provider struct) loads into this newer host and runs.
TEST_P(PluginTest, APluginBuiltForAnOlderMinorStillLoadsAndRuns) {
  auto r = client().get("/v1/plugins");
  auto old = plugin(r.json(), "older_minor");
  ASSERT_TRUE(old) << r.body;
  EXPECT_EQ(old->getValue<std::string>("api"), "1.0");
  EXPECT_FALSE(old->getArray("providers")->getObject(0)->getValue<bool>("delivery_reports"));
  EXPECT_NE(action("older_minor.ping", "{}").body.find("\"pong\":true"), std::string::npos);
  auto sent = server_->plugins().send("sms", "older_minor.old", {1, nullptr, nullptr}, "{}");
  ASSERT_TRUE(sent);
  EXPECT_NE(sent->result.find("old-1"), std::string::npos);
  // It never registered a status reader: there is nothing to call.
  EXPECT_FALSE(
      server_->plugins().read_status("sms", "older_minor.old", {1, nullptr, nullptr}, "{}"));
}

// A 1.1 provider struct (with `status`, before `session_window_s`): the host reads the
// status function it has and gives it no session window.
TEST_P(PluginTest, APluginBuiltForApi11KeepsItsDeliveryReportsAndHasNoSessionWindow) {
  auto r = client().get("/v1/plugins");
  auto p = plugin(r.json(), "minor_1_1");
  ASSERT_TRUE(p) << r.body;
  EXPECT_EQ(p->getValue<std::string>("api"), "1.1");
  auto provider = p->getArray("providers")->getObject(0);
  EXPECT_TRUE(provider->getValue<bool>("delivery_reports"));
  EXPECT_EQ(provider->getValue<int>("session_window_s"), 0);
  EXPECT_EQ(server_->plugins().session_window("sms", "minor_1_1.v11"), 0u);
  auto report = server_->plugins().read_status("sms", "minor_1_1.v11", {1, nullptr, nullptr}, "{}");
  ASSERT_TRUE(report);
  EXPECT_NE(report->result.find("delivered"), std::string::npos);
}

TEST_P(PluginTest, HostFunctionsReachOnlyTheCallersTeam) {
  long long mine = create("/v1/contacts", "{\"name\":\"Mine\"}");
  auto b = provision_team(server_->database(), "Team B", std::nullopt, false);
  HttpClient other = client(b->owner_key.secret);
  auto theirs = other.post("/v1/contacts", "{\"name\":\"Theirs\",\"email\":\"t@b.io\"}");
  ASSERT_EQ(theirs.status, 201);
  long long their_id = theirs.json()->getValue<long long>("id");

  auto got = action("probe.contact", "{\"id\":" + std::to_string(mine) + "}");
  EXPECT_NE(got.body.find("\"Mine\""), std::string::npos) << got.body;
  auto foreign = action("probe.contact", "{\"id\":" + std::to_string(their_id) + "}");
  EXPECT_EQ(foreign.status, 200);
  EXPECT_NE(foreign.body.find("\"result\":null"), std::string::npos) << foreign.body;
  auto rename = action("probe.rename", "{\"id\":" + std::to_string(their_id) + ",\"name\":\"X\"}");
  EXPECT_EQ(rename.status, 422);
  EXPECT_NE(rename.body.find("not found"), std::string::npos) << rename.body;
  auto found =
      action("probe.find", "{\"filter\":{\"field\":\"email\",\"op\":\"eq\",\"value\":\"t@b.io\"}}");
  EXPECT_NE(found.body.find("\"result\":[]"), std::string::npos) << found.body;
  auto counted = action("probe.count",
                        "{\"filter\":{\"field\":\"email\",\"op\":\"eq\",\"value\":\"t@b.io\"}}");
  EXPECT_NE(counted.body.find("\"result\":0"), std::string::npos) << counted.body;
  auto all = action("probe.count", "{\"filter\":{}}");
  EXPECT_NE(all.body.find("\"result\":1"), std::string::npos) << all.body;
  auto bad_filter =
      action("probe.count", "{\"filter\":{\"field\":\"nope\",\"op\":\"eq\",\"value\":1}}");
  EXPECT_EQ(bad_filter.status, 422);
  EXPECT_NE(bad_filter.body.find("nope"), std::string::npos) << bad_filter.body;
  long long agent = user("ann");
  auto listed = action("probe.users", "{}");
  auto users = listed.json()->getArray("result");
  // Only ann: team B's user is invisible here.
  ASSERT_EQ(other.post("/v1/users", R"({"name":"bee","email":"bee@b.io","role":"agent"})").status,
            201);
  ASSERT_EQ(users->size(), 1u) << listed.body;
  EXPECT_EQ(users->getObject(0)->getValue<long long>("id"), agent);
  EXPECT_EQ(users->getObject(0)->getValue<std::string>("role"), "agent");
  EXPECT_EQ(
      other.get("/v1/contacts/" + std::to_string(their_id)).json()->getValue<std::string>("name"),
      "Theirs");
  // A write through the host is validated like REST.
  auto invalid = action("probe.rename", "{\"id\":" + std::to_string(mine) + ",\"name\":7}");
  EXPECT_EQ(invalid.status, 422);
  EXPECT_NE(invalid.body.find("name"), std::string::npos) << invalid.body;
}

TEST_P(PluginTest, LuaWorkflowsCallActionsInsideTheirRun) {
  long long id = create("/v1/contacts", "{\"name\":\"Before\"}");
  Poco::JSON::Object o;
  o.set("name", "renamer");
  o.set("source", R"(
on("contact.updated", function(e)
  if e.contact.name ~= "Rename me" then return end
  local c = crm.actions["probe.rename"]({ id = e.contact.id, name = "Renamed by plugin" })
  crm.log("now", c.name)
end)
on("contact.deleted", function(e) crm.actions["probe.missing"]({}) end)
)");
  ASSERT_EQ(client().post("/v1/workflows", json_text(o)).status, 201);
  patch("/v1/contacts/" + std::to_string(id), "{\"name\":\"Rename me\"}");
  drain();
  EXPECT_EQ(get_contact(id)->getValue<std::string>("name"), "Renamed by plugin");
  ASSERT_EQ(client().del("/v1/contacts/" + std::to_string(id)).status, 204);
  drain();
  auto runs = client().get("/v1/workflows/1/runs").body;
  EXPECT_NE(runs.find("now\\tRenamed by plugin"), std::string::npos) << runs;
  EXPECT_NE(runs.find("\"name\":\"probe.rename\""), std::string::npos) << runs;
  EXPECT_NE(runs.find("crm.actions[\\\"probe.missing\\\"]: no plugin registers this action"),
            std::string::npos)
      << runs;
}

TEST_P(PluginTest, SubscribersRunThroughTheBusWithRetriesAndNoRepeats) {
  long long id = create("/v1/contacts", "{\"name\":\"Sub\"}");
  drain();
  auto c = get_contact(id);
  EXPECT_EQ(json_text(*c->getObject("metadata")), "{\"probed\":\"yes\"}")
      << client().get("/v1/events?limit=5").body;
  // probe.flaky asks for a retry once; the second delivery succeeds and the tagger (done
  // already for contact.created) is not run again.
  EXPECT_EQ(action("probe.schedule", "{\"name\":\"flaky\"}").status, 200);
  drain();
  drain();
  auto types = event_types();
  EXPECT_EQ(std::count(types.begin(), types.end(), "probe.flaky_done"), 1);
  auto list = client().get("/v1/plugins").json();
  auto stats = plugin(list, "probe")->getObject("stats");
  EXPECT_GE(stats->getValue<long long>("errors"), 1);
  EXPECT_EQ(stats->getValue<std::string>("last_error"), "not yet");
}

TEST_P(PluginTest, ExtractorsAndProvidersAreCalledThroughTheHost) {
  auto& host = server_->plugins();
  plugins::PluginExtractors extractors(host);
  std::vector<capture::Extracted> out;
  extractors.extract("where is ORDER-4711 please", CaptureSettings{}, out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].field, "custom.order_id");
  EXPECT_EQ(out[0].value, "ORDER-4711");
  EXPECT_EQ(out[0].source, "plugin:probe.orders");
  auto sent = host.send("sms", "probe.loopback", {1, nullptr, nullptr},
                        "{\"to\":\"+4915112345678\",\"text\":\"hi\"}");
  ASSERT_TRUE(sent);
  EXPECT_NE(sent->result.find("lb-+4915112345678"), std::string::npos) << sent->result;
  EXPECT_FALSE(host.send("email", "", {1, nullptr, nullptr}, "{}"));
}

TEST_P(PluginTest, ReloadPicksUpNewAndRemovedLibraries) {
  fs::remove(dir_.path() + "/probe.so");
  fs::copy_file(fs::path(SB_PLUGINS_BUILD_DIR) / "lead_score.so", dir_.path() + "/lead_score.so");
  auto r = client().post("/v1/plugins/reload", "");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(plugin(r.json(), "probe"));
  EXPECT_TRUE(plugin(r.json(), "lead_score"));
  EXPECT_EQ(action("probe.echo", "{}").status, 404);
}

SB_INSTANTIATE_BACKENDS(PluginTest);

}  // namespace
}  // namespace sb::test
