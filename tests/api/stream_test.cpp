// GET /v1/stream over a raw socket: events arrive live, only the team's own, key events only
// for admins, Last-Event-ID resumes, sessions work like keys, and the per-process cap
// answers 503 with Retry-After.
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <sstream>

#include "api_fixture.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

// A stream opened by hand: the request, then whatever the server sends, read as it comes.
class Stream {
 public:
  Stream(int port, const std::string& auth_header, const std::string& extra = "")
      : socket_(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port))) {
    socket_.setReceiveTimeout(Poco::Timespan(0, 200 * 1000));
    std::string request = "GET /v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth_header + "\r\n" +
                          extra + "Accept: text/event-stream\r\n\r\n";
    socket_.sendBytes(request.data(), static_cast<int>(request.size()));
  }
  // Reads until `text` has arrived (true) or `seconds` passed (false).
  bool wait_for(const std::string& text, int seconds = 10) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (received_.find(text) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      char buf[4096];
      try {
        int n = socket_.receiveBytes(buf, sizeof buf);
        if (n <= 0) return received_.find(text) != std::string::npos;
        received_.append(buf, static_cast<std::size_t>(n));
      } catch (const Poco::TimeoutException&) {
      }
    }
    return true;
  }
  const std::string& received() const { return received_; }

 private:
  Poco::Net::StreamSocket socket_;
  std::string received_;
};

class StreamTest : public ApiTest {
 protected:
  void adjust(Config& c) override { c.http.max_streams = 3; }
  std::string bearer(const std::string& key = kOwnerKey) { return "Authorization: Bearer " + key; }
  long long contact(const std::string& name, const std::string& key = kOwnerKey) {
    auto r = client(key).post("/v1/contacts", "{\"name\":\"" + name + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return r.json()->getValue<long long>("id");
  }
};

TEST_P(StreamTest, EventsOfTheTeamArriveLiveAndNoOtherTeamsEver) {
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  const std::string b_key = b_team->owner_key.secret;
  contact("before the stream");  // not sent: the stream starts after the newest event
  Stream a(server_->port(), bearer());
  Stream b(server_->port(), bearer(b_key));
  ASSERT_TRUE(a.wait_for(": connected")) << a.received();
  ASSERT_TRUE(b.wait_for(": connected")) << b.received();
  EXPECT_NE(a.received().find("Content-Type: text/event-stream"), std::string::npos)
      << a.received();
  EXPECT_EQ(a.received().find("Content-Encoding"), std::string::npos) << "never buffered by gzip";

  long long mine = contact("Ana");
  long long theirs = contact("Bo", b_key);
  const std::string mine_json =
      "\"subject_type\":\"contact\",\"subject_id\":" + std::to_string(mine);
  const std::string theirs_json =
      "\"subject_type\":\"contact\",\"subject_id\":" + std::to_string(theirs);
  ASSERT_TRUE(a.wait_for(mine_json)) << a.received();
  EXPECT_NE(a.received().find("\"type\":\"contact.created\""), std::string::npos);
  ASSERT_TRUE(b.wait_for(theirs_json)) << b.received();
  // Team A's contact id never reaches team B's stream, nor B's reaches A's.
  EXPECT_EQ(b.received().find(mine_json), std::string::npos) << b.received();
  EXPECT_FALSE(a.wait_for(theirs_json, 1)) << a.received();
  EXPECT_EQ(a.received().find("before the stream"), std::string::npos);
  EXPECT_EQ(a.received().find("\"payload\""), std::string::npos) << "ids and types only";
}

TEST_P(StreamTest, KeyEventsOnlyForAdminsAndSessionsStreamLikeKeys) {
  HttpClient agent_person = person("ana", "agent");
  (void)agent_person;
  // The agent's session cookie, as a browser's EventSource sends it.
  auto login = anonymous().post("/v1/auth/login", std::string("{\"email\":\"ana@people.io\",") +
                                                      "\"password\":\"" + kPassword + "\"}");
  ASSERT_EQ(login.status, 200) << login.body;
  Stream agent(server_->port(), "Cookie: sb_session=" + session_token(login));
  Stream owner(server_->port(), bearer());
  ASSERT_TRUE(agent.wait_for(": connected")) << agent.received();
  ASSERT_TRUE(owner.wait_for(": connected")) << owner.received();
  key_with_role("viewer");  // api_key.created
  long long id = contact("after the key");
  ASSERT_TRUE(owner.wait_for("\"type\":\"api_key.created\"")) << owner.received();
  ASSERT_TRUE(agent.wait_for("\"subject_id\":" + std::to_string(id))) << agent.received();
  EXPECT_EQ(agent.received().find("api_key."), std::string::npos) << agent.received();
}

TEST_P(StreamTest, LastEventIdResumesAndTheCapAnswers503) {
  long long first = contact("one");
  auto events = client().get("/v1/events?limit=200").json()->getArray("data");
  long long newest = 0;
  for (std::size_t i = 0; i < events->size(); ++i)
    newest = std::max(newest, events->getObject(i)->getValue<long long>("id"));
  long long second = contact("two");
  // Resuming from the newest event seen before "two" replays "two", not "one".
  Stream resumed(server_->port(), bearer(), "Last-Event-ID: " + std::to_string(newest) + "\r\n");
  ASSERT_TRUE(resumed.wait_for("\"subject_id\":" + std::to_string(second))) << resumed.received();
  // Every event sent comes after the one named (segment events about "one" may, since
  // the bus adds them after the list above was read).
  std::istringstream lines(resumed.received());
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("id: ", 0) == 0) {
      EXPECT_GT(std::stoll(line.substr(4)), newest) << line;
    }
  }
  (void)first;
  Stream bad(server_->port(), bearer(), "Last-Event-ID: yesterday\r\n");
  ASSERT_TRUE(bad.wait_for("\r\n\r\n"));
  EXPECT_EQ(bad.received().rfind("HTTP/1.1 400", 0), 0u) << bad.received();

  // max_streams is 3 here: the resumed one and two more; the fourth is refused.
  Stream two(server_->port(), bearer());
  Stream three(server_->port(), bearer());
  ASSERT_TRUE(two.wait_for(": connected"));
  ASSERT_TRUE(three.wait_for(": connected"));
  Stream four(server_->port(), bearer());
  ASSERT_TRUE(four.wait_for("\r\n\r\n")) << four.received();
  EXPECT_EQ(four.received().rfind("HTTP/1.1 503", 0), 0u) << four.received();
  EXPECT_NE(four.received().find("Retry-After: 5"), std::string::npos) << four.received();
  // The API itself still answers while the streams hold their threads.
  EXPECT_EQ(client().get("/v1/me").status, 200);
}

SB_INSTANTIATE_BACKENDS(StreamTest);

}  // namespace
}  // namespace sb::test
