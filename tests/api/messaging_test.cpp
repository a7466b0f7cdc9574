// Email and SMS end to end on both backends: templates (validation, escaping, preview), the
// workflow outbox sent through a real SMTP server on loopback exactly once (replays and
// SMTP failures included), signed tracking links, unsubscribe, the send policy, campaigns
// with their skips and stats, and tenant isolation of every messaging route.
#include <soci/soci.h>

#include "channels/outbox_sender.h"
#include "messaging_fixture.h"
#include "store/team_store.h"

namespace sb::test {
namespace {

TEST_P(MessagingTest, TemplatesAreCheckedAtSaveAndPreviewEscapesHtml) {
  auto bad = [&](const std::string& body, const std::string& field, const std::string& words) {
    auto r = client().post("/v1/templates", body);
    EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
    EXPECT_EQ(field_of(r), field) << r.body;
    EXPECT_NE(r.body.find(words), std::string::npos) << r.body;
  };
  bad(R"({"name":"a","channel":"email","subject":"Hi {{contact.nmae}}","text":"x"})", "subject",
      "no field 'nmae'");
  bad(R"({"name":"a","channel":"email","subject":"Hi","text":"{{contact.custom.plan}}"})", "text",
      "no custom field 'plan'");
  bad(R"({"name":"a","channel":"email","subject":"Hi","html":"<p>{{ contact.name </p>"})", "html",
      "without a closing");
  bad(R"({"name":"a","channel":"email","subject":"Hi","text":"{{ contact.name | shout }}"})",
      "text", "unknown filter 'shout'");
  bad(R"({"name":"a","channel":"email","text":"no subject"})", "subject", "required");
  bad(R"({"name":"a","channel":"sms","text":"x","html":"<p>x</p>"})", "html", "only text");
  bad(R"({"name":"a","channel":"sms","text":"{{unsubscribe_url}}"})", "text", "only in email");
  bad(R"({"name":"a","channel":"fax","text":"x"})", "channel", "");

  create("/v1/custom-fields", R"({"key":"plan","label":"Plan","type":"text"})");
  long long t = create(
      "/v1/templates",
      R"({"name":"w","channel":"email","subject":"Hi {{contact.first_name | default: 'there'}}",)"
      R"("html":"<p>{{contact.name}} on {{contact.custom.plan | upcase}}</p>","text":"{{vars.x}}"})");
  auto sample = client().post("/v1/templates/" + std::to_string(t) + "/preview", "{}");
  ASSERT_EQ(sample.status, 200) << sample.body;
  EXPECT_EQ(sample.json()->getValue<std::string>("subject"), "Hi Alex");
  long long c =
      create("/v1/contacts", R"({"name":"<b>Bo</b> & Co","custom_fields":{"plan":"gold"}})");
  auto real = client().post("/v1/templates/" + std::to_string(t) + "/preview",
                            R"({"contact_id":)" + std::to_string(c) + R"(,"vars":{"x":"<i>"}})");
  ASSERT_EQ(real.status, 200) << real.body;
  auto p = real.json();
  EXPECT_EQ(p->getValue<std::string>("subject"), "Hi <b>Bo</b>");  // text parts are not escaped
  EXPECT_EQ(p->getValue<std::string>("html"), "<p>&lt;b&gt;Bo&lt;/b&gt; &amp; Co on GOLD</p>");
  EXPECT_EQ(p->getValue<std::string>("text"), "<i>");
  EXPECT_EQ(client()
                .post("/v1/templates/" + std::to_string(t) + "/preview", R"({"contact_id":999999})")
                .status,
            404);
  EXPECT_EQ(
      client().post("/v1/templates/" + std::to_string(t) + "/preview", R"({"nope":1})").status,
      422);
}

TEST_P(MessagingTest, WorkflowEmailGoesOutOnceWithTrackingAndUnsubscribe) {
  email_template();
  ASSERT_EQ(client()
                .send("PUT", "/v1/settings/messaging",
                      R"({"from_name":"Shop Café","from_address":"news@shop.test"})",
                      {{"Content-Type", "application/json"}})
                .status,
            200);
  add_workflow("welcome", R"(
on("contact.created", function(e)
  if e.contact.email then crm.email.send(e.contact, "welcome", { code = "A&B" }) end
end)
)");
  long long c = contact("Ann <Lee>", "ann@example.test");
  drain();
  auto msgs = sink_.messages();
  if (msgs.empty())
    ADD_FAILURE() << client().get("/v1/outbox").body << client().get("/v1/events").body;
  ASSERT_EQ(msgs.size(), 1u);
  auto m = msgs[0];
  EXPECT_EQ(m->getValue<std::string>("mail_from"), "news@shop.test");
  EXPECT_EQ(m->getArray("defects")->size(), 0u) << sink_.raw(1);
  auto h = m->getObject("headers");
  EXPECT_EQ(h->getValue<std::string>("Subject"), "Hi Ann ✓");
  EXPECT_EQ(h->getValue<std::string>("From"), "Shop Café <news@shop.test>");
  EXPECT_EQ(h->getValue<std::string>("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  std::string unsubscribe = h->getValue<std::string>("List-Unsubscribe");
  ASSERT_EQ(unsubscribe.rfind("<https://crm.test/u/", 0), 0u) << unsubscribe;
  auto parts = m->getArray("parts");
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ(parts->getObject(0)->getValue<std::string>("text"), "Hello Ann <Lee>, code A&B");
  std::string html = parts->getObject(1)->getValue<std::string>("text");
  EXPECT_NE(html.find("Hello Ann &lt;Lee&gt;, code A&amp;B"), std::string::npos) << html;

  auto row = outbox();
  EXPECT_EQ(row->getValue<std::string>("status"), "sent");
  EXPECT_EQ("<" + row->getValue<std::string>("message_id") + ">",
            h->getValue<std::string>("Message-ID"));
  auto timeline = client().get("/v1/contacts/" + std::to_string(c) + "/timeline").body;
  EXPECT_NE(timeline.find("email.sent"), std::string::npos) << timeline;

  // A replayed event: the row says sent, and even with the row reset the effect key holds.
  Database& db = server_->database();
  long long id = row->getValue<long long>("id");
  db.write([&](soci::session& s) {
    s << "UPDATE outbox_messages SET status = 'queued' WHERE id = :id", soci::use(id);
  });
  StoredEvent created;
  db.read([&](soci::session& s) {
    s << "SELECT team_id, id, type, payload FROM events WHERE type = 'outbox_message.created'",
        soci::into(created.team_id), soci::into(created.id), soci::into(created.type),
        soci::into(created.payload_json);
  });
  channels::OutboxSender again(server_->messenger(), 8);
  DeliveryContext ctx(db, created, again.name());
  EXPECT_EQ(again.handle(created, ctx).result, HandleResult::kOk);
  EXPECT_EQ(sink_.messages().size(), 1u);

  // Links: the shop link goes through a signed redirect, the pixel records one open.
  auto found = links(html);
  std::string click, pixel, unsub_link;
  for (const std::string& l : found) {
    if (l.find("/t/c/") != std::string::npos) click = l;
    if (l.find("/t/o/") != std::string::npos) pixel = l;
    if (l.find("/u/") != std::string::npos) unsub_link = l;
  }
  ASSERT_FALSE(click.empty()) << html;
  ASSERT_FALSE(pixel.empty()) << html;
  EXPECT_EQ("<" + unsub_link + ">", unsubscribe);  // direct, not through the redirect
  auto go = anonymous().get(local_path(click));
  EXPECT_EQ(go.status, 302) << go.body;
  EXPECT_EQ(go.headers["location"], "https://shop.test/p?a=1&b=2");
  std::string forged = local_path(click);
  forged = forged.substr(0, forged.find("?u=")) + "?u=https%3A%2F%2Fevil.test%2F";
  EXPECT_EQ(anonymous().get(forged).status, 404);  // no open redirect
  EXPECT_EQ(anonymous().get("/t/c/m.1.1.1.AAAAAAAAAAAAAAAAAAAAAA?u=https%3A%2F%2Fevil.test").status,
            404);
  auto gif = anonymous().get(local_path(pixel));
  EXPECT_EQ(gif.status, 200);
  EXPECT_EQ(gif.headers["content-type"], "image/gif");
  anonymous().get(local_path(pixel));
  EXPECT_FALSE(outbox()->isNull("opened_at"));
  EXPECT_FALSE(outbox()->isNull("clicked_at"));

  // Unsubscribe: GET shows a page (scanners fetch links), POST is the one-click.
  std::string u = local_path(unsub_link);
  auto page = anonymous().get(u);
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.headers["content-security-policy"].find("default-src 'none'"), std::string::npos);
  EXPECT_TRUE(client()
                  .get("/v1/contacts/" + std::to_string(c) + "/do-not-contact")
                  .json()
                  ->getArray("items")
                  ->size() == 0);
  auto one_click = anonymous().send("POST", u, "List-Unsubscribe=One-Click",
                                    {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(one_click.status, 200) << one_click.body;
  auto dnc = client()
                 .get("/v1/contacts/" + std::to_string(c) + "/do-not-contact")
                 .json()
                 ->getArray("items");
  ASSERT_EQ(dnc->size(), 1u);
  EXPECT_EQ(dnc->getObject(0)->getValue<std::string>("reason"), "unsubscribed");
  drain();
  auto types = event_types();
  EXPECT_EQ(count_of(types, "email.opened"), 1);
  EXPECT_EQ(count_of(types, "email.clicked"), 1);
  EXPECT_EQ(count_of(types, "email.unsubscribed"), 1);

  // The next email to them is skipped with the reason, on the timeline.
  add_workflow("again", R"(
on("contact.updated", function(e) crm.email.send(e.contact, "welcome") end)
)");
  EXPECT_EQ(patch("/v1/contacts/" + std::to_string(c), R"({"stage":"lead"})").status, 200);
  drain();
  EXPECT_EQ(sink_.messages().size(), 1u);
  EXPECT_EQ(outbox(1)->getValue<std::string>("status"), "skipped");
  EXPECT_EQ(outbox(1)->getValue<std::string>("reason"), "do_not_contact:unsubscribed");
  EXPECT_EQ(count_of(event_types(), "message.skipped"), 1);
}

TEST_P(MessagingTest, SmtpFailuresRetryBounceOrFail) {
  email_template();
  add_workflow("welcome", R"(
on("contact.created", function(e) crm.email.send(e.contact, "welcome") end)
)");
  sink_.set_fault("451");
  contact("Greylisted", "grey@example.test");
  server_->dispatcher().run_once();
  EXPECT_EQ(sink_.messages().size(), 0u);
  EXPECT_EQ(outbox()->getValue<std::string>("status"), "queued");  // retried later
  sink_.set_fault("");
  drain();
  EXPECT_EQ(sink_.messages().size(), 1u);
  EXPECT_EQ(outbox()->getValue<std::string>("status"), "sent");

  sink_.set_fault("drop");
  contact("Dropped", "drop@example.test");
  server_->dispatcher().run_once();
  EXPECT_EQ(outbox(1)->getValue<std::string>("status"), "queued");
  sink_.set_fault("");
  drain();
  EXPECT_EQ(sink_.messages().size(), 2u);

  sink_.set_fault("550");
  long long gone = contact("Gone", "gone@example.test");
  drain();
  sink_.set_fault("");
  EXPECT_EQ(outbox(2)->getValue<std::string>("status"), "failed");
  EXPECT_EQ(outbox(2)->getValue<std::string>("reason").substr(0, 3), "550");
  auto dnc = client()
                 .get("/v1/contacts/" + std::to_string(gone) + "/do-not-contact")
                 .json()
                 ->getArray("items");
  ASSERT_EQ(dnc->size(), 1u);  // a hard bounce is not tried again
  EXPECT_EQ(dnc->getObject(0)->getValue<std::string>("reason"), "bounced");
  EXPECT_EQ(count_of(event_types(), "email.failed"), 1);
  EXPECT_EQ(sink_.messages().size(), 2u);
}

TEST_P(MessagingTest, SendPolicyDefersInQuietHoursAndCapsFrequency) {
  email_template();
  welcome_twice();
  // Quiet all day except the current minute's complement: now is always inside.
  auto put = [&](const std::string& body) { return put_messaging_settings(body); };
  EXPECT_EQ(put(R"({"quiet_hours":{"start":"25:00","end":"08:00"}})").status, 422);
  EXPECT_EQ(put(R"({"time_zone":"Mars/Olympus"})").status, 422);
  EXPECT_EQ(put(R"({"frequency_cap":{"messages":0}})").status, 422);
  EXPECT_EQ(put(R"({"nope":1})").status, 422);
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char start[8], end[8];
  std::snprintf(start, sizeof start, "%02d:%02d", utc.tm_hour, utc.tm_min);
  std::snprintf(end, sizeof end, "%02d:%02d", (utc.tm_hour + 2) % 24, utc.tm_min);
  ASSERT_EQ(put(std::string(R"({"quiet_hours":{"start":")") + start + R"(","end":")" + end +
                R"("},"frequency_cap":{"messages":1,"hours":24}})")
                .status,
            200);
  contact("Night owl", "owl@example.test");
  drain();
  EXPECT_EQ(sink_.messages().size(), 0u);
  EXPECT_EQ(outbox()->getValue<std::string>("status"), "deferred");
  EXPECT_EQ(outbox()->getValue<std::string>("reason"), "quiet_hours");
  auto due = client().get("/v1/events?type=outbox_message.due").json()->getArray("data");
  ASSERT_EQ(due->size(), 2u);  // comes back when the quiet hours end, not dropped

  // Outside quiet hours, the cap lets the first through and skips the second.
  ASSERT_EQ(put(R"({"frequency_cap":{"messages":1,"hours":24}})").status, 200);
  contact("Day", "day@example.test");
  drain();
  EXPECT_EQ(sink_.messages().size(), 1u);
  EXPECT_EQ(outbox(3)->getValue<std::string>("status"), "skipped");
  EXPECT_EQ(outbox(3)->getValue<std::string>("reason"), "frequency_cap");
}

TEST_P(MessagingTest, SendRateHoldsTheTeamsMessagesBackWithoutDroppingThem) {
  email_template();
  welcome_twice();
  auto put = [&](const std::string& body) { return put_messaging_settings(body); };
  EXPECT_EQ(put(R"({"send_rate":{"per_minute":0}})").status, 422);
  EXPECT_EQ(put(R"({"send_rate":{}})").status, 422);
  EXPECT_EQ(put(R"({"send_rate":{"per_minute":6,"burst":2}})").status, 422);
  ASSERT_EQ(put(R"({"send_rate":{"per_minute":6}})").status, 200);  // one per 10 s
  EXPECT_EQ(client()
                .get("/v1/settings/messaging")
                .json()
                ->getObject("send_rate")
                ->getValue<int>("per_minute"),
            6);
  contact("Paced", "paced@example.test");
  drain();
  // The first goes now; the second's slot is 10 s away, so it is deferred to it, not lost.
  EXPECT_EQ(sink_.messages().size(), 1u);
  EXPECT_EQ(outbox(0)->getValue<std::string>("status"), "sent");
  EXPECT_EQ(outbox(1)->getValue<std::string>("status"), "deferred");
  EXPECT_EQ(outbox(1)->getValue<std::string>("reason"), "send_rate");
  auto due = client().get("/v1/events?type=outbox_message.due").json()->getArray("data");
  ASSERT_EQ(due->size(), 1u);

  // A campaign waits for its slots: at 120 a minute, 6 recipients take at least 2 s (two at
  // once, then one per half second). A lower bound only: a slow machine cannot fail it.
  ASSERT_EQ(put(R"({"send_rate":{"per_minute":120}})").status, 200);
  long long t = email_template("promo");
  for (int i = 0; i < 6; ++i) {
    create("/v1/contacts", R"({"name":"R)" + std::to_string(i) + R"(","email":"r)" +
                               std::to_string(i) + R"(@example.test","tags":["rate"]})");
  }
  long long id = create("/v1/campaigns",
                        R"({"name":"Paced","channel":"email","template_id":)" + std::to_string(t) +
                            R"(,"filter":{"field":"tags","op":"any","value":["rate"]}})");
  auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(client().post("/v1/campaigns/" + std::to_string(id) + "/schedule", "{}").status, 200);
  wait_campaign(id, "completed");
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_GE(took, 1.9);
  auto st = client().get("/v1/campaigns/" + std::to_string(id) + "/stats").json();
  EXPECT_EQ(st->getValue<long long>("sent"), 6);
}

TEST_P(MessagingTest, CampaignSendsOncePerRecipientSkipsWithReasonsAndCounts) {
  long long t = email_template("promo");
  long long a = create("/v1/contacts", R"({"name":"A","email":"a@example.test","tags":["promo"]})");
  create("/v1/contacts", R"({"name":"B","email":"b@example.test","tags":["promo"]})");
  create("/v1/contacts", R"({"name":"C","email":"c@example.test","tags":["promo"]})");
  create("/v1/contacts", R"({"name":"No address","tags":["promo"]})");
  create("/v1/contacts",
         R"({"name":"Blocked","email":"x@example.test","status":"blocked","tags":["promo"]})");
  long long d =
      create("/v1/contacts", R"({"name":"DNC","email":"d@example.test","tags":["promo"]})");
  create("/v1/contacts", R"({"name":"Other","email":"o@example.test"})");
  EXPECT_EQ(client()
                .send("PUT", "/v1/contacts/" + std::to_string(d) + "/do-not-contact/all",
                      R"({"reason":"manual","note":"asked by phone"})",
                      {{"Content-Type", "application/json"}})
                .status,
            201);
  auto r = client().post("/v1/campaigns",
                         R"({"name":"Promo","channel":"sms","template_id":)" + std::to_string(t) +
                             R"(,"filter":{"field":"tags","op":"any","value":["promo"]}})");
  EXPECT_EQ(r.status, 422) << r.body;  // an email template for an SMS campaign
  EXPECT_EQ(client()
                .post("/v1/campaigns",
                      R"({"name":"P","channel":"email","template_id":)" + std::to_string(t) + "}")
                .status,
            422);  // no audience
  EXPECT_EQ(client()
                .post("/v1/campaigns", R"({"name":"P","channel":"email","template_id":)" +
                                           std::to_string(t) +
                                           R"(,"filter":{"field":"nope","op":"eq","value":1}})")
                .status,
            400);
  long long id = create("/v1/campaigns",
                        R"({"name":"Promo","channel":"email","template_id":)" + std::to_string(t) +
                            R"(,"filter":{"field":"tags","op":"any","value":["promo"]}})");
  std::string base = "/v1/campaigns/" + std::to_string(id);
  EXPECT_EQ(client().post(base + "/pause", "").status, 409);
  ASSERT_EQ(client().post(base + "/schedule", "{}").status, 200);
  EXPECT_EQ(client().post(base + "/schedule", "{}").status, 409);
  wait_campaign(id, "completed");
  EXPECT_EQ(patch(base, R"({"name":"Renamed"})").status, 409);  // sent: fixed
  EXPECT_EQ(client().post(base + "/resume", "").status, 409);

  auto msgs = sink_.messages();
  std::map<std::string, int> per_address;
  for (const auto& m : msgs) per_address[m->getArray("rcpt_tos")->getElement<std::string>(0)]++;
  EXPECT_EQ(per_address, (std::map<std::string, int>{
                             {"a@example.test", 1}, {"b@example.test", 1}, {"c@example.test", 1}}));
  auto st = client().get(base + "/stats").json();
  EXPECT_EQ(st->getValue<long long>("targeted"), 6);
  EXPECT_EQ(st->getValue<long long>("sent"), 3);
  EXPECT_EQ(st->getValue<long long>("skipped"), 3);
  auto why = st->getObject("skipped_by_reason");
  EXPECT_EQ(why->getValue<long long>("no_address"), 1);
  EXPECT_EQ(why->getValue<long long>("blocked"), 1);
  EXPECT_EQ(why->getValue<long long>("do_not_contact:manual"), 1);
  // Recipients, one row per contact, paged and filtered by status.
  auto sent = client().get(base + "/recipients?status=sent&limit=2").json();
  ASSERT_EQ(sent->getArray("data")->size(), 2u);
  EXPECT_EQ(sent->getArray("data")->getObject(0)->getValue<std::string>("address"),
            "a@example.test");
  EXPECT_FALSE(sent->getArray("data")->getObject(0)->isNull("sent_at"));
  ASSERT_FALSE(sent->isNull("next_cursor"));
  auto rest = client()
                  .get(base + "/recipients?status=sent&limit=2&cursor=" +
                       sent->getValue<std::string>("next_cursor"))
                  .json();
  EXPECT_EQ(rest->getArray("data")->size(), 1u);
  auto skipped = client().get(base + "/recipients?status=skipped").json()->getArray("data");
  ASSERT_EQ(skipped->size(), 3u);
  EXPECT_FALSE(skipped->getObject(0)->isNull("reason"));
  EXPECT_EQ(client().get(base + "/recipients?status=bounced").status, 422);
  EXPECT_EQ(client().get(base + "/recipients?colour=red").status, 422);

  // The recipient's own links count for the campaign.
  std::string html;
  for (const auto& m : msgs) {
    if (m->getArray("rcpt_tos")->getElement<std::string>(0) == "a@example.test") {
      html = m->getArray("parts")->getObject(1)->getValue<std::string>("text");
    }
  }
  for (const std::string& l : links(html)) {
    if (l.find("/t/o/") != std::string::npos) anonymous().get(local_path(l));
    if (l.find("/t/c/") != std::string::npos) anonymous().get(local_path(l));
    if (l.find("/u/") != std::string::npos) anonymous().post(local_path(l), "");
  }
  st = client().get(base + "/stats").json();
  EXPECT_EQ(st->getValue<long long>("opened"), 1);
  EXPECT_EQ(st->getValue<long long>("clicked"), 1);
  EXPECT_EQ(st->getValue<long long>("unsubscribed"), 1);
  EXPECT_NEAR(st->getObject("rates")->getValue<double>("open"), 1.0 / 3, 1e-9);
  EXPECT_EQ(client()
                .get("/v1/contacts/" + std::to_string(a) + "/do-not-contact")
                .json()
                ->getArray("items")
                ->size(),
            1u);
  drain();
  auto types = event_types();
  EXPECT_EQ(count_of(types, "campaign.started"), 1);
  EXPECT_EQ(count_of(types, "campaign.completed"), 1);
  EXPECT_EQ(count_of(types, "email.sent"), 3);
  EXPECT_EQ(client().send("DELETE", "/v1/templates/" + std::to_string(t)).status, 204);
}

TEST_P(MessagingTest, AnotherTeamCannotReachMessagingRows) {
  long long t = email_template();
  long long c = contact("Mine", "mine@example.test");
  long long camp = create("/v1/campaigns", R"({"name":"P","channel":"email","template_id":)" +
                                               std::to_string(t) + R"(,"filter":{}})");
  auto other = *provision_team(server_->database(), "Other", std::nullopt, false);
  const std::string key = other.owner_key.secret;
  auto json = std::map<std::string, std::string>{{"Content-Type", "application/json"}};
  EXPECT_EQ(client(key).get("/v1/templates/" + std::to_string(t)).status, 404);
  EXPECT_EQ(client(key).get("/v1/templates").json()->getArray("data")->size(), 0u);
  EXPECT_EQ(client(key).post("/v1/templates/" + std::to_string(t) + "/preview", "{}").status, 404);
  EXPECT_EQ(client(key)
                .send("PATCH", "/v1/templates/" + std::to_string(t), R"({"name":"x"})", json)
                .status,
            404);
  EXPECT_EQ(client(key).get("/v1/campaigns/" + std::to_string(camp)).status, 404);
  EXPECT_EQ(client(key).get("/v1/campaigns/" + std::to_string(camp) + "/stats").status, 404);
  EXPECT_EQ(client(key).get("/v1/campaigns/" + std::to_string(camp) + "/recipients").status, 404);
  EXPECT_EQ(client(key).post("/v1/campaigns/" + std::to_string(camp) + "/schedule", "{}").status,
            404);
  EXPECT_EQ(client(key).post("/v1/campaigns/" + std::to_string(camp) + "/cancel", "").status, 404);
  EXPECT_EQ(client(key)
                .post("/v1/campaigns", R"({"name":"Steal","channel":"email","template_id":)" +
                                           std::to_string(t) + R"(,"filter":{}})")
                .status,
            404);  // their template id is not a template of this team
  EXPECT_EQ(client(key).get("/v1/contacts/" + std::to_string(c) + "/do-not-contact").status, 404);
  EXPECT_EQ(
      client(key)
          .send("PUT", "/v1/contacts/" + std::to_string(c) + "/do-not-contact/email", "{}", json)
          .status,
      404);
  // The other team's preview of its own template never sees our contact.
  long long theirs =
      create("/v1/templates", R"({"name":"t","channel":"sms","text":"Hi {{contact.name}}"})", key);
  EXPECT_EQ(client(key)
                .post("/v1/templates/" + std::to_string(theirs) + "/preview",
                      R"({"contact_id":)" + std::to_string(c) + "}")
                .status,
            404);
  EXPECT_EQ(client().get("/v1/campaigns/" + std::to_string(camp)).status, 200);
}

SB_INSTANTIATE_BACKENDS(MessagingTest);

}  // namespace
}  // namespace sb::test
