// The switchboard binary as operators use it: CLI commands, configuration errors, start-up
// refusals, and graceful shutdown on SIGTERM. Each test runs the real executable.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <soci/soci.h>

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "store/database.h"
#include "support/http_client.h"
#include "support/process.h"
#include "support/serve_process.h"
#include "support/test_backend.h"

namespace sb::test {
namespace {

RunResult run(const std::vector<std::string>& args, const Poco::Process::Env& env = {},
              const std::string& cwd = "") {
  return run_program(SB_BINARY_PATH, args, env, cwd);
}

class CliTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string db_url() const { return "sqlite:" + dir_.path() + "/cli.db"; }
  Poco::Process::Env env() const { return {{"SB_DATABASE_URL", db_url()}}; }
};

TEST_F(CliTest, HelpListsCommandsAndSettings) {
  RunResult r = run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("switchboard team create NAME"), std::string::npos);
  EXPECT_NE(r.out.find("SB_HTTP_PORT"), std::string::npos);
  EXPECT_NE(r.out.find("SB_BOOTSTRAP_API_KEY"), std::string::npos);
}

TEST_F(CliTest, UsageErrorsExit64) {
  EXPECT_EQ(run({}).exit_code, 64);
  RunResult r = run({"frobnicate"});
  EXPECT_EQ(r.exit_code, 64);
  EXPECT_NE(r.err.find("unknown command: frobnicate"), std::string::npos);
  EXPECT_EQ(run({"serve", "--bogus", "1"}).exit_code, 64);
}

TEST_F(CliTest, ConfigErrorsNameTheVariableAndExit78) {
  RunResult r = run({"serve"}, {{"SB_HTTP_PORT", "eighty"}});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("SB_HTTP_PORT: expected an integer"), std::string::npos) << r.err;
  r = run({"migrate"}, {{"SB_DATABASE_URL", "mysql://nope"}});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("SB_DATABASE_URL"), std::string::npos) << r.err;
  r = run({"migrate"}, {{"SB_DATABSE_URL", "sqlite:x.db"}});
  EXPECT_EQ(r.exit_code, 78);
  EXPECT_NE(r.err.find("SB_DATABSE_URL: unknown setting"), std::string::npos) << r.err;
}

TEST_F(CliTest, MigrateTeamCreateAndApikeyCreate) {
  RunResult m = run({"migrate"}, env());
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_NE(m.out.find("\"applied\":[\"001_foundation.sql\""), std::string::npos) << m.out;
  RunResult again = run({"migrate"}, env());
  EXPECT_NE(again.out.find("\"applied\":[]"), std::string::npos) << again.out;

  RunResult t = run({"team", "create", "Acme Inc"}, env());
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_NE(t.out.find("\"name\":\"Acme Inc\""), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("\"role\":\"owner\""), std::string::npos);
  EXPECT_NE(t.out.find("\"key\":\"sb_"), std::string::npos);

  RunResult k = run({"apikey", "create", "--team", "1", "--role", "agent", "--name", "bot"}, env());
  ASSERT_EQ(k.exit_code, 0) << k.err;
  EXPECT_NE(k.out.find("\"role\":\"agent\""), std::string::npos) << k.out;
  EXPECT_NE(k.out.find("\"team_id\":1"), std::string::npos);

  // Both writes are in the team's audit log, by the CLI and its operating-system user.
  {
    Database db({.url = db_url()});
    std::vector<std::string> actions(10), actors(10);
    db.read([&](soci::session& s) {
      s << "SELECT action, actor_type FROM audit_log WHERE team_id = 1 ORDER BY id",
          soci::into(actions), soci::into(actors);
    });
    EXPECT_EQ(actions, (std::vector<std::string>{"team create", "apikey create"}));
    EXPECT_EQ(actors, (std::vector<std::string>{"cli", "cli"}));
  }

  EXPECT_EQ(run({"apikey", "create", "--team", "99", "--role", "agent"}, env()).exit_code, 64);
  EXPECT_EQ(run({"apikey", "create", "--team", "1", "--role", "root"}, env()).exit_code, 64);
  EXPECT_EQ(run({"apikey", "create", "--team", "x1", "--role", "agent"}, env()).exit_code, 64);
}

TEST_F(CliTest, TamperedMigrationStopsStartUp) {
  ASSERT_EQ(run({"migrate"}, env()).exit_code, 0);
  {
    DatabaseOptions o;
    o.url = db_url();
    Database db(o);
    db.write([](soci::session& s) {
      s << "UPDATE schema_migrations SET checksum = 'deadbeef' WHERE version = 1";
    });
  }
  for (const char* cmd : {"migrate", "serve"}) {
    RunResult r = run({cmd}, env());
    EXPECT_EQ(r.exit_code, 78) << cmd;
    EXPECT_NE(r.err.find("001_foundation.sql was changed after it was applied"), std::string::npos)
        << cmd << ": " << r.err;
  }
}

TEST_F(CliTest, FirstStartPrintsAKeyThatWorks) {
  std::string key;
  {
    ServeProcess p(SB_BINARY_PATH, {{"SB_HTTP_PORT", "0"}, {"SB_LOG_LEVEL", "warning"}},
                   dir_.path());
    ASSERT_GT(p.wait_for_port(), 0);
    std::string line;
    while (key.empty() && p.read_line(line)) {
      if (line.rfind("  sb_", 0) == 0) key = line.substr(2);
    }
    ASSERT_EQ(key.size(), 43u) << "no key line after start-up";
    ::kill(static_cast<pid_t>(p.handle().id()), SIGTERM);
    EXPECT_EQ(p.handle().wait(), 0);
  }
  EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/data/switchboard.db"))
      << "the default database is ./data/switchboard.db";
  // Second start on the same database: no new key, and the printed one authenticates.
  ServeProcess again(SB_BINARY_PATH, {{"SB_HTTP_PORT", "0"}, {"SB_LOG_LEVEL", "warning"}},
                     dir_.path());
  int port = again.wait_for_port();
  ASSERT_GT(port, 0);
  HttpClient c(port);
  c.set_key(key);
  EXPECT_EQ(c.get("/v1/me").status, 200);
  ::kill(static_cast<pid_t>(again.handle().id()), SIGTERM);
  EXPECT_EQ(again.rest_of_output().find("sb_"), std::string::npos)
      << "a key is printed only on first start";
  EXPECT_EQ(again.handle().wait(), 0);
}

TEST_F(CliTest, SigtermFinishesTheRequestInFlight) {
  const std::string key = "sb_cli_graceful_key_0000000000000000";
  ServeProcess p(SB_BINARY_PATH,
                 {{"SB_HTTP_PORT", "0"},
                  {"SB_BOOTSTRAP_API_KEY", key},
                  {"SB_DATABASE_URL", db_url()},
                  {"SB_LOG_LEVEL", "warning"}},
                 dir_.path());
  int port = p.wait_for_port();
  ASSERT_GT(port, 0);
  std::string body = "{\"name\":\"graceful\",\"role\":\"agent\"}";
  std::string head =
      "POST /v1/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n";
  Poco::Net::StreamSocket s(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port)));
  s.setReceiveTimeout(Poco::Timespan(20, 0));
  std::string first = head + body.substr(0, 10);
  s.sendBytes(first.data(), static_cast<int>(first.size()));
  // Wait until the server is handling it: /metrics then counts two requests in flight
  // (ours and the metrics request itself).
  HttpClient probe(port);
  bool in_flight = false;
  for (int i = 0; i < 300 && !in_flight; ++i) {
    in_flight =
        probe.get("/metrics").body.find("sb_http_requests_in_flight 2") != std::string::npos;
    if (!in_flight) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(in_flight) << "the half-sent request never reached the handler";
  ::kill(static_cast<pid_t>(p.handle().id()), SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::string rest = body.substr(10);
  s.sendBytes(rest.data(), static_cast<int>(rest.size()));
  std::string response;
  char buf[4096];
  int n;
  while ((n = s.receiveBytes(buf, sizeof buf)) > 0)
    response.append(buf, static_cast<std::size_t>(n));
  EXPECT_EQ(response.rfind("HTTP/1.1 201", 0), 0u) << response;
  EXPECT_EQ(p.handle().wait(), 0);
  // The key issued during shutdown was committed.
  DatabaseOptions o;
  o.url = db_url();
  Database db(o);
  long long n_keys = db.read([](soci::session& q) {
    long long c = 0;
    q << "SELECT COUNT(*) FROM api_keys WHERE name = 'graceful'", soci::into(c);
    return c;
  });
  EXPECT_EQ(n_keys, 1);
}

// ---- switchboard workflow check | test ----

std::string write_file(const std::string& dir, const std::string& name, const std::string& text) {
  std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream o;
  o << in.rdbuf();
  return o.str();
}

TEST_F(CliTest, WorkflowCheckAcceptsTheStockWorkflowsAndTheExample) {
  std::vector<std::string> files = {SB_SOURCE_DIR
                                    "/examples/workflow-escalation/escalate_unhappy.lua"};
  for (const auto& entry : std::filesystem::directory_iterator(SB_SOURCE_DIR "/workflows")) {
    if (entry.path().extension() == ".lua" && entry.path().filename() != "crm.lua") {
      files.push_back(entry.path().string());
    }
  }
  ASSERT_GE(files.size(), 8u);
  for (const std::string& f : files) {
    RunResult r = run({"workflow", "check", f});
    EXPECT_EQ(r.exit_code, 0) << f << "\n" << r.err;
    EXPECT_NE(r.out.find(": ok, "), std::string::npos) << r.out;
  }
}

TEST_F(CliTest, WorkflowCheckNamesEachProblemWithItsLine) {
  std::string f =
      write_file(dir_.path(), "sloppy.lua",
                 "-- crm.not_a_function in a comment is fine\n"
                 "on(\"contact.craeted\", function(e)\n"
                 "  crm.tiket.create { subject = \"crm.bogus in a string\" }\n"
                 "  crm.tickets.create { subject = [[crm.also_fine]] }\n"
                 "  local n = crm.now()\n"
                 "end)\n"
                 "on(\"nudge\", function(e) crm.sendmail(e) end)\n"
                 "on(\"ticket.*\", function(e) crm.get(e.ticket.contact_id).name = 1 end)\n");
  RunResult r = run({"workflow", "check", f});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(f + ":2: on(\"contact.craeted\"): no event of that type exists"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(f + ":3: unknown crm function crm.tiket.create (did you mean "
                           "crm.tickets.create?)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(f + ":7: on(\"nudge\") is a timer handler, but nothing"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(f + ":7: unknown crm function crm.sendmail"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not_a_function"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("bogus"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("also_fine"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(":8:"), std::string::npos) << r.err;  // ticket.* and crm.get are fine
  EXPECT_NE(r.out.find("4 problems"), std::string::npos) << r.out;
}

TEST_F(CliTest, WorkflowCheckReportsCompileErrorsWithFileAndLine) {
  std::string f = write_file(dir_.path(), "broken.lua",
                             "on(\"contact.created\", function(e)\n"
                             "  if e.x then\n"
                             "end)\n");
  RunResult r = run({"workflow", "check", f});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("broken.lua:3:"), std::string::npos) << r.err;
  RunResult bad_cron =
      run({"workflow", "check",
           write_file(dir_.path(), "cron.lua", "every(\"61 * * * *\", function() end)\n")});
  EXPECT_EQ(bad_cron.exit_code, 1);
  EXPECT_NE(bad_cron.err.find("61"), std::string::npos) << bad_cron.err;
  RunResult missing = run({"workflow", "check", dir_.path() + "/nope.lua"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("cannot read"), std::string::npos) << missing.err;
}

TEST_F(CliTest, WorkflowTestPrintsTheExamplesExpectedActions) {
  std::string dir = SB_SOURCE_DIR "/examples/workflow-escalation";
  RunResult r = run({"workflow", "test", dir + "/escalate_unhappy.lua", "--event",
                     dir + "/event.json", "--fixtures", dir + "/fixtures"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Poco::JSON::Parser parser;
  auto normal = [&](const std::string& text) {
    std::ostringstream o;
    Poco::JSON::Stringifier::stringify(parser.parse(text), o);
    return o.str();
  };
  EXPECT_EQ(normal(r.out), normal(slurp(dir + "/expected.json")));
  EXPECT_NE(r.out.find("\"tickets.create\""), std::string::npos);
}

TEST_F(CliTest, WorkflowTestRunsCronHandlersAndReportsFailedRuns) {
  std::string wf = write_file(dir_.path(), "daily.lua",
                              "every(\"0 9 * * *\", function(e)\n"
                              "  crm.log('tick', e.cron)\n"
                              "  local c = crm.get(1)\n"
                              "  crm.tag(c, 'daily')\n"
                              "end)\n"
                              "on(\"contact.updated\", function(e) error('boom') end)\n");
  std::string fixtures = dir_.path() + "/fx";
  std::filesystem::create_directory(fixtures);
  write_file(fixtures, "contacts.json", "[{\"name\":\"Ed\"}]");
  RunResult cron =
      run({"workflow", "test", wf, "--event",
           write_file(dir_.path(), "cron.json", "{\"type\":\"cron\"}"), "--fixtures", fixtures});
  ASSERT_EQ(cron.exit_code, 0) << cron.err;
  EXPECT_NE(cron.out.find("tick\\t0 9 * * *"), std::string::npos) << cron.out;
  EXPECT_NE(cron.out.find("\"tag\""), std::string::npos) << cron.out;

  RunResult failing =
      run({"workflow", "test", wf, "--event",
           write_file(dir_.path(), "upd.json", "{\"type\":\"contact.updated\",\"contact_id\":1}"),
           "--fixtures", fixtures});
  EXPECT_EQ(failing.exit_code, 1);
  EXPECT_NE(failing.out.find("daily.lua:6: boom"), std::string::npos) << failing.out;
}

TEST_F(CliTest, WorkflowTestRefusesBadEventsAndFixturesPrecisely) {
  std::string wf = write_file(dir_.path(), "w.lua", "on(\"contact.created\", function() end)\n");
  RunResult unknown = run({"workflow", "test", wf, "--event",
                           write_file(dir_.path(), "e1.json", "{\"type\":\"x.y\",\"colour\":1}")});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("field 'colour' is unknown"), std::string::npos) << unknown.err;
  RunResult no_type =
      run({"workflow", "test", wf, "--event", write_file(dir_.path(), "e2.json", "{}")});
  EXPECT_NE(no_type.err.find("field 'type' is required"), std::string::npos) << no_type.err;
  RunResult not_json =
      run({"workflow", "test", wf, "--event", write_file(dir_.path(), "e3.json", "{oops")});
  EXPECT_NE(not_json.err.find("e3.json: expected a JSON object"), std::string::npos)
      << not_json.err;
  RunResult no_event = run({"workflow", "test", wf});
  EXPECT_EQ(no_event.exit_code, 64);
  EXPECT_NE(no_event.err.find("--event"), std::string::npos);
  std::string fixtures = dir_.path() + "/bad";
  std::filesystem::create_directory(fixtures);
  write_file(fixtures, "1-contacts.json", "[{\"name\":\"Ok\"},{\"emial\":\"x@example.com\"}]");
  RunResult bad_fixture = run({"workflow", "test", wf, "--event",
                               write_file(dir_.path(), "e4.json", "{\"type\":\"contact.created\"}"),
                               "--fixtures", fixtures});
  EXPECT_EQ(bad_fixture.exit_code, 1);
  EXPECT_NE(bad_fixture.err.find("1-contacts.json item 1: POST /v1/contacts answered 422"),
            std::string::npos)
      << bad_fixture.err;
  EXPECT_NE(bad_fixture.err.find("emial"), std::string::npos) << bad_fixture.err;
  RunResult missing_contact =
      run({"workflow", "test", wf, "--event",
           write_file(dir_.path(), "e5.json", "{\"type\":\"contact.created\",\"contact_id\":9}")});
  EXPECT_EQ(missing_contact.exit_code, 1);
  EXPECT_NE(missing_contact.err.find("contact_id 9 is not among the fixtures"), std::string::npos)
      << missing_contact.err;
}

}  // namespace
}  // namespace sb::test
