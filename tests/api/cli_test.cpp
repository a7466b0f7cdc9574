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

#include <filesystem>
#include <sstream>
#include <thread>

#include "store/database.h"
#include "support/http_client.h"
#include "support/test_backend.h"

namespace sb::test {
namespace {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

RunResult run(const std::vector<std::string>& args, const Poco::Process::Env& env = {},
              const std::string& cwd = "") {
  Poco::Pipe out, err;
  Poco::ProcessHandle h =
      Poco::Process::launch(SB_BINARY_PATH, args, cwd, nullptr, &out, &err, env);
  Poco::PipeInputStream out_stream(out), err_stream(err);
  RunResult r;
  std::thread err_reader([&] {
    std::ostringstream e;
    Poco::StreamCopier::copyStream(err_stream, e);
    r.err = e.str();
  });
  std::ostringstream o;
  Poco::StreamCopier::copyStream(out_stream, o);
  err_reader.join();
  r.out = o.str();
  r.exit_code = h.wait();
  return r;
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

// A server process with stdout readable line by line.
class ServeProcess {
 public:
  ServeProcess(const Poco::Process::Env& env, const std::string& cwd)
      : handle_(
            Poco::Process::launch(SB_BINARY_PATH, {"serve"}, cwd, nullptr, &out_, nullptr, env)),
        stream_(out_) {}
  ~ServeProcess() {
    if (Poco::Process::isRunning(handle_)) Poco::Process::kill(handle_);
  }
  // Reads stdout until the "listening on" line; returns the port.
  int wait_for_port() {
    std::string line;
    while (std::getline(stream_, line)) {
      lines_.push_back(line);
      auto at = line.find("listening on http://127.0.0.1:");
      if (at != std::string::npos) return std::stoi(line.substr(at + 30));
    }
    return -1;
  }
  bool read_line(std::string& line) { return static_cast<bool>(std::getline(stream_, line)); }
  std::string rest_of_output() {
    std::ostringstream o;
    Poco::StreamCopier::copyStream(stream_, o);
    return o.str();
  }
  const std::vector<std::string>& lines() const { return lines_; }
  Poco::ProcessHandle& handle() { return handle_; }

 private:
  Poco::Pipe out_;
  Poco::ProcessHandle handle_;
  Poco::PipeInputStream stream_;
  std::vector<std::string> lines_;
};

TEST_F(CliTest, FirstStartPrintsAKeyThatWorks) {
  std::string key;
  {
    ServeProcess p({{"SB_HTTP_PORT", "0"}, {"SB_LOG_LEVEL", "warning"}}, dir_.path());
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
  ServeProcess again({{"SB_HTTP_PORT", "0"}, {"SB_LOG_LEVEL", "warning"}}, dir_.path());
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
  ServeProcess p({{"SB_HTTP_PORT", "0"},
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

}  // namespace
}  // namespace sb::test
