// Load threads of the chaos suite.
#include "chaos/workload.h"

#include <Poco/Exception.h>

#include <chrono>
#include <cstdio>
#include <random>

namespace sb::test::chaos {
namespace {

using Clock = std::chrono::steady_clock;

bool is_lost_answer(const HttpResult& r) {
  return r.status == 409 && r.body.find("applied, response not kept") != std::string::npos;
}

bool worth_retrying(const HttpResult& r) {
  if (r.status >= 500 || r.status == 429) return true;
  return r.status == 409 && r.body.find("in progress") != std::string::npos;
}

}  // namespace

Workload::Workload(Fleet& fleet, Ledger& ledger, WorkloadSetup setup)
    : fleet_(fleet), ledger_(ledger), setup_(std::move(setup)) {}

Workload::~Workload() {
  stop();
}

void Workload::start() {
  for (int n = 0; n < setup_.rest_writers; ++n)
    threads_.emplace_back([this, n] { rest_writer(n); });
  threads_.emplace_back([this] { chat_writer(); });
}

void Workload::stop() {
  stop_ = true;
  for (auto& t : threads_) t.join();
  threads_.clear();
}

Workload::Settled Workload::send(const std::string& kind, const std::string& key,
                                 const std::string& method, const std::string& path,
                                 const std::string& body,
                                 const std::map<std::string, std::string>& headers,
                                 HttpResult& answer) {
  const auto deadline = Clock::now() + std::chrono::seconds(45);
  for (int attempt = 0;; ++attempt) {
    if (attempt > 0) {
      std::lock_guard lock(ledger_.mutex);
      ++ledger_.retries[kind];
    }
    int port = fleet_.any_port(next_server_++);
    if (port > 0) {
      HttpClient client(port);
      client.set_key(key);
      try {
        answer = client.send(method, path, body, headers);
        if (answer.status / 100 == 2 || is_lost_answer(answer)) return Settled::kAcked;
        if (!worth_retrying(answer)) return Settled::kRefused;
      } catch (const Poco::Exception&) {
        answer = HttpResult{};  // the server died or is restarting: try the other one
      }
    }
    if (Clock::now() > deadline) return Settled::kUnknown;
    std::this_thread::sleep_for(std::chrono::milliseconds(50 + 50 * std::min(attempt, 8)));
  }
}

void Workload::rest_writer(int n) {
  std::mt19937 random(static_cast<unsigned>(n));
  std::vector<long long> mine;
  const std::map<std::string, std::string> json = {{"Content-Type", "application/json"}};
  for (int i = 0; i < setup_.max_ops_per_writer && !stop_; ++i) {
    const std::string email = "r" + std::to_string(n) + "-" + std::to_string(i) + "@chaos.test";
    char phone[32];  // unique per contact: the SMS stub's recipients are counted by number
    std::snprintf(phone, sizeof phone, "+49151%d%06d", n + 1, i);
    auto headers = json;
    headers["Idempotency-Key"] = "rest-" + std::to_string(n) + "-" + std::to_string(i);
    HttpResult r;
    Settled s =
        send("contact.create", setup_.owner_key, "POST", "/v1/contacts",
             R"({"name":"Rest )" + std::to_string(n) + " " + std::to_string(i) + R"(","email":")" +
                 email + R"(","phone":")" + phone + R"(","tags":["chaos"]})",
             headers, r);
    {
      std::lock_guard lock(ledger_.mutex);
      if (s == Settled::kAcked && r.status == 201) {
        long long id = r.json()->getValue<long long>("id");
        ledger_.contacts[email] = id;
        mine.push_back(id);
        ++ledger_.acked["contact.create"];
      } else if (s == Settled::kAcked) {
        ledger_.contacts_applied.insert(email);
        ++ledger_.acked["contact.create"];
      } else if (s == Settled::kUnknown) {
        ledger_.contacts_unknown.insert(email);
        ++ledger_.unknown["contact.create"];
      } else {
        ++ledger_.refused["contact.create"];
        if (ledger_.refusals.size() < 5) ledger_.refusals.push_back(r.body);
      }
    }
    if (mine.empty() || i % 2) continue;
    // A PATCH of one of this writer's contacts: the writer is its only patcher, so the
    // stored value must be the last acknowledged one or one sent after it.
    long long id = mine[random() % mine.size()];
    const std::string value = "v" + std::to_string(n) + "-" + std::to_string(i);
    {
      std::lock_guard lock(ledger_.mutex);
      ledger_.needs[id].unsure.insert(value);
    }
    s = send("contact.update", setup_.owner_key, "PATCH", "/v1/contacts/" + std::to_string(id),
             R"({"needs":")" + value + R"("})", json, r);
    std::lock_guard lock(ledger_.mutex);
    if (s == Settled::kAcked) {
      ledger_.needs[id] = {value, {}};
      ++ledger_.acked["contact.update"];
    } else if (s == Settled::kUnknown) {
      ++ledger_.unknown["contact.update"];
    } else {
      ledger_.needs[id].unsure.erase(value);
      ++ledger_.refused["contact.update"];
      if (ledger_.refusals.size() < 5) ledger_.refusals.push_back(r.body);
    }
  }
}

void Workload::chat_writer() {
  const std::string path = "/v1/agents/" + std::to_string(setup_.agent_id) + "/messages";
  const std::map<std::string, std::string> json = {{"Content-Type", "application/json"}};
  for (int i = 0; i < setup_.max_ops_per_writer && !stop_; ++i) {
    // Three messages per conversation; the first gives the customer's email.
    const int conversation = i / 3;
    const std::string conv = "conv-" + std::to_string(conversation);
    const std::string id = "m-" + std::to_string(i);
    const std::string text = i % 3 == 0
                                 ? "Hi, I am Chat " + std::to_string(conversation) + ", chat-" +
                                       std::to_string(conversation) + "@chaos.test"
                                 : "message " + std::to_string(i % 3);
    HttpResult r;
    Settled s = send("chat.message", setup_.bot_key, "POST", path,
                     R"({"id":")" + id + R"(","conversation_id":")" + conv + R"(","user_id":"u-)" +
                         std::to_string(conversation) + R"(","text":")" + text + R"("})",
                     json, r);
    std::lock_guard lock(ledger_.mutex);
    if (s == Settled::kAcked) {
      ledger_.messages[conv + "/" + id] = r.json()->getValue<long long>("message_id");
      ++ledger_.acked["chat.message"];
    } else if (s == Settled::kUnknown) {
      ledger_.messages_unknown.insert(conv + "/" + id);
      ++ledger_.unknown["chat.message"];
    } else {
      ++ledger_.refused["chat.message"];
      if (ledger_.refusals.size() < 5) ledger_.refusals.push_back(r.body);
    }
  }
}

}  // namespace sb::test::chaos
