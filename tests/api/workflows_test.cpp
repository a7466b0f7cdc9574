// Lua workflows end to end: REST registry, runs driven through the real dispatcher, the
// crm API writing through the stores, sandbox limits, before hooks, timers, isolation.
#include <soci/soci.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "crm_fixture.h"
#include "events/dispatcher.h"
#include "model/contact_json.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class WorkflowTest : public CrmTest {
 protected:
  void adjust(Config& c) override {
    c.events.workers = 0;  // the test drives the dispatcher: deterministic
    c.events.backoff_base = std::chrono::milliseconds(0);
    c.workflows_dir = "";
  }
  long long add_workflow(const std::string& name, const std::string& source, int expect = 201,
                         const std::string& key = kOwnerKey) {
    Poco::JSON::Object o;
    o.set("name", name);
    o.set("source", source);
    auto r = client(key).post("/v1/workflows", json_text(o));
    EXPECT_EQ(r.status, expect) << r.body;
    last_body_ = r.body;
    return r.status == 201 ? r.json()->getValue<long long>("id") : 0;
  }
  // Delivers every due event (including ones handlers add) on this thread.
  void drain() {
    for (int i = 0; i < 50 && server_->dispatcher().run_once() > 0; ++i) {
    }
  }
  Poco::JSON::Array::Ptr runs(long long workflow) {
    auto r = client().get("/v1/workflows/" + std::to_string(workflow) + "/runs");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()->getArray("data");
  }
  Poco::JSON::Object::Ptr get_contact(long long id, const std::string& key = kOwnerKey) {
    auto r = client(key).get("/v1/contacts/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  long long group(const std::string& name, const std::vector<long long>& members) {
    std::string list;
    for (long long m : members) list += (list.empty() ? "" : ",") + std::to_string(m);
    return create("/v1/groups", "{\"name\":\"" + name + "\",\"members\":[" + list + "]}");
  }
  std::string last_body_;
};

TEST_P(WorkflowTest, NewChatLeadIsAssignedRoundRobinAndStagedNew) {
  long long ann = user("ann"), bob = user("bob");
  group("sales", {ann, bob});
  long long wf = add_workflow("new-lead", R"(
on("contact.created", function(e)
  if e.contact.source ~= "api" then return end
  crm.assign(e.contact, { strategy = "round_robin", group = "sales" })
  crm.set_stage(e.contact, "New")
  crm.log("assigned", e.contact.id)
end)
)");
  long long c1 = contact("One"), c2 = contact("Two"), c3 = contact("Three");
  drain();
  EXPECT_EQ(get_contact(c1)->getValue<long long>("owner_id"), ann);
  EXPECT_EQ(get_contact(c2)->getValue<long long>("owner_id"), bob);
  EXPECT_EQ(get_contact(c3)->getValue<long long>("owner_id"), ann);  // wraps: fair rotation
  EXPECT_EQ(get_contact(c1)->getValue<std::string>("stage"), "New");
  auto log = runs(wf);
  ASSERT_EQ(log->size(), 3u);
  auto run = log->getObject(0);
  EXPECT_EQ(run->getValue<std::string>("outcome"), "ok");
  EXPECT_EQ(run->getValue<std::string>("event_type"), "contact.created");
  EXPECT_NE(run->getValue<std::string>("log").find("assigned"), std::string::npos);
  auto actions = run->getArray("actions");
  ASSERT_EQ(actions->size(), 2u);
  EXPECT_EQ(actions->getObject(0)->getValue<std::string>("action"), "assign");
  // The workflow's writes are ordinary writes: their events and timeline are there.
  EXPECT_GE(count_of(event_types(), "contact.stage_changed"), 3);
}

TEST_P(WorkflowTest, SourceThatDoesNotLoadIsRefusedWithItsLine) {
  add_workflow("broken", "on('contact.created', function(e)\n  if then\nend)\n", 422);
  EXPECT_NE(last_body_.find("broken.lua:2"), std::string::npos) << last_body_;
  add_workflow("bad-cron", "every('61 * * * *', function() end)", 422);
  add_workflow("bad-before", "before('contact.explode', function() end)", 422);
  add_workflow("Bad Name", "", 422);
  // Registering outside the load phase is an error at run time, not a silent no-op.
  long long wf =
      add_workflow("late", "retries = 0 on('contact.created', function(e) on('x', print) end)");
  contact("Late");
  drain();
  auto log = runs(wf);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_NE(log->getObject(0)->getValue<std::string>("error").find("only be called while"),
            std::string::npos);
}

TEST_P(WorkflowTest, CheckReportsProblemsAtTheirLinesAndStoresNothing) {
  auto check = [&](const std::string& source, const std::string& key = kOwnerKey) {
    Poco::JSON::Object o;
    o.set("name", "draft");
    o.set("source", source);
    return client(key).post("/v1/workflows/check", json_text(o));
  };
  // A syntax error: the only problem, at its line.
  auto r = check("on('contact.created', function(e)\n  if then\nend)\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json()->getValue<bool>("loads"));
  auto problems = r.json()->getArray("problems");
  ASSERT_EQ(problems->size(), 1u) << r.body;
  EXPECT_EQ(problems->getObject(0)->getValue<int>("line"), 2);
  // It loads, but calls a crm function that does not exist and listens for no real event.
  r = check(
      "on('contact.created', function(e)\n  crm.tagg(e.contact, 'x')\nend)\n"
      "on('contact.exploded', function(e) end)\n");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()->getValue<bool>("loads"));
  EXPECT_FALSE(r.json()->getValue<bool>("ok"));
  problems = r.json()->getArray("problems");
  ASSERT_EQ(problems->size(), 2u) << r.body;
  EXPECT_EQ(problems->getObject(0)->getValue<int>("line"), 2);
  EXPECT_NE(problems->getObject(0)->getValue<std::string>("message").find("did you mean crm.tag"),
            std::string::npos);
  EXPECT_EQ(problems->getObject(1)->getValue<int>("line"), 4);
  // A clean source lists its handlers; nothing was stored by any check.
  r = check("on('contact.created', function(e) crm.tag(e.contact, 'new') end)");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()->getValue<bool>("ok"));
  EXPECT_EQ(r.json()->getArray("handlers")->getElement<std::string>(0), "on contact.created");
  EXPECT_EQ(client().get("/v1/workflows").json()->getArray("data")->size(), 0u);
  // Refused: no source, an unknown field, an agent (admins only).
  EXPECT_EQ(client().post("/v1/workflows/check", "{}").status, 422);
  EXPECT_EQ(client().post("/v1/workflows/check", R"({"source":"","lang":"js"})").status, 422);
  EXPECT_EQ(check("", key_with_role("agent")).status, 403);
}

TEST_P(WorkflowTest, TestRunActsOnAScratchStoreAndNeverOnTheTeamsData) {
  long long real = contact("Real customer");
  const std::string source =
      "on('message.received', function(e)\n"
      "  crm.assign(e.contact, { strategy = 'round_robin', group = 'support' })\n"
      "  crm.tag(e.contact, 'escalated')\n"
      "  crm.tickets.create({ contact = e.contact, subject = 'Unhappy: ' .. e.message.text })\n"
      "  crm.log('escalated', e.contact.name)\n"
      "end)\n";
  auto test_run = [&](const std::string& body, const std::string& key = kOwnerKey) {
    return client(key).post("/v1/workflows/test", body);
  };
  Poco::JSON::Object o;
  o.set("name", "escalate");
  o.set("source", source);
  Poco::JSON::Parser parser;
  o.set("event", parser.parse(R"({"type":"message.received","contact_id":1,
                                  "payload":{"message":{"text":"this is broken"}}})"));
  o.set("fixtures", parser.parse(R"([
    {"resource":"users","items":[{"email":"sam@example.com","name":"Sam","role":"agent"}]},
    {"resource":"groups","items":[{"name":"support","members":[1]}]},
    {"resource":"contacts","items":[{"name":"Scratch Sally"}]}])"));
  auto r = test_run(json_text(o));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()->getValue<bool>("ok")) << r.body;
  auto run_list = r.json()->getArray("runs");
  ASSERT_EQ(run_list->size(), 1u) << r.body;
  auto run = run_list->getObject(0);
  EXPECT_EQ(run->getValue<std::string>("outcome"), "ok");
  EXPECT_NE(run->getValue<std::string>("log").find("escalated\tScratch Sally"), std::string::npos)
      << r.body;
  auto actions = run->getArray("actions");
  ASSERT_EQ(actions->size(), 3u) << r.body;
  EXPECT_EQ(actions->getObject(0)->getValue<std::string>("action"), "assign");
  EXPECT_EQ(actions->getObject(2)->getValue<std::string>("action"), "tickets.create");
  // The team's data: nothing stored, tagged, assigned or opened; no workflow, no run.
  auto mine = get_contact(real);
  EXPECT_EQ(mine->getArray("tags")->size(), 0u);
  EXPECT_TRUE(mine->isNull("owner_id"));
  EXPECT_EQ(client().get("/v1/tickets").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(client().get("/v1/workflows").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(client().get("/v1/groups").json()->getArray("data")->size(), 0u);

  // A failing handler: ok false, the error at its line of the named source.
  Poco::JSON::Object failing;
  failing.set("name", "boom");
  failing.set("source", "on('contact.created', function(e)\n  error('no luck')\nend)\n");
  failing.set("event", parser.parse(R"({"type":"contact.created"})"));
  r = test_run(json_text(failing));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(r.json()->getValue<bool>("ok"));
  EXPECT_NE(r.json()->getArray("runs")->getObject(0)->getValue<std::string>("error").find(
                "boom.lua:2: no luck"),
            std::string::npos)
      << r.body;

  // A cron handler runs as the scheduler would tick it.
  Poco::JSON::Object cron;
  cron.set("source", "every('0 9 * * *', function(e) crm.log('tick', e.cron) end)\n");
  cron.set("event", parser.parse(R"({"type":"cron"})"));
  r = test_run(json_text(cron));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("tick\\t0 9 * * *"), std::string::npos) << r.body;
}

TEST_P(WorkflowTest, TestRunRefusesWhatItCannotRunAndSaysWhere) {
  auto refused_field = [&](const std::string& body) {
    auto r = client().post("/v1/workflows/test", body);
    EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
    if (r.status != 422) return std::string();
    return r.json()->getObject("error")->getObject("details")->getValue<std::string>("field");
  };
  const std::string ok_source = R"j("source":"on('contact.created', function() end)")j";
  EXPECT_EQ(refused_field("{" + ok_source + "}"), "event");
  EXPECT_EQ(refused_field("{" + ok_source + R"(,"event":{"type":"contact.created","at":1}})"),
            "event.at");
  EXPECT_EQ(refused_field("{" + ok_source + R"(,"event":{"type":"x"},"colour":1})"), "colour");
  // A source that does not load: its line, as saving it would say.
  auto r = client().post("/v1/workflows/test",
                         R"j({"source":"on('x', function()\n if then\nend)","name":"bad",)j"
                         R"("event":{"type":"x"}})");
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("bad.lua:2"), std::string::npos) << r.body;
  // A fixture the API refuses names its set, its item and the API's answer.
  r = client().post("/v1/workflows/test", "{" + ok_source +
                                              R"(,"event":{"type":"contact.created"},)"
                                              R"("fixtures":[{"resource":"contacts","items":[)"
                                              R"({"name":"Ok"},{"emial":"x@example.com"}]}]})");
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("fixtures[0] item 1"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("emial"), std::string::npos) << r.body;
  EXPECT_EQ(
      refused_field("{" + ok_source +
                    R"(,"event":{"type":"x"},"fixtures":[{"resource":"../keys","items":[]}]})"),
      "fixtures[0]");
  EXPECT_EQ(refused_field("{" + ok_source + R"(,"event":{"type":"x"},"fixtures":[{"items":[]}]})"),
            "resource");
  EXPECT_EQ(refused_field("{" + ok_source +
                          R"(,"event":{"type":"x"},"fixtures":[{"resource":"contacts"}]})"),
            "fixtures[0].items");
  EXPECT_EQ(
      refused_field("{" + ok_source + R"(,"event":{"type":"contact.created","contact_id":9}})"),
      "event");
  EXPECT_EQ(refused_field("{" + ok_source + R"(,"event":{"type":"cron"}})"), "event.type");
  // Admins only.
  EXPECT_EQ(client(key_with_role("agent"))
                .post("/v1/workflows/test", "{" + ok_source + R"(,"event":{"type":"x"}})")
                .status,
            403);
}

TEST_P(WorkflowTest, RuntimeErrorRetriesWithTracebackAndLeavesNothingBehind) {
  long long bad = add_workflow("bad", R"(
local function explode(c) error("no luck for " .. c.name) end
on("contact.created", function(e)
  crm.set_stage(e.contact, "Contacted")   -- rolled back with the failed run
  explode(e.contact)
end)
)");
  long long good =
      add_workflow("good", "on('contact.created', function(e) crm.tag(e.contact, 'seen') end)");
  long long c = contact("Zed");
  drain();
  auto contact_json = get_contact(c);
  EXPECT_TRUE(contact_json->isNull("stage") ||
              contact_json->getValue<std::string>("stage") != "Contacted");
  EXPECT_EQ(contact_json->getArray("tags")->size(), 1u);  // the good workflow ran
  auto log = runs(bad);
  ASSERT_GE(log->size(), 1u);
  std::string error = log->getObject(0)->getValue<std::string>("error");
  EXPECT_NE(error.find("bad.lua:2: no luck for Zed"), std::string::npos) << error;
  EXPECT_NE(error.find("stack traceback"), std::string::npos) << error;
  EXPECT_EQ(runs(good)->size(), 1u);  // a retry does not run the good workflow again
  EXPECT_EQ(client().get("/v1/workflows/" + std::to_string(bad) + "/runs?limit=0").status, 422);
  EXPECT_EQ(runs(bad)->size(), 8u);  // every attempt is logged, up to the bus's limit
  // Retried with backoff 0 by drain(): the failures pile up until the event is dead.
  auto dead = client().get("/v1/dead-letters");
  EXPECT_NE(dead.body.find("contact.created"), std::string::npos) << dead.body;
}

TEST_P(WorkflowTest, RetriesZeroFailsAtOnce) {
  long long wf =
      add_workflow("once", "retries = 0\non('contact.created', function() error('x') end)");
  contact("A");
  drain();
  EXPECT_EQ(runs(wf)->size(), 1u);
  EXPECT_NE(client().get("/v1/dead-letters").body.find("once: "), std::string::npos);
}

TEST_P(WorkflowTest, HostileScriptsEndWithClearErrorsAndTheServerGoesOn) {
  struct Case {
    std::string name, body, expect;  // expect: one message, or alternatives joined by " | "
  } cases[] = {
      {"loop", "while true do end", "instruction budget"},
      {"pcall-loop", "while true do pcall(function() while true do end end) end",
       "instruction budget"},
      // Filling memory takes a while: on a slow build (sanitizers, a loaded machine) the
      // wall-clock deadline may end it first. "recursion" below reaches the cap quickly.
      {"memory", "local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end",
       "memory limit | deadline exceeded"},
      // Catching the memory error must not switch the other limits off: the run ends (as
      // above, the deadline may come first).
      {"pcall-memory-then-loop",
       "pcall(function() local t = {} for i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end end) "
       "while true do end",
       "memory limit | deadline exceeded"},
      {"rep-bomb", "local s = ('x'):rep(1e9)", "string.rep: result would exceed"},
      {"pattern", "local s = ('a'):rep(5000) s:find('.-.-.-b')", "too expensive"},
      // Lua's own stack limit lies beyond the memory cap: the cap ends runaway recursion.
      {"recursion", "local function f(n) return 1 + f(n + 1) end f(1)", "memory limit"},
      {"yield", "coroutine.yield(1)", "yield"},
      {"io", "io.open('/etc/passwd')", "attempt to index a nil value (global 'io')"},
      {"os-exit", "os.exit(1)", "attempt to call a nil value (field 'exit')"},
      {"bytecode", "load(string.dump(print))", "attempt to call a nil value (field 'dump')"},
      {"binary-load", "assert(load('\\27Lua', 'x', 'b'))", "only text chunks"},
      {"gc", "setmetatable({}, {__gc = function() while true do end end})", "__gc"},
      {"crm-write", "crm.get = nil", "read-only"},
  };
  std::vector<long long> ids;
  for (const Case& c : cases) {
    ids.push_back(
        add_workflow(c.name, "retries = 0\non('contact.created', function(e) " + c.body + " end)"));
  }
  long long ok =
      add_workflow("after", "on('contact.created', function(e) crm.tag(e.contact, 'ok') end)");
  long long c = contact("Victim");
  drain();
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto log = runs(ids[i]);
    ASSERT_EQ(log->size(), 1u) << cases[i].name;
    EXPECT_EQ(log->getObject(0)->getValue<std::string>("outcome"), "error") << cases[i].name;
    std::string error = log->getObject(0)->getValue<std::string>("error");
    bool found = false;
    for (std::size_t from = 0; from <= cases[i].expect.size();) {
      const std::size_t bar = std::min(cases[i].expect.find(" | ", from), cases[i].expect.size());
      found = found || error.find(cases[i].expect.substr(from, bar - from)) != std::string::npos;
      from = bar + 3;
    }
    EXPECT_TRUE(found) << cases[i].name << ": " << error;
  }
  EXPECT_EQ(runs(ok)->size(), 1u);
  EXPECT_EQ(get_contact(c)->getArray("tags")->getElement<std::string>(0), "ok");
  EXPECT_EQ(client().get("/health").status, 200);
}

TEST_P(WorkflowTest, HugeLogOutputIsTruncated) {
  long long wf = add_workflow("chatty", R"(
on("contact.created", function(e) for i = 1, 100000 do crm.log(("y"):rep(100), i) end end)
)");
  contact("A");
  drain();
  std::string log = runs(wf)->getObject(0)->getValue<std::string>("log");
  EXPECT_LT(log.size(), 20000u);
  EXPECT_NE(log.find("[log truncated]"), std::string::npos);
}

TEST_P(WorkflowTest, WorkflowsCannotSeeEachOthersGlobals) {
  add_workflow("writer", "secret = 42\non('contact.created', function(e) shared = 'w' end)");
  long long reader = add_workflow("reader", R"(
on("contact.created", function(e) crm.log(tostring(secret), tostring(shared), tostring(_G.secret)) end)
)");
  contact("A");
  drain();
  EXPECT_EQ(runs(reader)->getObject(0)->getValue<std::string>("log"), "nil\tnil\tnil\n");
}

TEST_P(WorkflowTest, FiltersSelectEvents) {
  long long wf = add_workflow("vip", R"(
on("contact.updated", { ["contact.status"] = {"vip", "gold"} }, function(e) crm.log("vip!") end)
)");
  long long c = contact("A");
  drain();
  ASSERT_EQ(
      client()
          .send("PUT", "/v1/settings/contact-statuses", R"({"statuses":["new","vip","gold"]})",
                {{"Content-Type", "application/json"}})
          .status,
      200);
  patch("/v1/contacts/" + std::to_string(c), R"({"name":"B"})");
  patch("/v1/contacts/" + std::to_string(c), R"({"status":"vip"})");
  drain();
  auto log = runs(wf);
  ASSERT_EQ(log->size(), 1u);
  EXPECT_EQ(log->getObject(0)->getValue<std::string>("log"), "vip!\n");
}

TEST_P(WorkflowTest, BeforeHooksRejectAndAdjustInsideTheWrite) {
  add_workflow("guard", R"(
before("contact.create", function(change)
  if change.after.email and change.after.email:match("@spam%.test$") then
    return crm.reject("spam domains are not accepted")
  end
  change.set.stage = "New"
end)
before("ticket.create", function(change)
  if change.after.subject:find("urgent") then change.set.priority = "urgent" end
end)
)");
  auto r = client().post("/v1/contacts", R"({"name":"X","email":"x@spam.test"})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("spam domains are not accepted"), std::string::npos);
  EXPECT_EQ(client().get("/v1/contacts").json()->getArray("data")->size(), 0u);  // nothing kept
  long long c = contact("Y", "y@ok.test");
  EXPECT_EQ(get_contact(c)->getValue<std::string>("stage"), "New");
  long long t = create("/v1/tickets", R"({"subject":"urgent: broken"})");
  auto ticket = client().get("/v1/tickets/" + std::to_string(t)).json();
  EXPECT_EQ(ticket->getValue<std::string>("priority"), "urgent");
  // Before hooks may not write.
  add_workflow("writer-hook", R"(
before("contact.update", function(change) crm.tag(change.after.id, "x") end)
)");
  auto w = patch("/v1/contacts/" + std::to_string(c), R"({"name":"Z"})");
  EXPECT_EQ(w.status, 422) << w.body;
  EXPECT_NE(w.body.find("not allowed in before hooks"), std::string::npos) << w.body;
}

TEST_P(WorkflowTest, TimersReplaceByKeyCancelOnEventsAndSeeFreshState) {
  long long wf = add_workflow("nudge", R"(
on("contact.created", function(e)
  crm.later(0, "nudge", { n = 1 }, { key = "n" .. e.contact.id })
  crm.later(0, "nudge", { n = 2 }, { key = "n" .. e.contact.id })   -- replaces the first
  crm.later("1h", "reminder", {}, { cancel_on = {"contact.updated"} })
end)
on("nudge", function(e) crm.log("nudge", e.data.n, e.contact.name) end)
on("reminder", function(e) crm.log("reminder") end)
)");
  long long c = contact("Before");
  server_->dispatcher().run_once();  // contact.created: the timers are set
  patch("/v1/contacts/" + std::to_string(c), R"({"name":"After"})");  // cancels the reminder
  drain();
  auto log = runs(wf);
  std::string logs;
  for (std::size_t i = 0; i < log->size(); ++i) {
    auto r = log->getObject(static_cast<unsigned>(i));
    if (!r->isNull("log")) logs += r->getValue<std::string>("log");
  }
  EXPECT_EQ(logs, "nudge\t2\tAfter\n");  // one nudge, the newer one, with today's name
  auto events = client().get("/v1/events?type=workflow.timer").json()->getArray("data");
  EXPECT_EQ(events->size(), 1u);  // the replaced and the cancelled timers are gone
}

// The chat message that creates a contact is committed with it: its message.received is
// handled after contact.created set the follow-up, but it happened before, so it must not
// cancel it. A message that arrives later does.
TEST_P(WorkflowTest, AFollowUpIsCancelledOnlyByEventsAfterItWasSet) {
  long long wf = add_workflow("follow-up", R"(
on("contact.created", function(e)
  crm.later("2h", "nudge", {}, { cancel_on = {"message.received"} })
end)
on("nudge", function(e) crm.log("nudge") end)
)");
  long long agent = create("/v1/agents", R"({"name":"Web bot","platforms":["web"]})");
  auto key = client().post("/v1/agents/" + std::to_string(agent) + "/keys", "{}");
  ASSERT_EQ(key.status, 201) << key.body;
  auto say = [&](const std::string& id, const std::string& text) {
    auto r = client(key.json()->getValue<std::string>("key"))
                 .post("/v1/agents/" + std::to_string(agent) + "/messages",
                       R"({"id":")" + id +
                           R"(","conversation_id":"c1","platform":"web","user_id":"u1","text":")" +
                           text + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
  };
  auto pending_timers = [&] {
    return client().get("/v1/events?type=workflow.timer").json()->getArray("data")->size();
  };
  say("m1", "hello, do you ship to Lisbon?");  // creates the contact
  drain();
  EXPECT_EQ(pending_timers(), 1u) << "the first message cancelled the follow-up it caused";
  say("m2", "still there?");
  drain();
  EXPECT_EQ(pending_timers(), 0u) << "a later message cancels it";
  EXPECT_EQ(runs(wf)->size(), 1u) << "the nudge never ran";
}

TEST_P(WorkflowTest, MessagingAndNotificationsAreQueued) {
  long long ann = user("ann");
  group("support", {ann});
  add_workflow("reach", R"(
on("contact.created", function(e)
  crm.email.send(e.contact, "welcome", { coupon = "X1" })
  local ok, why = crm.sms.send(e.contact, "hi")
  crm.log(tostring(ok), why)
  crm.notify("support", "new contact " .. e.contact.name, e.contact)
  crm.tickets.create { contact = e.contact, subject = "Call back", priority = "high" }
  crm.webhook.post("https://example.test/hook", { id = e.contact.id })
end)
)");
  long long c = contact("Mail", "mail@example.test");
  drain();
  auto outbox = client().get("/v1/outbox").json()->getArray("data");
  ASSERT_EQ(outbox->size(), 2u);  // email and webhook; no phone, so no SMS
  EXPECT_EQ(outbox->getObject(0)->getValue<std::string>("recipient"), "mail@example.test");
  // No SB_SMTP_URL here: the channel layer says so on the message instead of holding it.
  EXPECT_EQ(outbox->getObject(0)->getValue<std::string>("status"), "failed");
  EXPECT_EQ(outbox->getObject(0)->getValue<std::string>("reason"),
            "email is not configured (SB_SMTP_URL)");
  // The webhook is sent (tests/api/webhooks_test.cpp); this host never resolves, so it waits
  // for its next attempt (retried for SB_WEBHOOK_RETRY_HOURS), saying why.
  EXPECT_EQ(outbox->getObject(1)->getValue<std::string>("status"), "queued");
  EXPECT_EQ(outbox->getObject(1)->getValue<int>("attempts"), 1);
  EXPECT_NE(outbox->getObject(1)->getValue<std::string>("reason").find("example.test"),
            std::string::npos)
      << outbox->getObject(1)->getValue<std::string>("reason");
  auto notes =
      client().get("/v1/notifications?user_id=" + std::to_string(ann)).json()->getArray("data");
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_EQ(notes->getObject(0)->getValue<long long>("contact_id"), c);
  auto tickets =
      client().get("/v1/tickets?contact_id=" + std::to_string(c)).json()->getArray("data");
  ASSERT_EQ(tickets->size(), 1u);
  EXPECT_EQ(tickets->getObject(0)->getValue<std::string>("priority"), "high");
  long long n = notes->getObject(0)->getValue<long long>("id");
  EXPECT_EQ(patch("/v1/notifications/" + std::to_string(n), R"({"read":true})").status, 200);
}

TEST_P(WorkflowTest, AWorkflowCannotReachAnotherTeamsRows) {
  auto other = *provision_team(server_->database(), "Other", std::nullopt, false);
  long long theirs = create("/v1/contacts", R"({"name":"Theirs"})", other.owner_key.secret);
  long long wf = add_workflow("snoop",
                              "retries = 0\non('contact.created', function(e)\n"
                              "  crm.log(tostring(crm.get(" +
                                  std::to_string(theirs) + ")))\n  crm.set_stage(" +
                                  std::to_string(theirs) + ", 'Stolen')\nend)");
  contact("Mine");
  drain();
  auto log = runs(wf);
  ASSERT_GE(log->size(), 1u);
  auto run = log->getObject(0);
  EXPECT_EQ(run->getValue<std::string>("log"), "nil\n");
  EXPECT_NE(run->getValue<std::string>("error").find("not found"), std::string::npos)
      << run->getValue<std::string>("error");
  auto c = get_contact(theirs, other.owner_key.secret);
  EXPECT_TRUE(c->isNull("stage"));
  // Nor through REST: the other team sees no workflows and cannot read ours.
  EXPECT_EQ(client(other.owner_key.secret).get("/v1/workflows").json()->getArray("data")->size(),
            0u);
  EXPECT_EQ(client(other.owner_key.secret).get("/v1/workflows/" + std::to_string(wf)).status, 404);
  EXPECT_EQ(
      client(other.owner_key.secret).get("/v1/workflows/" + std::to_string(wf) + "/runs").status,
      404);
}

TEST_P(WorkflowTest, UpdateMakesANewVersionAndDisableStopsRuns) {
  long long wf = add_workflow("v", "on('contact.created', function(e) crm.log('one') end)");
  auto r = patch("/v1/workflows/" + std::to_string(wf),
                 R"J({"source":"on('contact.created', function(e) crm.log('two') end)"})J");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()->getValue<int>("version"), 2);
  EXPECT_EQ(client()
                .get("/v1/workflows/" + std::to_string(wf) + "/versions/1")
                .json()
                ->getValue<std::string>("source"),
            "on('contact.created', function(e) crm.log('one') end)");
  contact("A");
  drain();
  EXPECT_EQ(runs(wf)->getObject(0)->getValue<std::string>("log"), "two\n");
  EXPECT_EQ(client().post("/v1/workflows/" + std::to_string(wf) + "/disable", "").status, 200);
  contact("B");
  drain();
  EXPECT_EQ(runs(wf)->size(), 1u);
  EXPECT_EQ(client(key_with_role("agent")).get("/v1/workflows").status, 403);
  EXPECT_EQ(client().del("/v1/workflows/" + std::to_string(wf)).status, 204);
  EXPECT_EQ(client().get("/v1/workflows/" + std::to_string(wf)).status, 404);
}

SB_INSTANTIATE_BACKENDS(WorkflowTest);

}  // namespace
}  // namespace sb::test
