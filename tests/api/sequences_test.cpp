// Sequences end to end on both backends: steps checked at save, enrolment by REST and by
// a workflow, each step sent through the real SMTP sink when its bus event comes due (time
// is advanced by making the pending step events due), exits by event and by hand, stale
// or replayed step events sending nothing, pause and resume, and tenant isolation.
#include <soci/soci.h>

#include "messaging_fixture.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

class SequenceTest : public MessagingTest {
 protected:
  long long named_template(const std::string& name, const std::string& subject) {
    return create("/v1/templates", R"({"name":")" + name + R"(","channel":"email","subject":")" +
                                       subject + R"(","text":"Hello {{contact.name}}"})");
  }
  std::string steps(long long first, long long second) {
    return R"([{"delay":"0s","channel":"email","template_id":)" + std::to_string(first) +
           R"(},{"delay":"2d","channel":"email","template_id":)" + std::to_string(second) + "}]";
  }
  // Time passes: every pending step event is due now.
  void advance_time() {
    server_->database().write([&](soci::session& s) {
      s << "UPDATE events SET available_at = 0 WHERE type = 'sequence.step_due' AND status = "
           "'pending'";
    });
  }
  std::vector<std::string> subjects_to(const std::string& address) {
    std::vector<std::string> out;
    for (const auto& m : sink_.messages()) {
      auto to = m->getArray("rcpt_tos");
      if (to && to->size() == 1 && to->getElement<std::string>(0) == address) {
        out.push_back(m->getObject("headers")->getValue<std::string>("Subject"));
      }
    }
    return out;
  }
  Poco::JSON::Object::Ptr enrollment_of(long long seq, long long contact) {
    auto data = client()
                    .get("/v1/sequences/" + std::to_string(seq) + "/enrollments?limit=200")
                    .json()
                    ->getArray("data");
    for (std::size_t i = 0; data && i < data->size(); ++i) {
      auto e = data->getObject(static_cast<unsigned>(i));
      if (e->getValue<long long>("contact_id") == contact) return e;
    }
    return nullptr;
  }
  std::string status_of(long long seq, long long contact) {
    auto e = enrollment_of(seq, contact);
    return e ? e->getValue<std::string>("status") : "none";
  }
};

TEST_P(SequenceTest, StepsAreCheckedAtSave) {
  long long t1 = named_template("one", "First");
  long long sms = create("/v1/templates", R"({"name":"txt","channel":"sms","text":"Hi"})");
  auto bad = [&](const std::string& body, const std::string& field) {
    auto r = client().post("/v1/sequences", body);
    EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
    EXPECT_EQ(field_of(r), field) << r.body;
  };
  const std::string t = std::to_string(t1);
  bad(R"({"name":"s"})", "steps");
  bad(R"({"name":"s","steps":[]})", "steps");
  bad(R"({"name":"s","steps":"0s email"})", "steps");
  bad(R"({"name":"s","steps":[{"delay":"soon","channel":"email","template_id":)" + t + "}]}",
      "steps[0].delay");
  bad(R"({"name":"s","steps":[{"delay":"400d","channel":"email","template_id":)" + t + "}]}",
      "steps[0].delay");
  bad(R"({"name":"s","steps":[{"delay":"1h","channel":"fax","template_id":)" + t + "}]}",
      "steps[0].channel");
  bad(R"({"name":"s","steps":[{"delay":"1h","channel":"email","template_id":"one"}]})",
      "steps[0].template_id");
  bad(R"({"name":"s","steps":[{"delay":"1h","channel":"email","template_id":)" + t +
          R"(,"colour":"red"}]})",
      "steps[0].colour");
  bad(R"({"name":"s","steps":[{"delay":"1h","channel":"email","template_id":999999}]})",
      "steps[0].template_id");
  bad(R"({"name":"s","steps":[{"delay":"1h","channel":"email","template_id":)" +
          std::to_string(sms) + "}]}",
      "steps[0].template_id");
  bad(R"({"name":"s","steps":[{"delay":"1h","channel":"email","template_id":)" + t +
          R"(}],"exit_on":{"bored":true}})",
      "exit_on.bored");
  bad(R"({"name":"s","steps":[{"delay":"1h","channel":"email","template_id":)" + t +
          R"(}],"exit_on":{"entered_segments":[999999]}})",
      "exit_on.entered_segments[0]");
  bad(R"({"name":"s","steps":[{"delay":"1h","channel":"email","template_id":)" + t +
          R"(}],"status":"running"})",
      "status");
  auto ok = client().post("/v1/sequences", R"({"name":"s","steps":[{"delay":"1h30m",)"
                                           R"("channel":"email","template_id":)" +
                                               t + "}]}");
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto exit_on = ok.json()->getObject("exit_on");
  EXPECT_TRUE(exit_on->getValue<bool>("replied"));  // the default conditions
  EXPECT_TRUE(exit_on->getValue<bool>("unsubscribed"));
  EXPECT_FALSE(exit_on->getValue<bool>("stage_changed"));
  EXPECT_EQ(ok.json()->getValue<std::string>("status"), "active");
  // A template a live sequence sends cannot be deleted.
  auto del = client().send("DELETE", "/v1/templates/" + t);
  EXPECT_EQ(del.status, 409) << del.body;
}

TEST_P(SequenceTest, StepsGoOutOverTimeUntilDoneOrExit) {
  long long t1 = named_template("welcome-1", "Welcome");
  long long t2 = named_template("welcome-2", "Two days in");
  long long seq = create("/v1/sequences", R"({"name":"onboarding","steps":)" + steps(t1, t2) +
                                              R"(,"exit_on":{"stage_changed":true}})");
  const std::string base = "/v1/sequences/" + std::to_string(seq);
  long long ann = contact("Ann", "ann@example.test");

  auto enrolled =
      client().post(base + "/enrollments", "{\"contact_id\":" + std::to_string(ann) + "}");
  ASSERT_EQ(enrolled.status, 201) << enrolled.body;
  EXPECT_EQ(enrolled.json()->getValue<std::string>("status"), "active");
  auto again = client().post(base + "/enrollments", "{\"contact_id\":" + std::to_string(ann) + "}");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(client().post(base + "/enrollments", R"({"contact_id":999999})").status, 404);
  EXPECT_EQ(client().post(base + "/enrollments", R"({"contact":1})").status, 422);
  EXPECT_EQ(client().post(base + "/enrollments", R"({})").status, 422);
  EXPECT_EQ(
      client()
          .post("/v1/sequences/999999/enrollments", "{\"contact_id\":" + std::to_string(ann) + "}")
          .status,
      404);
  drain();
  // A workflow enrols by sequence name; a second enrolment answers nil, "already_enrolled".
  long long wf = add_workflow("enrol", R"(
on("contact.created", function(e)
  local id, why = crm.sequences.enroll(e.contact, "onboarding")
  local again, why2 = crm.sequences.enroll(e.contact, "onboarding")
  crm.log(tostring(id ~= nil), tostring(again), why2)
end)
)");
  long long bob = contact("Bob", "bob@example.test");
  long long cid = contact("Cid", "cid@example.test");
  long long nomail = contact("Nomail");
  drain();
  auto runs =
      client().get("/v1/workflows/" + std::to_string(wf) + "/runs").json()->getArray("data");
  ASSERT_EQ(runs->size(), 3u);
  EXPECT_EQ(runs->getObject(0)->getValue<std::string>("log"), "true\tnil\talready_enrolled\n");

  // Step 1 went to each at once; the contact without an address is skipped with the reason.
  for (const char* who : {"ann@example.test", "bob@example.test", "cid@example.test"}) {
    EXPECT_EQ(subjects_to(who), std::vector<std::string>{"Welcome"}) << who;
  }
  auto e = enrollment_of(seq, ann);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->getValue<int>("steps_done"), 1);
  auto next = parse_iso8601(e->getValue<std::string>("next_step_at"));
  ASSERT_TRUE(next);
  EXPECT_GT(*next, now_ms() + 47 * 3'600'000LL);  // two days out
  auto skipped = client().get("/v1/outbox?status=skipped").json()->getArray("data");
  ASSERT_EQ(skipped->size(), 1u) << client().get("/v1/events?type=sequence.step_due").body;
  EXPECT_EQ(skipped->getObject(0)->getValue<std::string>("reason"), "no_address");

  // Bob's stage changes (an exit condition); Cid is taken out by hand.
  ASSERT_EQ(patch("/v1/contacts/" + std::to_string(bob), R"({"stage":"customer"})").status, 200);
  auto out = client().send("DELETE", base + "/enrollments/" + std::to_string(cid));
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.json()->getValue<std::string>("exit_reason"), "manual");
  EXPECT_EQ(client().send("DELETE", base + "/enrollments/" + std::to_string(cid)).status, 409);
  drain();
  EXPECT_EQ(status_of(seq, bob), "exited");
  EXPECT_EQ(enrollment_of(seq, bob)->getValue<std::string>("exit_reason"), "stage_changed");

  // Two days pass: only those still enrolled get step 2, and finish.
  advance_time();
  drain();
  EXPECT_EQ(subjects_to("ann@example.test"), (std::vector<std::string>{"Welcome", "Two days in"}));
  EXPECT_EQ(subjects_to("bob@example.test"), std::vector<std::string>{"Welcome"});
  EXPECT_EQ(subjects_to("cid@example.test"), std::vector<std::string>{"Welcome"});
  EXPECT_EQ(status_of(seq, ann), "completed");
  EXPECT_EQ(status_of(seq, nomail), "completed");

  // Replaying every step event (a redelivery, a restore) sends nothing more.
  server_->database().write([&](soci::session& s) {
    s << "UPDATE events SET status = 'pending', available_at = 0, attempts = 0 WHERE type = "
         "'sequence.step_due'";
  });
  drain();
  EXPECT_EQ(sink_.messages().size(), 4u);

  auto stats = client().get(base + "/stats").json();
  EXPECT_EQ(stats->getValue<int>("enrolled"), 4);
  EXPECT_EQ(stats->getValue<int>("completed"), 2);
  EXPECT_EQ(stats->getValue<int>("exited"), 2);
  EXPECT_EQ(stats->getObject("exited_by_reason")->getValue<int>("stage_changed"), 1);
  EXPECT_EQ(stats->getObject("exited_by_reason")->getValue<int>("manual"), 1);
  EXPECT_EQ(stats->getObject("messages_by_status")->getValue<int>("sent"), 4);
  EXPECT_EQ(stats->getObject("messages_by_status")->getValue<int>("skipped"), 2);

  // The contact's own view, and the timeline events.
  auto mine = client().get("/v1/contacts/" + std::to_string(ann) + "/sequences").json();
  ASSERT_EQ(mine->getArray("data")->size(), 1u);
  EXPECT_EQ(mine->getArray("data")->getObject(0)->getValue<long long>("sequence_id"), seq);
  EXPECT_EQ(client().get("/v1/contacts/" + std::to_string(ann) + "/sequences?colour=x").status,
            422);
  EXPECT_EQ(client().get(base + "/enrollments?status=paused").status, 422);
  auto types = event_types();
  EXPECT_EQ(count_of(types, "sequence.enrolled"), 4);
  EXPECT_EQ(count_of(types, "sequence.completed"), 2);
  EXPECT_EQ(count_of(types, "sequence.exited"), 2);

  // A finished contact may be enrolled again: a new run from step 1.
  auto rerun = client().post(base + "/enrollments", "{\"contact_id\":" + std::to_string(ann) + "}");
  ASSERT_EQ(rerun.status, 201) << rerun.body;
  EXPECT_EQ(rerun.json()->getValue<int>("run"), 2);
  drain();
  EXPECT_EQ(subjects_to("ann@example.test").size(), 3u);
}

TEST_P(SequenceTest, PausedStepsWaitAndArchivedSequencesTakeNoOne) {
  long long t1 = named_template("p-1", "First");
  long long t2 = named_template("p-2", "Second");
  long long seq = create("/v1/sequences", R"({"name":"paused","steps":)" + steps(t1, t2) + "}");
  const std::string base = "/v1/sequences/" + std::to_string(seq);
  long long ann = contact("Ann", "ann@example.test");
  ASSERT_EQ(
      client().post(base + "/enrollments", "{\"contact_id\":" + std::to_string(ann) + "}").status,
      201);
  drain();
  ASSERT_EQ(subjects_to("ann@example.test").size(), 1u);
  ASSERT_EQ(patch(base, R"({"status":"paused"})").status, 200);
  advance_time();
  drain();
  EXPECT_EQ(subjects_to("ann@example.test").size(), 1u);  // held while paused
  auto e = enrollment_of(seq, ann);
  EXPECT_EQ(e->getValue<std::string>("status"), "active");
  EXPECT_TRUE(e->isNull("next_step_at"));
  ASSERT_EQ(patch(base, R"({"status":"active"})").status, 200);
  drain();
  EXPECT_EQ(subjects_to("ann@example.test"), (std::vector<std::string>{"First", "Second"}))
      << client().get("/v1/outbox").body << client().get("/v1/events").body;
  EXPECT_EQ(status_of(seq, ann), "completed");

  ASSERT_EQ(patch(base, R"({"status":"archived"})").status, 200);
  long long bob = contact("Bob", "bob@example.test");
  auto r = client().post(base + "/enrollments", "{\"contact_id\":" + std::to_string(bob) + "}");
  EXPECT_EQ(r.status, 409) << r.body;
  // Deleting a sequence removes its enrolments; their pending steps then do nothing.
  EXPECT_EQ(client().send("DELETE", base).status, 204);
  EXPECT_EQ(client()
                .get("/v1/contacts/" + std::to_string(ann) + "/sequences")
                .json()
                ->getArray("data")
                ->size(),
            0u);
}

TEST_P(SequenceTest, AnotherTeamCannotReachSequences) {
  long long t1 = named_template("iso-1", "First");
  long long t2 = named_template("iso-2", "Second");
  long long seq = create("/v1/sequences", R"({"name":"mine","steps":)" + steps(t1, t2) + "}");
  long long ann = contact("Ann", "ann@example.test");
  const std::string base = "/v1/sequences/" + std::to_string(seq);
  ASSERT_EQ(
      client().post(base + "/enrollments", "{\"contact_id\":" + std::to_string(ann) + "}").status,
      201);
  auto other = *provision_team(server_->database(), "Other", std::nullopt, false);
  const std::string key = other.owner_key.secret;
  auto json = std::map<std::string, std::string>{{"Content-Type", "application/json"}};
  long long theirs =
      create("/v1/contacts", R"({"name":"Theirs","email":"theirs@example.test"})", key);
  EXPECT_EQ(client(key).get(base).status, 404);
  EXPECT_EQ(client(key).get("/v1/sequences").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(client(key).send("PATCH", base, R"({"status":"paused"})", json).status, 404);
  EXPECT_EQ(client(key).get(base + "/enrollments").status, 404);
  EXPECT_EQ(client(key).get(base + "/stats").status, 404);
  EXPECT_EQ(client(key).send("DELETE", base + "/enrollments/" + std::to_string(ann)).status, 404);
  EXPECT_EQ(client(key)
                .post(base + "/enrollments", "{\"contact_id\":" + std::to_string(theirs) + "}")
                .status,
            404);
  EXPECT_EQ(client(key).get("/v1/contacts/" + std::to_string(ann) + "/sequences").status, 404);
  EXPECT_EQ(client(key).send("DELETE", base).status, 404);
  // Their own sequence may not send our templates, nor enrol our contacts.
  auto steal = client(key).post("/v1/sequences", R"({"name":"x","steps":)" + steps(t1, t2) + "}");
  EXPECT_EQ(steal.status, 422) << steal.body;
  EXPECT_EQ(field_of(steal), "steps[0].template_id");
  long long t3 =
      create("/v1/templates", R"({"name":"t","channel":"email","subject":"S","text":"x"})", key);
  long long own =
      create("/v1/sequences",
             R"({"name":"own","steps":[{"delay":"0s","channel":"email","template_id":)" +
                 std::to_string(t3) + "}]}",
             key);
  EXPECT_EQ(client(key)
                .post("/v1/sequences/" + std::to_string(own) + "/enrollments",
                      "{\"contact_id\":" + std::to_string(ann) + "}")
                .status,
            404);
  EXPECT_EQ(status_of(seq, ann), "active");
}

TEST_P(SequenceTest, SmsRepliesStopStartAndEndSequences) {
  long long t1 = named_template("r-1", "First");
  long long t2 = named_template("r-2", "Second");
  long long seq = create("/v1/sequences", R"({"name":"reply","steps":)" + steps(t1, t2) + "}");
  long long ann = create("/v1/contacts", R"({"name":"Ann","email":"ann@example.test",)"
                                         R"("phone":"+84 90 123 4567"})");
  const std::string base = "/v1/sequences/" + std::to_string(seq);
  ASSERT_EQ(
      client().post(base + "/enrollments", "{\"contact_id\":" + std::to_string(ann) + "}").status,
      201);
  drain();
  auto inbound = [&](const std::string& from, const std::string& text,
                     const std::string& key = kOwnerKey) {
    return client(key).post("/v1/sms/inbound",
                            R"({"from":")" + from + R"(","text":")" + text + R"("})");
  };
  auto dnc = [&]() {
    return client()
        .get("/v1/contacts/" + std::to_string(ann) + "/do-not-contact")
        .json()
        ->getArray("items");
  };
  // A plain reply: on the timeline, ends the sequence (replied), blocks nothing.
  auto r = inbound("0084901234567", "please don't stop, when is it open?");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()->getValue<long long>("contact_id"), ann);
  EXPECT_TRUE(r.json()->isNull("keyword"));
  drain();
  EXPECT_EQ(status_of(seq, ann), "exited");
  EXPECT_EQ(enrollment_of(seq, ann)->getValue<std::string>("exit_reason"), "replied");
  EXPECT_EQ(dnc()->size(), 0u);
  // STOP: SMS do-not-contact with reason stop_reply; START lifts exactly that.
  r = inbound("+84901234567", " Stop. ");
  EXPECT_EQ(r.json()->getValue<std::string>("keyword"), "stop");
  EXPECT_TRUE(r.json()->getValue<bool>("do_not_contact_changed"));
  ASSERT_EQ(dnc()->size(), 1u);
  EXPECT_EQ(dnc()->getObject(0)->getValue<std::string>("reason"), "stop_reply");
  EXPECT_EQ(dnc()->getObject(0)->getValue<std::string>("channel"), "sms");
  r = inbound("+84901234567", "START");
  EXPECT_TRUE(r.json()->getValue<bool>("do_not_contact_changed"));
  EXPECT_EQ(dnc()->size(), 0u);
  // A manual block is not the customer's to lift by SMS.
  ASSERT_EQ(client()
                .send("PUT", "/v1/contacts/" + std::to_string(ann) + "/do-not-contact/sms",
                      R"({"reason":"manual"})", {{"Content-Type", "application/json"}})
                .status,
            201);
  r = inbound("+84901234567", "start");
  EXPECT_FALSE(r.json()->getValue<bool>("do_not_contact_changed"));
  EXPECT_EQ(dnc()->size(), 1u);
  // Unknown numbers, bad input, and another team's replies touch nothing of ours.
  r = inbound("+14155550100", "STOP");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.json()->isNull("contact_id"));
  EXPECT_EQ(field_of(inbound("not a phone", "STOP")), "from");
  EXPECT_EQ(client().post("/v1/sms/inbound", R"({"from":"+84901234567"})").status, 422);
  EXPECT_EQ(client().post("/v1/sms/inbound", R"({"from":"+84901234567","text":"x","y":1})").status,
            422);
  auto other = *provision_team(server_->database(), "Other", std::nullopt, false);
  r = inbound("+84901234567", "STOP", other.owner_key.secret);
  EXPECT_TRUE(r.json()->isNull("contact_id"));
  EXPECT_EQ(dnc()->size(), 1u);
  EXPECT_EQ(count_of(event_types(), "sms.received"), 4);
}

SB_INSTANTIATE_BACKENDS(SequenceTest);

}  // namespace
}  // namespace sb::test
