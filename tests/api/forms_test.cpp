// Forms and the public submission endpoint, on both backends.
#include "crm_fixture.h"

namespace sb::test {
namespace {

class FormsTest : public CrmTest {
 protected:
  void adjust(Config& c) override { c.http.form_rate_per_min = 600; }
  long long form(const std::string& slug, const std::string& extra = "") {
    return create("/v1/forms", R"({"name":"Contact us","slug":")" + slug + R"(",)" + extra +
                                   R"("fields":[
        {"key":"full_name","type":"text","required":true,"maps_to":"name"},
        {"key":"email","type":"email","required":true,"maps_to":"email"},
        {"key":"phone","type":"phone","maps_to":"phone"},
        {"key":"plan","type":"select","options":["basic","pro"],"maps_to":"metadata.plan"},
        {"key":"consent","type":"checkbox","required":true}]})");
  }
  HttpResult submit(const std::string& slug, const std::string& body,
                    const std::string& type = "application/json") {
    return anonymous().post("/f/" + slug, body, type);
  }
};

TEST_P(FormsTest, ASubmissionCreatesThenUpdatesTheContact) {
  long long f = form("contact-us");
  auto r =
      submit("contact-us",
             R"({"full_name":"Ann Lee","email":"Ann@Example.com","plan":"pro","consent":true})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()->getValue<std::string>("message"), "Thank you!");
  auto contacts = client().get("/v1/contacts?email=ann@example.com");
  auto list = ids(contacts);
  ASSERT_EQ(list.size(), 1u) << contacts.body;
  auto c = client().get("/v1/contacts/" + std::to_string(list[0])).json();
  EXPECT_EQ(c->getValue<std::string>("source"), "form");
  EXPECT_EQ(c->getObject("metadata")->getValue<std::string>("plan"), "pro");
  // The same person again, urlencoded as a browser posts it: one contact, two submissions.
  auto again = submit("contact-us", "full_name=Ann+Lee-Smith&email=ann%40example.com&consent=on",
                      "application/x-www-form-urlencoded");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(ids(client().get("/v1/contacts?email=ann@example.com")).size(), 1u);
  EXPECT_EQ(
      client().get("/v1/contacts/" + std::to_string(list[0])).json()->getValue<std::string>("name"),
      "Ann Lee-Smith");
  auto subs = client().get("/v1/forms/" + std::to_string(f) + "/submissions");
  ASSERT_EQ(ids(subs).size(), 2u) << subs.body;
  EXPECT_EQ(count_of(event_types(), "form.submitted"), 2);
  EXPECT_NE(client()
                .get("/v1/contacts/" + std::to_string(list[0]) + "/timeline")
                .body.find("form_submitted"),
            std::string::npos);
}

// The public page: plain HTML with the fields, frameable for the embed snippet, posting
// back to itself; a browser's post gets a thank-you page, a script's still gets JSON.
TEST_P(FormsTest, ThePublicPageIsPlainHtmlAndABrowsersPostIsThanked) {
  long long f = form("visit-us", R"("thank_you_message":"See you <soon>",)");
  auto page = anonymous().get("/f/visit-us");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_NE(page.body.find(R"(<form method="post" action="/f/visit-us")"), std::string::npos);
  EXPECT_NE(page.body.find(R"(type="email" id="f-email" name="email" required)"),
            std::string::npos);
  EXPECT_NE(page.body.find(R"(<option value="pro">pro</option>)"), std::string::npos);
  EXPECT_NE(page.body.find(R"(name="website" tabindex="-1")"), std::string::npos);
  EXPECT_EQ(page.body.find("<script"), std::string::npos);
  EXPECT_NE(page.headers["content-security-policy"].find("frame-ancestors *"), std::string::npos);
  EXPECT_EQ(page.headers.count("x-frame-options"), 0u);

  const std::string body = "full_name=Bo&email=bo%40x.io&consent=on";
  auto thanked = anonymous().send(
      "POST", "/f/visit-us", body,
      {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "text/html"}});
  ASSERT_EQ(thanked.status, 200) << thanked.body;
  EXPECT_NE(thanked.body.find("<p>See you &lt;soon&gt;</p>"), std::string::npos) << thanked.body;
  auto scripted = submit("visit-us", body, "application/x-www-form-urlencoded");
  EXPECT_EQ(scripted.status, 201) << scripted.body;
  EXPECT_EQ(ids(client().get("/v1/forms/" + std::to_string(f) + "/submissions")).size(), 2u);

  // Disabled or unknown: the same 404, and no page.
  ASSERT_EQ(patch("/v1/forms/" + std::to_string(f), R"({"enabled":false})").status, 200);
  EXPECT_EQ(anonymous().get("/f/visit-us").status, 404);
  EXPECT_EQ(anonymous().get("/f/no-such-form").status, 404);
}

// A lone email or phone field fills the contact's email or phone without maps_to.
TEST_P(FormsTest, ALoneEmailOrPhoneFieldMapsByItsType) {
  create("/v1/forms", R"({"name":"Callback","slug":"callback","fields":[
        {"key":"who","type":"text","maps_to":"name"},
        {"key":"mail","type":"email","required":true},
        {"key":"tel","type":"phone"}]})");
  auto r = submit("callback", R"({"who":"Bo","mail":"bo@example.com","tel":"+14155550100"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto found = ids(client().get("/v1/contacts?email=bo@example.com"));
  ASSERT_EQ(found.size(), 1u) << "the email field was not mapped";
  auto c = client().get("/v1/contacts/" + std::to_string(found[0])).json();
  EXPECT_EQ(c->getValue<std::string>("phone"), "+14155550100");
  // Two email fields: which one is the contact's is not obvious, so neither is taken.
  create("/v1/forms", R"({"name":"Refer","slug":"refer","fields":[
        {"key":"mine","type":"email"},{"key":"friend","type":"email"}]})");
  ASSERT_EQ(submit("refer", R"({"mine":"a@example.com","friend":"b@example.com"})").status, 201);
  EXPECT_TRUE(ids(client().get("/v1/contacts?email=a@example.com")).empty());
}

TEST_P(FormsTest, BadSubmissionsNameTheFieldAndEchoNothing) {
  form("signup");
  auto missing = submit("signup", R"({"email":"x@y.io","consent":true})");
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(field_of(missing), "full_name");
  auto bad_email =
      submit("signup",
             R"({"full_name":"<script>alert(1)</script>","email":"<b>nope</b>","consent":true})");
  EXPECT_EQ(bad_email.status, 422);
  EXPECT_EQ(bad_email.body.find("<b>"), std::string::npos) << "no reflected input";
  EXPECT_EQ(bad_email.body.find("<script>"), std::string::npos);
  EXPECT_EQ(submit("signup", R"({"full_name":"A","email":"a@b.io","consent":false})").status, 422);
  EXPECT_EQ(
      submit("signup", R"({"full_name":"A","email":"a@b.io","consent":true,"plan":"gold"})").status,
      422);
  EXPECT_EQ(submit("signup", "{not json").status, 400);
  EXPECT_EQ(submit("signup", "x", "text/plain").status, 415);
  EXPECT_EQ(submit("no-such-form", R"({})").status, 404);
  EXPECT_EQ(
      submit("signup", std::string(70 * 1024, 'a'), "application/x-www-form-urlencoded").status,
      413);
  EXPECT_TRUE(ids(client().get("/v1/contacts")).empty()) << "nothing was stored";
}

TEST_P(FormsTest, HoneypotAndDisabledForms) {
  long long f = form("quote", R"("redirect_url":"https://shop.example/thanks",)");
  auto bot =
      submit("quote",
             R"({"full_name":"Bot","email":"bot@spam.io","consent":true,"website":"http://spam"})");
  EXPECT_EQ(bot.status, 201) << "a bot gets the same answer";
  EXPECT_TRUE(ids(client().get("/v1/contacts")).empty()) << "and nothing is stored";
  auto browser = submit("quote", "full_name=Cy&email=cy%40x.io&consent=on",
                        "application/x-www-form-urlencoded");
  EXPECT_EQ(browser.status, 303);
  EXPECT_EQ(browser.headers["location"], "https://shop.example/thanks");
  ASSERT_EQ(patch("/v1/forms/" + std::to_string(f), R"({"enabled":false})").status, 200);
  EXPECT_EQ(submit("quote", R"({"full_name":"D","email":"d@x.io","consent":true})").status, 404);
}

TEST_P(FormsTest, DefinitionsAreCheckedOnSave) {
  form("taken");
  auto b = provision_team(server_->database(), "B", std::nullopt, false);
  auto r = client(b->owner_key.secret)
               .post("/v1/forms", R"({"name":"x","slug":"taken","fields":[{"key":"a"}]})");
  EXPECT_EQ(r.status, 409) << "slugs are public, so unique across teams";
  struct Case {
    std::string body, field;
  } cases[] = {
      {R"({"name":"x","fields":[]})", "fields"},
      {R"({"name":"x","fields":[{"key":"A b"}]})", "fields[0].key"},
      {R"({"name":"x","fields":[{"key":"a","type":"rocket"}]})", "fields[0].type"},
      {R"({"name":"x","fields":[{"key":"a","type":"select"}]})", "fields[0].options"},
      {R"({"name":"x","fields":[{"key":"a"},{"key":"a"}]})", "fields[1].key"},
      {R"({"name":"x","fields":[{"key":"a","maps_to":"custom.nope"}]})", "fields[0].maps_to"},
      {R"({"name":"x","fields":[{"key":"a","maps_to":"password"}]})", "fields[0].maps_to"},
      {R"({"name":"x","fields":[{"key":"a","extra":1}]})", "fields[0].extra"},
      {R"({"name":"x","slug":"-bad-","fields":[{"key":"a"}]})", "slug"},
      {R"({"name":"x","redirect_url":"javascript:void","fields":[{"key":"a"}]})", "redirect_url"},
      {R"({"name":"x","fields":[{"key":"website"}]})", "fields[0].key"},
  };
  for (const auto& c : cases) {
    auto res = client().post("/v1/forms", c.body);
    EXPECT_EQ(res.status, 422) << c.body << " " << res.body;
    EXPECT_EQ(field_of(res), c.field) << c.body;
  }
  auto generated = client().post("/v1/forms", R"({"name":"x","fields":[{"key":"a"}]})");
  ASSERT_EQ(generated.status, 201);
  EXPECT_EQ(generated.json()->getValue<std::string>("slug").size(), 12u);
}

class FormRateTest : public FormsTest {
 protected:
  void adjust(Config& c) override { c.http.form_rate_per_min = 4; }
};

TEST_P(FormRateTest, PostsArePerIpRateLimited) {
  form("limited");
  int limited = 0;
  for (int i = 0; i < 5; ++i) {
    auto r = submit("limited", R"({"full_name":"A","email":"a@b.io","consent":true})");
    if (r.status == 429) {
      ++limited;
      EXPECT_FALSE(r.headers["retry-after"].empty());
    }
  }
  EXPECT_GE(limited, 1) << "a burst of 1 at 4 per minute lets at most two of five through";
}

SB_INSTANTIATE_BACKENDS(FormsTest);
SB_INSTANTIATE_BACKENDS(FormRateTest);

}  // namespace
}  // namespace sb::test
