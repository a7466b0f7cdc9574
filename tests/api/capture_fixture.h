// Helpers of the chat capture API tests: an agent with its ingest key, and posting
// messages as that bot.
#pragma once

#include <string>

#include "crm_fixture.h"

namespace sb::test {

class CaptureTest : public CrmTest {
 protected:
  struct Bot {
    long long agent = 0;
    std::string key;
  };
  Bot bot(
      const std::string& body = R"({"name":"Web bot","platforms":["web","whatsapp","telegram"]})",
      const std::string& as = kOwnerKey) {
    Bot b;
    b.agent = create("/v1/agents", body, as);
    auto r = client(as).post("/v1/agents/" + std::to_string(b.agent) + "/keys", "{}");
    EXPECT_EQ(r.status, 201) << r.body;
    b.key = r.json()->getValue<std::string>("key");
    return b;
  }
  HttpResult post(const Bot& b, const std::string& body) {
    return client(b.key).post("/v1/agents/" + std::to_string(b.agent) + "/messages", body);
  }
  // One user message on web; extra JSON members may follow in `more` (",\"fields\":{...}").
  static std::string msg(const std::string& id, const std::string& user, const std::string& text,
                         const std::string& more = "", const std::string& conversation = "c1") {
    return R"({"id":")" + id + R"(","conversation_id":")" + conversation +
           R"(","platform":"web","user_id":")" + user + R"(","text":")" + text + "\"" + more + "}";
  }
  Poco::JSON::Object::Ptr contact_json(long long id) {
    auto r = client().get("/v1/contacts/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
};

}  // namespace sb::test
