// sms_http: an "sms" channel provider for Twilio-compatible HTTP APIs (Twilio, and the
// services that mimic its Messages resource). Settings (sms_http.conf):
//   base_url = https://api.twilio.com       (http:// is accepted for loopback testing)
//   account_sid = AC...                     auth_token = ...
//   from = +15550001111                     (a message's own "from" wins)
//   timeout_ms = 10000
// Sending: POST {base_url}/2010-04-01/Accounts/{sid}/Messages.json, form-encoded To, From,
// Body and StatusCallback, HTTP Basic auth. 2xx -> {"provider_id": sid, "status"}; 429, 5xx
// and network failures -> retry; other 4xx -> failed with the provider's message.
// Delivery reports (the StatusCallback POST: MessageSid, MessageStatus, ErrorCode) are read
// by the provider's status function.
#include <Poco/Base64Encoder.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <memory>
#include <sstream>
#include <string>
#include <switchboard/plugin.hpp>

namespace {

using switchboard::Json;

struct Settings {
  Poco::URI base;
  std::string account_sid, auth_token, from;
  long timeout_ms = 10000;
};

bool is_e164(const std::string& s) {
  if (s.size() < 9 || s.size() > 16 || s[0] != '+' || s[1] == '0') return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

std::string basic_auth(const std::string& user, const std::string& password) {
  std::ostringstream out;
  Poco::Base64Encoder enc(out);
  enc.rdbuf()->setLineLength(0);
  enc << user << ':' << password;
  enc.close();
  return "Basic " + out.str();
}

// The provider's error text: Twilio answers {"code": N, "message": "..."}.
std::string provider_error(int status, const std::string& body) {
  std::string why = "HTTP " + std::to_string(status);
  try {
    Json j = Json::parse(body);
    if (j["message"].is_string()) why += ": " + j["message"].as_string();
    if (j["code"].is_number()) why += " (code " + std::to_string(j["code"].as_int()) + ")";
  } catch (const std::exception&) {
  }
  return why;
}

class Sender {
 public:
  explicit Sender(Settings s) : s_(std::move(s)) {
    if (s_.base.getScheme() == "https") {
      // Verifies the provider's certificate against the system's CA store.
      context_ = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "",
                                        Poco::Net::Context::VERIFY_RELAXED, 9, true);
    }
  }

  Json send(const Json& message) const {
    const std::string to = message["to"].as_string();
    if (!is_e164(to)) throw std::runtime_error("'to' is not an E.164 number: '" + to + "'");
    const std::string from = message["from"].as_string(s_.from);
    if (from.empty()) throw std::runtime_error("no sender: set 'from' in sms_http.conf");
    const std::string text = message["text"].as_string();
    if (text.empty()) throw std::runtime_error("the message has no text");

    Poco::Net::HTMLForm form;
    form.set("To", to);
    form.set("From", from);
    form.set("Body", text);
    if (message["status_callback"].is_string()) {
      form.set("StatusCallback", message["status_callback"].as_string());
    }
    std::string path = s_.base.getPath();
    if (!path.empty() && path.back() == '/') path.pop_back();
    path += "/2010-04-01/Accounts/" + s_.account_sid + "/Messages.json";

    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, path,
                               Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", basic_auth(s_.account_sid, s_.auth_token));
    form.prepareSubmit(req);
    std::string body;
    int status = 0;
    try {
      auto session = open();
      form.write(session->sendRequest(req));
      Poco::Net::HTTPResponse resp;
      std::istream& in = session->receiveResponse(resp);
      Poco::StreamCopier::copyToString(in, body);
      status = resp.getStatus();
    } catch (const Poco::Exception& e) {
      throw switchboard::Retry("cannot reach " + s_.base.getHost() + ": " + e.displayText());
    }
    if (status == 429 || status >= 500) throw switchboard::Retry(provider_error(status, body));
    if (status < 200 || status > 299) throw std::runtime_error(provider_error(status, body));
    Json answer;
    try {
      answer = Json::parse(body);
    } catch (const std::exception&) {
      throw switchboard::Retry("HTTP " + std::to_string(status) + " with a body that is not JSON");
    }
    if (!answer["sid"].is_string()) throw std::runtime_error("the answer has no message sid");
    return Json::object()
        .set("provider_id", answer["sid"])
        .set("status", answer["status"].as_string("queued"));
  }

 private:
  std::unique_ptr<Poco::Net::HTTPClientSession> open() const {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (context_) {
      session = std::make_unique<Poco::Net::HTTPSClientSession>(s_.base.getHost(),
                                                                s_.base.getPort(), context_);
    } else {
      session =
          std::make_unique<Poco::Net::HTTPClientSession>(s_.base.getHost(), s_.base.getPort());
    }
    session->setTimeout(Poco::Timespan(s_.timeout_ms * 1000));
    return session;
  }

  Settings s_;
  Poco::Net::Context::Ptr context_;
};

// A delivery report: {"form": {MessageSid, MessageStatus, ErrorCode?, ErrorMessage?}}.
Json read_status(const Json& request) {
  const Json& form = request["form"];
  std::string sid = form["MessageSid"].as_string(form["SmsSid"].as_string());
  std::string status = form["MessageStatus"].as_string(form["SmsStatus"].as_string());
  if (sid.empty() || status.empty()) {
    throw std::runtime_error("a status report needs MessageSid and MessageStatus");
  }
  static const char* known[] = {"accepted",  "scheduled",   "queued", "sending", "sent",
                                "delivered", "undelivered", "failed", "read",    "canceled"};
  bool ok = false;
  for (const char* k : known) ok = ok || status == k;
  if (!ok) throw std::runtime_error("unknown MessageStatus '" + status + "'");
  // Switchboard's states: queued | sent | delivered | failed | undelivered.
  if (status == "accepted" || status == "scheduled" || status == "sending") status = "queued";
  if (status == "read") status = "delivered";
  if (status == "canceled") status = "failed";
  Json out = Json::object().set("provider_id", sid).set("status", status);
  if (!form["ErrorCode"].as_string().empty()) {
    std::string error = "error " + form["ErrorCode"].as_string();
    if (!form["ErrorMessage"].as_string().empty()) error += ": " + form["ErrorMessage"].as_string();
    out.set("error", error);
  }
  return out;
}

}  // namespace

SWITCHBOARD_PLUGIN(plugin) {
  plugin.describe("sms_http", "1.0.0", "SMS through Twilio-compatible HTTP APIs");
  plugin.settings({"base_url", "account_sid", "auth_token", "from", "timeout_ms"});
  Settings s;
  s.base = Poco::URI(plugin.config_or("base_url", "https://api.twilio.com"));
  if (s.base.getScheme() != "https" && s.base.getScheme() != "http") {
    throw std::runtime_error("base_url must be an http(s) URL");
  }
  s.account_sid = plugin.config_or("account_sid", "");
  s.auth_token = plugin.config_or("auth_token", "");
  s.from = plugin.config_or("from", "");
  s.timeout_ms = std::stol(plugin.config_or("timeout_ms", "10000"));
  if (s.account_sid.empty() || s.auth_token.empty()) {
    // Loaded but inert until configured: the send says what is missing.
    plugin.log(SB_LOG_WARN, "account_sid and auth_token are not set in sms_http.conf");
  }
  if (!s.from.empty() && !is_e164(s.from)) throw std::runtime_error("from must be E.164");
  auto sender = std::make_shared<Sender>(s);
  const bool configured = !s.account_sid.empty() && !s.auth_token.empty();
  plugin.provider(
      "sms", "twilio",
      [sender, configured](switchboard::Call&, const Json& message) {
        if (!configured)
          throw std::runtime_error("sms_http is not configured (account_sid, auth_token)");
        return sender->send(message);
      },
      SB_FLAG_SENDS_MESSAGES | SB_FLAG_READS_ONLY,
      [](switchboard::Call&, const Json& request) { return read_status(request); });
}
