// Chat capture over HTTP on both backends: agents and their keys, ingestion (contacts,
// conversations, messages, events), extraction with provenance, idempotency, conversation
// events and close, bot lookups, gated access, search, and bad input.
#include <Poco/JSON/Parser.h>

#include "capture/conversation_closer.h"
#include "capture_fixture.h"
#include "model/clock.h"
#include "support/failure_injection.h"

namespace sb::test {
namespace {

std::string s(long long v) {
  return std::to_string(v);
}

TEST_P(CaptureTest, AgentKeyMayOnlyPostAndLookUpForItsOwnAgent) {
  Bot a = bot();
  Bot other = bot(R"({"name":"Other"})");
  ASSERT_EQ(post(a, msg("m1", "u1", "hello")).status, 200);
  EXPECT_EQ(client(a.key).get("/v1/contacts").status, 403);
  EXPECT_EQ(client(a.key).get("/v1/agents").status, 403);
  EXPECT_EQ(
      client(a.key).post("/v1/agents/" + s(other.agent) + "/messages", msg("m1", "u1", "x")).status,
      403);
  EXPECT_EQ(client(a.key).post("/v1/api-keys", R"({"name":"x","role":"owner"})").status, 403);
  // The key shows in the team's key list with its agent.
  auto keys = client().get("/v1/api-keys");
  EXPECT_NE(keys.body.find("\"role\":\"agent-bot\""), std::string::npos);
  EXPECT_NE(keys.body.find("\"agent_id\":" + s(a.agent)), std::string::npos);
  // Only admins create agents and their keys.
  std::string agent_key = key_with_role("agent");
  EXPECT_EQ(client(agent_key).post("/v1/agents", R"({"name":"x"})").status, 403);
  EXPECT_EQ(client(agent_key).post("/v1/agents/" + s(a.agent) + "/keys", "{}").status, 403);
}

TEST_P(CaptureTest, AMessageBecomesContactConversationMessageAndEvents) {
  Bot b = bot();
  // A minute ago, so the idle-conversation closer (30 min) leaves it open whatever the date.
  const std::string sent_at = format_iso8601(now_ms() / 1000 * 1000 - 60'000);
  auto r =
      post(b, R"({"id":"m1","conversation_id":"c1","platform":"whatsapp","user_id":"+34600111222",
                       "user_name":"Ana","role":"user","text":"hola","timestamp":")" +
                  sent_at + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  long long contact = r.json()->getValue<long long>("contact_id");
  long long conversation = r.json()->getValue<long long>("conversation_id");
  EXPECT_GT(r.json()->getValue<long long>("message_id"), 0);
  auto c = contact_json(contact);
  EXPECT_EQ(c->getValue<std::string>("source"), "chat");
  EXPECT_EQ(c->getValue<std::string>("platform"), "whatsapp");
  EXPECT_EQ(c->getValue<std::string>("external_id"), "+34600111222");
  EXPECT_EQ(c->getValue<std::string>("name"), "Ana");
  EXPECT_EQ(c->getValue<std::string>("last_active"), sent_at);
  auto activity = c->getObject("activity");
  EXPECT_EQ(activity->getValue<int>("message_count"), 1);
  EXPECT_EQ(activity->getValue<int>("conversation_count"), 1);
  EXPECT_EQ(activity->getValue<std::string>("last_channel"), "whatsapp");
  auto conv = client().get("/v1/conversations/" + s(conversation));
  ASSERT_EQ(conv.status, 200);
  EXPECT_EQ(conv.json()->getValue<std::string>("status"), "open");
  EXPECT_EQ(conv.json()->getValue<int>("message_count"), 1);
  auto messages = client().get("/v1/conversations/" + s(conversation) + "/messages");
  EXPECT_NE(messages.body.find("\"text\":\"hola\""), std::string::npos);
  auto types = event_types();
  EXPECT_EQ(count_of(types, "contact.created"), 1);
  EXPECT_EQ(count_of(types, "conversation.started"), 1);
  EXPECT_EQ(count_of(types, "message.received"), 1);
  // Order: the contact exists before its conversation starts, which precedes the message.
  auto pos = [&](const std::string& t) {
    return std::find(types.begin(), types.end(), t) - types.begin();
  };
  EXPECT_LT(pos("contact.created"), pos("conversation.started"));
  EXPECT_LT(pos("conversation.started"), pos("message.received"));
  auto timeline = client().get("/v1/contacts/" + s(contact) + "/timeline");
  EXPECT_NE(timeline.body.find("conversation_started"), std::string::npos);
}

// A chat view shows the newest messages first and scrolls back: order=desc pages from the
// newest, and its cursor walks back without repeating or skipping a message.
TEST_P(CaptureTest, ATranscriptPagesFromTheNewestBackwards) {
  Bot b = bot();
  std::string batch = "[";
  for (int i = 1; i <= 5; ++i) {
    batch += std::string(i > 1 ? "," : "") + R"({"id":"m)" + std::to_string(i) +
             R"(","conversation_id":"c","platform":"web","user_id":"u","text":"t)" +
             std::to_string(i) + R"("})";
  }
  auto r = post(b, batch + "]");
  ASSERT_EQ(r.status, 200) << r.body;
  auto convs = client().get("/v1/conversations").json()->getArray("data");
  const std::string base = "/v1/conversations/" +
                           s(convs->getObject(0)->getValue<long long>("id")) + "/messages?limit=2";
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto p = client().get(base + "&order=desc" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(p.status, 200) << p.body;
    auto data = p.json()->getArray("data");
    for (std::size_t i = 0; i < data->size(); ++i)
      seen.push_back(data->getObject(i)->getValue<std::string>("text"));
    if (p.json()->isNull("next_cursor")) break;
    cursor = p.json()->getValue<std::string>("next_cursor");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"t5", "t4", "t3", "t2", "t1"}));
  EXPECT_EQ(client().get(base + "&order=sideways").status, 422);
  EXPECT_EQ(client().get(base + "&page=2").status, 422);
}

TEST_P(CaptureTest, ExtractsDetailsIntentSentimentAndInterestsWithProvenance) {
  ASSERT_EQ(client()
                .send("PUT", "/v1/settings/capture",
                      R"({"interests":{"yoga":"wellness","spa":"wellness","surf":"sports"}})",
                      {{"Content-Type", "application/json"}})
                .status,
            200);
  Bot b = bot();
  auto r = post(b, msg("m1", "u1",
                       "Hi, my name is Ana Lopez. I work at Acme Corp, write to ANA@Example.com or "
                       "+34 600 123 456. How much is the yoga class? The price matters"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = contact_json(r.json()->getValue<long long>("contact_id"));
  EXPECT_EQ(c->getValue<std::string>("name"), "Ana Lopez");
  EXPECT_EQ(c->getValue<std::string>("email"), "ana@example.com");
  EXPECT_EQ(c->getValue<std::string>("phone"), "+34600123456");
  EXPECT_EQ(c->getValue<std::string>("purchase_intent"), "comparing");
  EXPECT_EQ(c->getObject("metadata")->getValue<std::string>("company"), "Acme Corp");
  EXPECT_EQ(c->getArray("interests")->size(), 1u);
  auto sources = c->getObject("field_sources");
  ASSERT_TRUE(sources->has("email")) << c->get("field_sources").toString();
  auto email = sources->getObject("email");
  EXPECT_EQ(email->getValue<std::string>("source"), "contact_details");
  EXPECT_GT(email->getValue<double>("confidence"), 0.9);
  EXPECT_EQ(email->getValue<long long>("message_id"), r.json()->getValue<long long>("message_id"));
  EXPECT_EQ(sources->getObject("purchase_intent")->getValue<std::string>("source"), "intent");
  // The answer says what was captured.
  EXPECT_NE(r.body.find("\"field\":\"email\""), std::string::npos) << r.body;

  // A stronger signal raises intent (one intent_changed per change); a weaker one never lowers it.
  ASSERT_EQ(post(b, msg("m2", "u1", "ok I want to buy now")).status, 200);
  auto weaker = post(b, msg("m3", "u1", "just looking for information"));
  ASSERT_EQ(weaker.status, 200);
  EXPECT_NE(weaker.body.find("capture only raises intent"), std::string::npos);
  c = contact_json(r.json()->getValue<long long>("contact_id"));
  EXPECT_EQ(c->getValue<std::string>("purchase_intent"), "ready_to_buy");
  // The first message's intent came with contact.created; ready_to_buy is one change.
  EXPECT_EQ(count_of(event_types(), "contact.intent_changed"), 1);

  // Negative sentiment lands on the message and its event; the contact follows.
  auto angry = post(b, msg("m4", "u1", "This is terrible, the worst service, I am very angry"));
  ASSERT_EQ(angry.status, 200);
  c = contact_json(r.json()->getValue<long long>("contact_id"));
  EXPECT_EQ(c->getValue<std::string>("sentiment"), "negative");
  auto search = client().get("/v1/messages/search?q=terrible");
  EXPECT_NE(search.body.find("\"sentiment\":\"negative\""), std::string::npos);
}

TEST_P(CaptureTest, APersonsEditIsNeverOverwrittenByCapture) {
  Bot b = bot();
  auto r = post(b, msg("m1", "u1", "my name is Ana"));
  long long id = r.json()->getValue<long long>("contact_id");
  ASSERT_EQ(patch("/v1/contacts/" + s(id), R"({"name":"Ana María Pérez"})").status, 200);
  auto again = post(b, msg("m2", "u1", "my name is Anita"));
  ASSERT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("a person set this field"), std::string::npos) << again.body;
  auto c = contact_json(id);
  EXPECT_EQ(c->getValue<std::string>("name"), "Ana María Pérez");
  EXPECT_EQ(c->getObject("field_sources")->getObject("name")->getValue<std::string>("source"),
            "user");
}

TEST_P(CaptureTest, OnlyCustomFieldsOpenToAiAreFilled) {
  create("/v1/custom-fields", R"({"key":"plan","label":"Plan","type":"text","allow_for_ai":true})");
  create("/v1/custom-fields",
         R"({"key":"vip","label":"VIP","type":"boolean","allow_for_ai":false})");
  Bot b = bot();
  auto r = post(
      b,
      msg("m1", "u1", "hi",
          R"(,"fields":{"plan":{"value":"pro","confidence":0.9},"vip":true,"email":"not-an-email","favourite_color":"blue"})"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = contact_json(r.json()->getValue<long long>("contact_id"));
  EXPECT_EQ(c->getObject("custom_fields")->getValue<std::string>("plan"), "pro");
  EXPECT_FALSE(c->getObject("custom_fields")->has("vip"));
  EXPECT_TRUE(c->isNull("email"));
  EXPECT_NE(r.body.find("not open to AI capture"), std::string::npos);
  EXPECT_NE(r.body.find("no custom field with this key"), std::string::npos);
  EXPECT_NE(r.body.find("\"field\":\"email\""), std::string::npos);  // refused, with its reason
  EXPECT_EQ(
      c->getObject("field_sources")->getObject("custom.plan")->getValue<std::string>("source"),
      "bot");
}

TEST_P(CaptureTest, ARepostedMessageIsStoredOnceAndAnsweredTheSame) {
  Bot b = bot();
  std::string body = msg("m1", "u1", "my email is a@b.io");
  auto first = post(b, body);
  auto second = post(b, body);
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(first.body, second.body);
  // Duplicates inside one batch answer as their first occurrence.
  auto batch = post(b, "[" + msg("m2", "u1", "x") + "," + msg("m2", "u1", "x") + "," + body + "]");
  ASSERT_EQ(batch.status, 200) << batch.body;
  auto items = batch.json()->getArray("items");
  EXPECT_EQ(items->getObject(0)->getValue<long long>("message_id"),
            items->getObject(1)->getValue<long long>("message_id"));
  EXPECT_EQ(items->getObject(2)->getValue<long long>("message_id"),
            first.json()->getValue<long long>("message_id"));
  auto c = contact_json(first.json()->getValue<long long>("contact_id"));
  EXPECT_EQ(c->getObject("activity")->getValue<int>("message_count"), 2);
  EXPECT_EQ(count_of(event_types(), "message.received"), 2);
}

TEST_P(CaptureTest, ResolvesByEmailAcrossPlatformsAndRemembersTheIdentity) {
  long long known = contact("Ana", "ana@shop.io");
  Bot b = bot();
  auto r = post(
      b,
      R"({"id":"t1","conversation_id":"tg1","platform":"telegram","user_id":"991","text":"I'm ana@shop.io"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()->getValue<long long>("contact_id"), known);
  // Later messages from that Telegram user need no email to find her.
  auto later = post(
      b,
      R"({"id":"t2","conversation_id":"tg1","platform":"telegram","user_id":991,"text":"thanks"})");
  EXPECT_EQ(later.json()->getValue<long long>("contact_id"), known);
  // An email that belongs to someone else is not copied onto another contact.
  auto other = post(b, msg("w1", "web-9", "my mail is ana@shop.io"));
  ASSERT_EQ(other.status, 200);
  EXPECT_EQ(other.json()->getValue<long long>("contact_id"), known);
  long long bob = contact("Bob", "bob@shop.io");
  auto clash = post(
      b,
      R"({"id":"t3","conversation_id":"tg1","platform":"telegram","user_id":"991","text":"or bob@shop.io"})");
  EXPECT_NE(clash.body.find("belongs to contact " + s(bob)), std::string::npos) << clash.body;
}

TEST_P(CaptureTest, ConversationEventsBehaviourAndClose) {
  Bot b = bot();
  std::string base = R"("conversation_id":"c9","platform":"web","user_id":"u9")";
  auto item = [&](const std::string& id, const std::string& rest) {
    return "{\"id\":\"" + id + "\"," + base + "," + rest + "}";
  };
  auto r = post(
      b,
      "[" + item("1", R"("role":"user","text":"hi","timestamp":"2026-11-21T09:00:00Z")") + "," +
          item("2", R"("role":"bot","text":"hello","timestamp":"2026-11-21T09:00:30Z")") + "," +
          item("3", R"("role":"user","text":"help","timestamp":"2026-11-21T09:05:00Z")") + "," +
          item("4", R"("role":"bot","text":"sure","timestamp":"2026-11-21T09:06:00Z")") + "," +
          item("5",
               R"("type":"handoff","reason":"wants a human","timestamp":"2026-11-21T09:07:00Z")") +
          "," +
          item(
              "6",
              R"("type":"feedback","rating":4,"comment":"good","timestamp":"2026-11-21T09:08:00Z")") +
          "," + item("7", R"("type":"resolved","timestamp":"2026-11-21T09:10:00Z")") + "]");
  ASSERT_EQ(r.status, 200) << r.body;
  auto items = r.json()->getArray("items");
  long long conv = items->getObject(0)->getValue<long long>("conversation_id");
  long long contact = items->getObject(0)->getValue<long long>("contact_id");
  auto c = client().get("/v1/conversations/" + s(conv)).json();
  EXPECT_EQ(c->getValue<std::string>("status"), "closed");
  EXPECT_EQ(c->getValue<std::string>("close_reason"), "resolved");
  EXPECT_TRUE(c->getValue<bool>("handed_off"));
  EXPECT_EQ(c->getValue<int>("rating"), 4);
  EXPECT_EQ(c->getValue<int>("user_message_count"), 2);
  auto activity = contact_json(contact)->getObject("activity");
  EXPECT_DOUBLE_EQ(activity->getValue<double>("median_response_seconds"), 45.0);  // 30 s and 60 s
  EXPECT_EQ(activity->getArray("preferred_hours_utc")->getElement<int>(0), 9);
  auto types = event_types();
  for (const char* t : {"conversation.handoff", "conversation.feedback", "conversation.resolved",
                        "conversation.ended"}) {
    EXPECT_EQ(count_of(types, t), 1) << t;
  }
  // The same external conversation id after it ended opens a new conversation.
  auto next = post(b, item("8", R"("role":"user","text":"again")"));
  EXPECT_NE(next.json()->getValue<long long>("conversation_id"), conv);
  long long reopened = next.json()->getValue<long long>("conversation_id");
  auto closed = client().post("/v1/conversations/" + s(reopened) + "/close", "");
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json()->getValue<std::string>("close_reason"), "closed");
  EXPECT_EQ(count_of(event_types(), "conversation.ended"), 2);
  EXPECT_EQ(contact_json(contact)->getObject("activity")->getValue<int>("conversation_count"), 2);
  auto list = client().get("/v1/contacts/" + s(contact) + "/conversations");
  EXPECT_EQ(ids(list).size(), 2u);
}

TEST_P(CaptureTest, IdleConversationsCloseAfterTheAgentsIdleTime) {
  Bot b = bot(R"({"name":"Idle","idle_minutes":1})");
  EpochMs old = now_ms() - 5 * 60 * 1000;
  auto r = post(b, msg("m1", "u1", "hello", ",\"timestamp\":" + std::to_string(old)));
  ASSERT_EQ(r.status, 200) << r.body;
  Bot fresh = bot(R"({"name":"Busy"})");
  ASSERT_EQ(post(fresh, msg("m1", "u2", "hello")).status, 200);
  ContactStore contacts(server_->database().dialect());
  capture::ConversationCloser closer(contacts);
  // The server's own periodic pass may have closed it first: either way, exactly once.
  EXPECT_LE(closer.close_idle(server_->database(), now_ms(), 100), 1);
  EXPECT_EQ(closer.close_idle(server_->database(), now_ms(), 100), 0);
  auto c = client().get("/v1/conversations/" + s(r.json()->getValue<long long>("conversation_id")));
  EXPECT_EQ(c.json()->getValue<std::string>("close_reason"), "idle");
  EXPECT_EQ(count_of(event_types(), "conversation.ended"), 1);
}

TEST_P(CaptureTest, SearchFindsWordsWithinTheTeamOnly) {
  Bot b = bot();
  ASSERT_EQ(post(b, msg("m1", "u1", "Do you ship to Madrid?")).status, 200);
  ASSERT_EQ(post(b, msg("m2", "u2", "Where is my order")).status, 200);
  auto r = client().get("/v1/messages/search?q=madrid");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()->getArray("data")->size(), 1u);
  // Query syntax of the engines is plain text here.
  for (std::string q : {"%22madrid", "madrid%20OR%20order", "NEAR(a%20b)", "ship*", "'%3B--"}) {
    EXPECT_EQ(client().get("/v1/messages/search?q=" + q).status, 200) << q;
  }
  EXPECT_EQ(
      client().get("/v1/messages/search?q=madrid%20OR%20order").json()->getArray("data")->size(),
      0u);
  EXPECT_EQ(client().get("/v1/messages/search").status, 400);
  // The contacts list filters by what contacts wrote.
  auto contacts = client().get("/v1/contacts?message=order");
  ASSERT_EQ(contacts.status, 200) << contacts.body;
  EXPECT_EQ(contacts.json()->getArray("data")->size(), 1u);
  auto b_team = provision_team(server_->database(), "Team B", std::nullopt, false);
  HttpClient other = client(b_team->owner_key.secret);
  EXPECT_EQ(other.get("/v1/messages/search?q=madrid").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(other.get("/v1/contacts?message=order").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(other.get("/v1/agents/" + s(b.agent)).status, 404);
  EXPECT_EQ(other.post("/v1/agents/" + s(b.agent) + "/messages", msg("x", "y", "z")).status, 404);
  EXPECT_EQ(other.get("/v1/conversations").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(other.get("/v1/conversations/1/messages").status, 404);
  EXPECT_EQ(other.post("/v1/conversations/1/close", "").status, 404);
  EXPECT_EQ(
      other.get("/v1/agents/" + s(b.agent) + "/contacts/lookup?platform=web&external_id=u1").status,
      404);
}

TEST_P(CaptureTest, BotsLookUpTheirContactsAndUpdateWhatCustomersTellThem) {
  Bot b = bot();
  auto r = post(b, msg("m1", "u1", "my name is Ana, ana@x.io"));
  long long id = r.json()->getValue<long long>("contact_id");
  create("/v1/tickets", "{\"subject\":\"Order late\",\"contact_id\":" + s(id) + "}");
  create(
      "/v1/appointments",
      "{\"contact_id\":" + s(id) +
          R"(,"service":"Spa","starts_at":"2031-01-01T10:00:00Z","ends_at":"2031-01-01T11:00:00Z"})");
  HttpClient as_bot = client(b.key);
  std::string base = "/v1/agents/" + s(b.agent);
  auto look = as_bot.get(base + "/contacts/lookup?platform=web&external_id=u1");
  ASSERT_EQ(look.status, 200) << look.body;
  EXPECT_EQ(look.json()->getObject("contact")->getValue<long long>("id"), id);
  EXPECT_EQ(look.json()->getArray("open_tickets")->size(), 1u);
  EXPECT_EQ(look.json()->getObject("next_appointment")->getValue<std::string>("service"), "Spa");
  EXPECT_EQ(look.json()->getArray("recent_conversations")->size(), 1u);
  EXPECT_EQ(as_bot.get(base + "/contacts/lookup?email=ANA@x.io").status, 200);
  EXPECT_EQ(as_bot.get(base + "/contacts/lookup?email=nobody@x.io").status, 404);
  EXPECT_EQ(as_bot.get(base + "/contacts/lookup?phone=12").status, 400);
  EXPECT_EQ(as_bot.get(base + "/contacts/lookup").status, 400);
  // A contact that never talked to this bot stays invisible to its key.
  long long stranger = contact("Zed", "zed@x.io");
  EXPECT_EQ(as_bot.get(base + "/contacts/lookup?email=zed@x.io").status, 404);
  EXPECT_EQ(as_bot
                .send("PATCH", base + "/contacts/" + s(stranger), R"({"name":"Z"})",
                      {{"Content-Type", "application/json"}})
                .status,
            404);
  auto upd = as_bot.send("PATCH", base + "/contacts/" + s(id), R"({"email":"ana@new.io"})",
                         {{"Content-Type", "application/json"}});
  ASSERT_EQ(upd.status, 200) << upd.body;
  EXPECT_EQ(upd.json()->getValue<std::string>("email"), "ana@new.io");
  EXPECT_EQ(as_bot
                .send("PATCH", base + "/contacts/" + s(id), R"({"tags":["x"]})",
                      {{"Content-Type", "application/json"}})
                .status,
            422);
  // Capture does not overwrite what the customer said through the bot.
  post(b, msg("m2", "u1", "old one: ana@x.io"));
  EXPECT_EQ(contact_json(id)->getValue<std::string>("email"), "ana@new.io");
}

TEST_P(CaptureTest, RestrictedAndPaidAgentsAdmitOnlyKnownOrSubscribedContacts) {
  long long ana = contact("Ana", "ana@x.io");
  long long blocked = contact("Bo", "bo@x.io");
  ASSERT_EQ(patch("/v1/contacts/" + s(blocked), R"({"status":"blocked"})").status, 200);
  Bot restricted = bot(R"({"name":"R","visibility":"restricted"})");
  auto ask = [&](const Bot& b, const std::string& body) {
    auto r = client(b.key).post("/v1/agents/" + s(b.agent) + "/access", body);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()->getValue<bool>("allowed");
  };
  EXPECT_TRUE(ask(restricted, R"({"email":"ANA@x.io"})"));
  EXPECT_FALSE(ask(restricted, R"({"email":"new@x.io"})"));
  EXPECT_FALSE(ask(restricted, R"({"email":"bo@x.io"})"));
  EXPECT_EQ(client().post("/v1/agents", R"({"name":"P","visibility":"paid"})").status, 422);
  Bot paid = bot(R"({"name":"P","visibility":"paid","paid_tag":"Subscriber"})");
  EXPECT_FALSE(ask(paid, R"({"email":"ana@x.io"})"));
  ASSERT_EQ(patch("/v1/contacts/" + s(ana), R"({"tags":["subscriber"]})").status, 200);
  EXPECT_TRUE(ask(paid, R"({"email":"ana@x.io"})"));
  Bot open = bot(R"({"name":"O"})");
  EXPECT_TRUE(ask(open, R"({"phone":"+34600000000"})"));
  EXPECT_EQ(client(open.key).post("/v1/agents/" + s(open.agent) + "/access", "{}").status, 422);
}

TEST_P(CaptureTest, TrackingOffStoresNothingAndIsNeverRetroactive) {
  Bot b = bot(R"({"name":"Quiet","customer_tracking":false})");
  auto r = post(b, msg("m1", "u1", "my email is a@b.io"));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_FALSE(r.json()->getValue<bool>("captured"));
  EXPECT_EQ(client().get("/v1/contacts").json()->getArray("data")->size(), 0u);
  ASSERT_EQ(patch("/v1/agents/" + s(b.agent), R"({"customer_tracking":true})").status, 200);
  ASSERT_EQ(post(b, msg("m2", "u1", "hello")).status, 200);
  auto conv = client().get("/v1/conversations").json()->getArray("data")->getObject(0);
  EXPECT_EQ(conv->getValue<int>("message_count"), 1);  // m1 was never kept
}

TEST_P(CaptureTest, BadInputGetsPreciseErrors) {
  Bot b = bot();
  EXPECT_EQ(client().post("/v1/agents/999/messages", msg("m", "u", "x")).status, 404);
  auto missing =
      post(b, "[" + msg("m1", "u1", "ok") + R"(,{"id":"m2","conversation_id":"c1","text":"x"}])");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(field_of(missing), "messages[1].user_id") << missing.body;
  auto ts = post(b, msg("m1", "u1", "x", R"(,"timestamp":"yesterday")"));
  EXPECT_EQ(field_of(ts), "timestamp");
  EXPECT_EQ(field_of(post(b, msg("m1", "u1", "x", R"(,"timestamp":"2099-01-01T00:00:00Z")"))),
            "timestamp");
  EXPECT_EQ(field_of(post(b, msg("m1", "u1", "x", R"(,"colour":"red")"))), "colour");
  EXPECT_EQ(field_of(post(b, msg("m1", "u1", "x", R"(,"role":"robot")"))), "role");
  EXPECT_EQ(
      field_of(post(
          b, R"({"id":"m","conversation_id":"c","user_id":"u","platform":"zalo","text":"x"})")),
      "platform");  // the agent is not on Zalo
  std::string big(1 << 20, 'a');
  auto huge = post(b, msg("m1", "u1", big));
  EXPECT_EQ(huge.status, 422);
  EXPECT_EQ(field_of(huge), "text");
  std::string batch = "[";
  for (int i = 0; i < 501; ++i) batch += (i ? "," : "") + msg("m" + s(i), "u", "x");
  EXPECT_EQ(post(b, batch + "]").status, 413);
  EXPECT_EQ(post(b, "[]").status, 422);
  EXPECT_EQ(post(b, "{\"id\":\"m\",\"text\":\"\xff\xfe\"}").status, 400);
  EXPECT_EQ(post(b, "{\"id\":").status, 400);
  auto feedback = post(
      b,
      R"({"id":"f","conversation_id":"c","user_id":"u","platform":"web","type":"feedback","rating":9})");
  EXPECT_EQ(field_of(feedback), "rating");
  // None of it stored anything.
  EXPECT_EQ(client().get("/v1/contacts").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(count_of(event_types(), "message.received"), 0);
}

// A database failure in the middle of a batch leaves nothing of the batch behind, and
// the next request is served.
TEST_P(CaptureTest, ADatabaseFailureMidBatchWritesNothing) {
  Bot b = bot();
  fail_writes(server_->database(), "fail_boom", "INSERT", "messages", "NEW.text = 'boom'");
  auto r = post(b, "[" + msg("m1", "new-user", "my email is new@x.io") + "," +
                       msg("m2", "new-user", "boom") + "]");
  EXPECT_GE(r.status, 500) << r.body;
  EXPECT_EQ(client().get("/v1/contacts").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(client().get("/v1/conversations").json()->getArray("data")->size(), 0u);
  auto types = event_types();
  EXPECT_EQ(count_of(types, "contact.created") + count_of(types, "message.received"), 0);
  auto ok = post(b, msg("m3", "new-user", "fine"));
  EXPECT_EQ(ok.status, 200) << ok.body;
}

SB_INSTANTIATE_BACKENDS(CaptureTest);

}  // namespace
}  // namespace sb::test
