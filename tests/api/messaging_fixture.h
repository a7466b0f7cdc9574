// Fixture of the email/SMS API tests: the real server with SB_SMTP_URL pointing at an
// aiosmtpd server on loopback, and the event bus driven by the test (drain()).
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/URI.h>

#include <chrono>
#include <regex>
#include <thread>

#include "crm_fixture.h"
#include "events/dispatcher.h"
#include "model/contact_json.h"
#include "support/smtp_sink.h"

namespace sb::test {

class MessagingTest : public CrmTest {
 protected:
  void adjust(Config& c) override {
    c.events.workers = 0;  // the test drives the dispatcher
    c.events.backoff_base = std::chrono::milliseconds(0);
    c.workflows_dir = "";
    c.messaging.smtp_url = "smtp://127.0.0.1:" + std::to_string(sink_.port()) + "?timeout_ms=3000";
    c.messaging.public_url = "https://crm.test";
    c.messaging.email_from = "hello@shop.test";
    c.campaigns.poll = std::chrono::milliseconds(100);
  }
  void drain() {
    for (int i = 0; i < 50 && server_->dispatcher().run_once() > 0; ++i) {
    }
  }
  long long add_workflow(const std::string& name, const std::string& source) {
    Poco::JSON::Object o;
    o.set("name", name);
    o.set("source", source);
    return create("/v1/workflows", json_text(o));
  }
  HttpResult put_messaging_settings(const std::string& body) {
    return client().send("PUT", "/v1/settings/messaging", body,
                         {{"Content-Type", "application/json"}});
  }
  // A workflow that queues the "welcome" email twice for every new contact.
  void welcome_twice() {
    add_workflow("twice", R"(
on("contact.created", function(e)
  crm.email.send(e.contact, "welcome")
  crm.email.send(e.contact, "welcome")
end)
)");
  }
  long long email_template(const std::string& name = "welcome") {
    return create(
        "/v1/templates",
        R"({"name":")" + name +
            R"(","channel":"email","subject":"Hi {{ contact.first_name | default: \"there\" }} ✓",)"
            R"("html":"<p>Hello {{contact.name}}, code {{ vars.code }}</p><a href=\"https://shop.test/p?a=1&amp;b=2\">Shop</a> <a href=\"{{unsubscribe_url}}\">Unsubscribe</a>",)"
            R"("text":"Hello {{contact.name | default: \"there\"}}, code {{vars.code}}"})");
  }
  Poco::JSON::Object::Ptr outbox(long long n = 0) {
    auto data = client().get("/v1/outbox").json()->getArray("data");
    return data->size() > static_cast<std::size_t>(n) ? data->getObject(static_cast<unsigned>(n))
                                                      : nullptr;
  }
  // Path and query of a link in a sent HTML part.
  static std::string local_path(const std::string& url) {
    Poco::URI u(url);
    return u.getPathEtc();
  }
  std::vector<std::string> links(const std::string& html) {
    std::vector<std::string> out;
    std::regex href("(?:href|src)=\"([^\"]+)\"");
    for (std::sregex_iterator it(html.begin(), html.end(), href), end; it != end; ++it) {
      std::string v = (*it)[1];
      std::string raw;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (v.compare(i, 5, "&amp;") == 0) {
          raw += '&';
          i += 4;
        } else {
          raw += v[i];
        }
      }
      out.push_back(raw);
    }
    return out;
  }
  Poco::JSON::Object::Ptr wait_campaign(long long id, const std::string& status) {
    Poco::JSON::Object::Ptr c;
    for (int i = 0; i < 300; ++i) {
      c = client().get("/v1/campaigns/" + std::to_string(id)).json();
      if (c->getValue<std::string>("status") == status) return c;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "campaign " << id << " never became " << status;
    return c;
  }
  SmtpSink sink_;
};

}  // namespace sb::test
