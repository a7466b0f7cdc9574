// HTTP at the byte level, over raw sockets: an early reply never lets the unread body be
// parsed as the next request (request smuggling), ambiguous framing is refused, pipelined
// requests work, reason phrases match; and the habits clients expect: HEAD, OPTIONS and
// CORS, gzip, ETag with If-None-Match / If-Match, RateLimit-* headers.
#include <Poco/InflatingStream.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>

#include <sstream>

#include "api/api_fixture.h"

namespace sb::test {
namespace {

struct RawResponse {
  int status = 0;
  std::string status_line;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// Parses every complete response in `data` (Content-Length or chunked bodies; none for
// HEAD answers, which `head_answers` counts from the front).
std::vector<RawResponse> parse_responses(const std::string& data, int head_answers = 0) {
  std::vector<RawResponse> out;
  std::size_t at = 0;
  while (at < data.size()) {
    std::size_t end = data.find("\r\n\r\n", at);
    if (end == std::string::npos) break;
    RawResponse r;
    std::istringstream lines(data.substr(at, end - at));
    std::getline(lines, r.status_line);
    if (!r.status_line.empty() && r.status_line.back() == '\r') r.status_line.pop_back();
    if (r.status_line.size() >= 12) r.status = std::stoi(r.status_line.substr(9, 3));
    std::string line;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
    }
    at = end + 4;
    bool bodiless = static_cast<int>(out.size()) < head_answers || r.status == 304 ||
                    r.status == 204 || r.status / 100 == 1;
    if (bodiless) {
    } else if (r.headers.count("content-length")) {
      std::size_t n = std::stoul(r.headers["content-length"]);
      r.body = data.substr(at, n);
      at += n;
    } else if (r.headers["transfer-encoding"] == "chunked") {
      while (true) {
        std::size_t eol = data.find("\r\n", at);
        if (eol == std::string::npos) return out;
        std::size_t n = std::stoul(data.substr(at, eol - at), nullptr, 16);
        at = eol + 2;
        if (n == 0) {
          at += 2;
          break;
        }
        r.body += data.substr(at, n);
        at += n + 2;
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

class HttpProtocolTest : public ApiTest {
 protected:
  void adjust(Config& c) override {
    c.http.max_body_bytes = 4096;
    c.http.cors_origins = {"https://crm.example.com"};
  }

  // Sends `bytes` on one connection, then (unless the server closed it) a GET /health as a
  // sentinel, and reads until the sentinel's answer or the close.
  struct Exchange {
    std::vector<RawResponse> responses;
    bool closed = false;  // the server closed the connection
  };
  Exchange exchange(const std::string& bytes, bool sentinel = true, int head_answers = 0) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
    Exchange ex;
    std::string data;
    bool sent_sentinel = false;
    char buf[8192];
    while (true) {
      // Once the first answer is in, the sentinel follows on the same connection.
      if (sentinel && !sent_sentinel && !parse_responses(data, head_answers).empty()) {
        const std::string health = "GET /health HTTP/1.1\r\nHost: t\r\n\r\n";
        try {
          socket.sendBytes(health.data(), static_cast<int>(health.size()));
        } catch (const Poco::Exception&) {
          // Closed under us: the read below sees it.
        }
        sent_sentinel = true;
      }
      auto parsed = parse_responses(data, head_answers);
      if (sent_sentinel && !parsed.empty() &&
          parsed.back().body.find("\"database\"") != std::string::npos) {
        break;
      }
      int n = 0;
      try {
        n = socket.receiveBytes(buf, sizeof buf);
      } catch (const Poco::Exception&) {
        n = 0;
      }
      if (n <= 0) {
        ex.closed = true;
        break;
      }
      data.append(buf, static_cast<std::size_t>(n));
    }
    ex.responses = parse_responses(data, head_answers);
    return ex;
  }

  // A complete request that, if ever executed, creates a contact named "smuggled".
  static std::string smuggled_request() {
    std::string body = R"({"name":"smuggled"})";
    return "POST /v1/contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + kOwnerKey +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }

  static std::string with_length(const std::string& head, const std::string& body) {
    return head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  static std::string chunked(const std::string& head, const std::string& body) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx", body.size());
    return head + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\n" + body + "\r\n0\r\n\r\n";
  }

  void expect_not_smuggled(const std::string& what) {
    auto list = client().get("/v1/contacts?limit=200");
    EXPECT_EQ(list.body.find("smuggled"), std::string::npos) << what << ": executed";
    auto metrics = anonymous().get("/metrics");
    EXPECT_EQ(metrics.body.find(R"(method="POST",route="/v1/contacts",status="201")"),
              std::string::npos)
        << what << ": counted";
  }
};

TEST_P(HttpProtocolTest, AnEarlyReplyNeverRunsTheBodyAsTheNextRequest) {
  std::string viewer = key_with_role("viewer");
  const std::string key = "Authorization: Bearer " + kOwnerKey + "\r\n";
  struct Case {
    std::string name;
    std::string head;  // request line and headers, without the body's framing
    int status;
  };
  const std::vector<Case> cases = {
      {"404 unknown route", "POST /v1/nope HTTP/1.1\r\nHost: t\r\n" + key, 404},
      {"405 wrong method", "PUT /v1/me HTTP/1.1\r\nHost: t\r\n" + key, 405},
      {"401 bad key",
       "POST /v1/contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer sb_nope\r\n"
       "Content-Type: application/json\r\n",
       401},
      {"403 role too low",
       "POST /v1/contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + viewer +
           "\r\nContent-Type: application/json\r\n",
       403},
      {"415 wrong type",
       "POST /v1/contacts HTTP/1.1\r\nHost: t\r\n" + key + "Content-Type: text/plain\r\n", 415},
      {"400 GET with a body", "GET /v1/me HTTP/1.1\r\nHost: t\r\n" + key, 400},
      {"400 malformed JSON (read whole)",
       "POST /v1/tickets HTTP/1.1\r\nHost: t\r\n" + key + "Content-Type: application/json\r\n",
       400},
  };
  for (const Case& c : cases) {
    for (bool use_chunked : {false, true}) {
      std::string what = c.name + (use_chunked ? " (chunked)" : " (Content-Length)");
      std::string bytes = use_chunked ? chunked(c.head, smuggled_request())
                                      : with_length(c.head, smuggled_request());
      Exchange ex = exchange(bytes);
      ASSERT_FALSE(ex.responses.empty()) << what;
      EXPECT_EQ(ex.responses[0].status, c.status) << what << ": " << ex.responses[0].body;
      // Either the body was drained and the sentinel answered, or the server closed.
      if (ex.closed) {
        EXPECT_EQ(ex.responses.size(), 1u) << what;
        EXPECT_EQ(Poco::toLower(ex.responses[0].headers["connection"]), "close") << what;
      } else {
        ASSERT_EQ(ex.responses.size(), 2u) << what;
        EXPECT_EQ(ex.responses[1].status, 200) << what;
      }
    }
  }
  expect_not_smuggled("early replies");
}

TEST_P(HttpProtocolTest, ATooLargeBodyClosesTheConnectionUnread) {
  std::string filler(5000, ' ');  // over the 4096-byte limit, before the smuggled request
  const std::string head = "POST /v1/contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                           kOwnerKey + "\r\nContent-Type: application/json\r\n";
  for (bool use_chunked : {false, true}) {
    std::string body = filler + smuggled_request();
    Exchange ex = exchange(use_chunked ? chunked(head, body) : with_length(head, body));
    ASSERT_FALSE(ex.responses.empty());
    EXPECT_EQ(ex.responses[0].status, 413) << ex.responses[0].body;
    if (!ex.closed) {
      ASSERT_EQ(ex.responses.size(), 2u);
      EXPECT_EQ(ex.responses[1].status, 200);
    }
  }
  expect_not_smuggled("413");
}

TEST_P(HttpProtocolTest, AmbiguousFramingIsRefusedAndTheConnectionClosed) {
  const std::string head = "POST /v1/contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                           kOwnerKey + "\r\nContent-Type: application/json\r\n";
  const std::string body = smuggled_request();
  const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Content-Length and Transfer-Encoding",
       head + length + "Transfer-Encoding: chunked\r\n\r\n" + body},
      {"Transfer-Encoding not chunked", head + "Transfer-Encoding: xchunked\r\n\r\n" + body},
      {"Content-Length twice", head + length + length + "\r\n" + body},
  };
  for (const auto& [what, bytes] : cases) {
    Exchange ex = exchange(bytes, false);
    ASSERT_EQ(ex.responses.size(), 1u) << what;
    EXPECT_EQ(ex.responses[0].status, 400) << what << ": " << ex.responses[0].body;
    EXPECT_TRUE(ex.closed) << what;
    EXPECT_EQ(Poco::toLower(ex.responses[0].headers["connection"]), "close") << what;
  }
  expect_not_smuggled("ambiguous framing");
}

TEST_P(HttpProtocolTest, PipelinedRequestsAreEachAnswered) {
  const std::string me =
      "GET /v1/me HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + kOwnerKey + "\r\n\r\n";
  const std::string create =
      with_length("POST /v1/contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + kOwnerKey +
                      "\r\nContent-Type: application/json\r\n",
                  R"({"name":"Pipelined"})");
  Exchange ex = exchange(me + create + me);
  ASSERT_EQ(ex.responses.size(), 4u);  // the three, then the sentinel
  EXPECT_FALSE(ex.closed);
  EXPECT_EQ(ex.responses[0].status_line, "HTTP/1.1 200 OK");
  EXPECT_EQ(ex.responses[1].status_line, "HTTP/1.1 201 Created");
  EXPECT_EQ(ex.responses[2].status, 200);
  EXPECT_NE(client().get("/v1/contacts").body.find("Pipelined"), std::string::npos);
}

TEST_P(HttpProtocolTest, ReasonPhrasesMatchTheStatus) {
  Exchange ex = exchange("GET /v1/nope HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_FALSE(ex.responses.empty());
  EXPECT_EQ(ex.responses[0].status_line, "HTTP/1.1 404 Not Found");
  ex = exchange(with_length("POST /v1/contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                                kOwnerKey + "\r\nContent-Type: application/json\r\n",
                            "{\"bogus\":1}"));
  ASSERT_FALSE(ex.responses.empty());
  EXPECT_EQ(ex.responses[0].status_line, "HTTP/1.1 422 Unprocessable Entity");
}

TEST_P(HttpProtocolTest, HeadAnswersEveryGetWithItsHeadersAndNoBody) {
  ASSERT_EQ(client().post("/v1/contacts", R"({"name":"Head"})").status, 201);
  for (const std::string path : {"/v1/contacts", "/v1/me", "/health", "/v1/openapi.json",
                                 "/v1/exports/contacts?format=csv"}) {
    auto get = client().get(path);
    ASSERT_EQ(get.status, 200) << path;
    Exchange ex = exchange(
        "HEAD " + path + " HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " + kOwnerKey + "\r\n\r\n",
        true, 1);
    ASSERT_EQ(ex.responses.size(), 2u) << path << ": the HEAD answer carried a body";
    RawResponse head = ex.responses[0];
    EXPECT_EQ(head.status, 200) << path;
    EXPECT_EQ(head.headers["content-type"], get.headers["content-type"]) << path;
    if (get.headers.count("content-length") && path != "/health") {  // health's body varies
      EXPECT_EQ(head.headers["content-length"], get.headers["content-length"]) << path;
    }
    if (path != "/health") {
      EXPECT_EQ(head.headers["etag"], get.headers["etag"]) << path;
    }
  }
  auto allow = client().send("PUT", "/v1/me", "{}", {{"Content-Type", "application/json"}});
  EXPECT_EQ(allow.status, 405);
  EXPECT_EQ(allow.headers["allow"], "GET, HEAD, OPTIONS");
}

TEST_P(HttpProtocolTest, OptionsAndCorsPreflightsForListedOriginsOnly) {
  auto plain = anonymous().send("OPTIONS", "/v1/contacts");
  EXPECT_EQ(plain.status, 204);
  EXPECT_EQ(plain.headers["allow"], "GET, POST, HEAD, OPTIONS");
  EXPECT_EQ(anonymous().send("OPTIONS", "/v1/nope").status, 404);

  auto preflight = anonymous().send("OPTIONS", "/v1/contacts/1", "",
                                    {{"Origin", "https://crm.example.com"},
                                     {"Access-Control-Request-Method", "PATCH"},
                                     {"Access-Control-Request-Headers", "authorization,if-match"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.headers["access-control-allow-origin"], "https://crm.example.com");
  EXPECT_EQ(preflight.headers["access-control-allow-credentials"], "true");
  EXPECT_NE(preflight.headers["access-control-allow-methods"].find("PATCH"), std::string::npos);
  EXPECT_NE(preflight.headers["access-control-allow-headers"].find("If-Match"), std::string::npos);
  EXPECT_NE(preflight.headers["vary"].find("Origin"), std::string::npos);

  auto stranger = anonymous().send(
      "OPTIONS", "/v1/contacts", "",
      {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(stranger.status, 204);
  EXPECT_EQ(stranger.headers.count("access-control-allow-origin"), 0u);

  auto actual = client().send("GET", "/v1/me", "", {{"Origin", "https://crm.example.com"}});
  EXPECT_EQ(actual.headers["access-control-allow-origin"], "https://crm.example.com");
  EXPECT_NE(actual.headers["access-control-expose-headers"].find("ETag"), std::string::npos);
  auto foreign = client().send("GET", "/v1/me", "", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(foreign.headers.count("access-control-allow-origin"), 0u);

  // Public forms are posted from any site, without credentials.
  auto form = anonymous().send(
      "OPTIONS", "/f/anything", "",
      {{"Origin", "https://shop.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(form.status, 204);
  EXPECT_EQ(form.headers["access-control-allow-origin"], "*");
  EXPECT_EQ(form.headers.count("access-control-allow-credentials"), 0u);
}

std::string gunzip(const std::string& data) {
  std::istringstream in(data);
  Poco::InflatingInputStream z(in, Poco::InflatingStreamBuf::STREAM_GZIP);
  std::ostringstream out;
  out << z.rdbuf();
  return out.str();
}

TEST_P(HttpProtocolTest, LargeBodiesAreGzippedWhenTheClientAcceptsIt) {
  auto plain = anonymous().get("/v1/openapi.json");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.headers.count("content-encoding"), 0u);
  EXPECT_NE(plain.headers["vary"].find("Accept-Encoding"), std::string::npos);
  auto zipped =
      anonymous().send("GET", "/v1/openapi.json", "", {{"Accept-Encoding", "br;q=1, gzip;q=0.8"}});
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.headers["content-encoding"], "gzip");
  EXPECT_LT(zipped.body.size(), plain.body.size() / 3);
  EXPECT_EQ(gunzip(zipped.body), plain.body);
  auto refused = anonymous().send("GET", "/v1/openapi.json", "", {{"Accept-Encoding", "gzip;q=0"}});
  EXPECT_EQ(refused.headers.count("content-encoding"), 0u);
  auto small = client().send("GET", "/v1/me", "", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(small.headers.count("content-encoding"), 0u) << "under 1 KiB stays plain";

  // A streamed export streams compressed.
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(
        client().post("/v1/contacts", "{\"name\":\"Export " + std::to_string(i) + "\"}").status,
        201);
  }
  auto csv = client().get("/v1/exports/contacts?format=csv");
  auto csv_zipped =
      client().send("GET", "/v1/exports/contacts?format=csv", "", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(csv_zipped.status, 200);
  EXPECT_EQ(csv_zipped.headers["content-encoding"], "gzip");
  EXPECT_EQ(gunzip(csv_zipped.body), csv.body);
}

TEST_P(HttpProtocolTest, EveryRecordHasAnETagAndConditionalRequestsHonourIt) {
  auto created = client().post("/v1/tickets", R"({"subject":"Conditional"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string url =
      "/v1/tickets/" + std::to_string(created.json()->getValue<long long>("id"));
  auto get = client().get(url);
  const std::string etag = get.headers["etag"];
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(created.headers["etag"], etag) << "the create answer carries the same validator";

  auto unchanged = client().send("GET", url, "", {{"If-None-Match", etag}});
  EXPECT_EQ(unchanged.status, 304);
  EXPECT_TRUE(unchanged.body.empty());
  EXPECT_EQ(unchanged.headers["etag"], etag);
  EXPECT_EQ(client().send("GET", url, "", {{"If-None-Match", "\"other\""}}).status, 200);

  const std::map<std::string, std::string> json = {{"Content-Type", "application/json"}};
  auto stale_headers = json;
  stale_headers["If-Match"] = "\"999\"";
  auto stale = client().send("PATCH", url, R"({"priority":"low"})", stale_headers);
  EXPECT_EQ(stale.status, 412) << stale.body;
  EXPECT_EQ(
      stale.json()->getObject("error")->getObject("details")->getValue<std::string>("current_etag"),
      etag);
  auto weak_headers = json;
  weak_headers["If-Match"] = "W/" + etag;
  EXPECT_EQ(client().send("PATCH", url, R"({"priority":"low"})", weak_headers).status, 400);

  auto fresh_headers = json;
  fresh_headers["If-Match"] = etag;
  auto updated = client().send("PATCH", url, R"({"priority":"low"})", fresh_headers);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_NE(updated.headers["etag"], etag);
  EXPECT_EQ(updated.headers["etag"], client().get(url).headers["etag"]);
  // The old validator no longer deletes it.
  EXPECT_EQ(client().send("DELETE", url, "", {{"If-Match", etag}}).status, 412);
  EXPECT_EQ(client().send("DELETE", url, "", {{"If-Match", updated.headers["etag"]}}).status, 204);

  // So does a custom field, under its row lock.
  auto field =
      client().post("/v1/custom-fields", R"({"key":"seats","label":"Seats","type":"number"})");
  ASSERT_EQ(field.status, 201) << field.body;
  const std::string field_url =
      "/v1/custom-fields/" + std::to_string(field.json()->getValue<long long>("id"));
  auto field_stale = json;
  field_stale["If-Match"] = "\"0000000000000000\"";
  EXPECT_EQ(client().send("PATCH", field_url, R"({"label":"Licences"})", field_stale).status, 412);
  auto field_fresh = json;
  field_fresh["If-Match"] = field.headers["etag"];
  EXPECT_EQ(client().send("PATCH", field_url, R"({"label":"Licences"})", field_fresh).status, 200);
  EXPECT_EQ(client().send("DELETE", field_url, "", {{"If-Match", field.headers["etag"]}}).status,
            412);

  // And a team member.
  const std::string user_url = "/v1/users/" + std::to_string(user("olga"));
  const std::string user_etag = client().get(user_url).headers["etag"];
  auto user_fresh = json;
  user_fresh["If-Match"] = user_etag;
  EXPECT_EQ(client().send("PATCH", user_url, R"({"name":"Olga K"})", user_fresh).status, 200);
  EXPECT_EQ(client().send("PATCH", user_url, R"({"name":"Olga L"})", user_fresh).status, 412)
      << "the first change made that validator stale";

  // A hand-written route (a note) honours it too.
  auto contact = client().post("/v1/contacts", R"({"name":"Noted"})");
  const std::string notes =
      "/v1/contacts/" + std::to_string(contact.json()->getValue<long long>("id")) + "/notes";
  auto note = client().post(notes, R"({"body":"first"})");
  ASSERT_EQ(note.status, 201) << note.body;
  const std::string note_url = notes + "/" + std::to_string(note.json()->getValue<long long>("id"));
  auto note_stale = json;
  note_stale["If-Match"] = "\"0000000000000000\"";
  EXPECT_EQ(client().send("PATCH", note_url, R"({"body":"second"})", note_stale).status, 412);
  auto note_fresh = json;
  note_fresh["If-Match"] = client().get(note_url).headers["etag"];
  EXPECT_EQ(client().send("PATCH", note_url, R"({"body":"second"})", note_fresh).status, 200);
  EXPECT_EQ(client().send("DELETE", note_url, "", {{"If-Match", note_fresh["If-Match"]}}).status,
            412)
      << "the edit changed the note";
  EXPECT_EQ(
      client()
          .send("DELETE", note_url, "", {{"If-Match", client().get(note_url).headers["etag"]}})
          .status,
      204);
}

TEST_P(HttpProtocolTest, KeyedAnswersCarryRateLimitHeaders) {
  auto a = client().get("/v1/me");
  auto b = client().get("/v1/me");
  EXPECT_EQ(a.headers["ratelimit-limit"], "400");
  ASSERT_FALSE(a.headers["ratelimit-remaining"].empty());
  EXPECT_LT(std::stoi(b.headers["ratelimit-remaining"]), 400);
  EXPECT_GE(std::stoi(b.headers["ratelimit-reset"]), 0);
  EXPECT_EQ(anonymous().get("/health").headers.count("ratelimit-limit"), 0u);
}

SB_INSTANTIATE_BACKENDS(HttpProtocolTest);

class RateLimitedProtocolTest : public HttpProtocolTest {
 protected:
  void adjust(Config& c) override {
    HttpProtocolTest::adjust(c);
    c.http.rate_limit_rps = 0.01;
    c.http.rate_limit_burst = 1;
  }
};

TEST_P(RateLimitedProtocolTest, A429NeverRunsTheBodyAsTheNextRequest) {
  ASSERT_EQ(client().get("/v1/me").status, 200);  // the one token
  const std::string head = "POST /v1/contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer " +
                           kOwnerKey + "\r\nContent-Type: application/json\r\n";
  for (bool use_chunked : {false, true}) {
    Exchange ex = exchange(use_chunked ? chunked(head, smuggled_request())
                                       : with_length(head, smuggled_request()));
    ASSERT_FALSE(ex.responses.empty());
    EXPECT_EQ(ex.responses[0].status, 429);
    EXPECT_FALSE(ex.responses[0].headers["retry-after"].empty());
    EXPECT_EQ(ex.responses[0].headers["ratelimit-remaining"], "0");
    if (!ex.closed) {
      ASSERT_EQ(ex.responses.size(), 2u);
      EXPECT_EQ(ex.responses[1].status, 200);
    }
  }
  auto metrics = anonymous().get("/metrics");
  EXPECT_EQ(metrics.body.find(R"(method="POST",route="/v1/contacts",status="201")"),
            std::string::npos);
}

SB_INSTANTIATE_BACKENDS(RateLimitedProtocolTest);

}  // namespace
}  // namespace sb::test
