// Template rendering, the quiet-hours clock and signed tracking links: pure functions.
#include <gtest/gtest.h>

#include "channels/inbound_sms.h"
#include "channels/tracking_links.h"
#include "model/contact.h"
#include "model/error.h"
#include "model/message_template.h"
#include "model/messaging_settings.h"

// GCC 12 at -O1 reports the copied Contact's optional members as maybe-uninitialized (a
// known false positive with std::optional<std::string> copies).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace sb {
namespace {

std::string render(const std::string& text, const Contact& c, TemplateOutput out,
                   const std::string& vars = "{}") {
  return render_template(parse_template(text, "t"), contact_template_lookup(c, vars, "U"), out);
}

TEST(MessageTemplate, DefaultsFiltersAndEscaping) {
  Contact c;
  c.name = "ana <b>Jones</b>";
  c.metadata["city"] = "Köln";
  c.custom_json = R"({"plan":"gold","seats":3,"tags":["a","b"]})";
  EXPECT_EQ(render("Hi {{contact.first_name|capitalize}}", c, TemplateOutput::kText), "Hi Ana");
  EXPECT_EQ(render("{{ contact.name }}", c, TemplateOutput::kHtml), "ana &lt;b&gt;Jones&lt;/b&gt;");
  EXPECT_EQ(render("{{contact.email | default: \"you\"}}", c, TemplateOutput::kText), "you");
  EXPECT_EQ(render("{{contact.email | default: 'a \\' b'}}", c, TemplateOutput::kText), "a ' b");
  EXPECT_EQ(
      render("{{contact.custom.plan|upcase}} {{contact.custom.seats}} {{contact.custom.tags}}", c,
             TemplateOutput::kText),
      "GOLD 3 a, b");
  EXPECT_EQ(render("{{contact.metadata.city}}/{{vars.code}}/{{unsubscribe_url}}", c,
                   TemplateOutput::kHtml, R"({"code":"<x>"})"),
            "Köln/&lt;x&gt;/U");
  EXPECT_EQ(render("no variables { } }}", c, TemplateOutput::kText), "no variables { } }}");
}

TEST(MessageTemplate, SyntaxErrorsNameTheOffset) {
  auto error_of = [](const std::string& text) {
    try {
      parse_template(text, "html");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of("ab {{ contact.name").find("at offset 3"), std::string::npos);
  EXPECT_NE(error_of("{{ }}").find("expected a variable"), std::string::npos);
  EXPECT_NE(error_of("{{ a | default 'x' }}").find("expected ':'"), std::string::npos);
  EXPECT_NE(error_of("{{ a | default: 'x }}").find("unterminated"), std::string::npos);
  EXPECT_NE(error_of("{{ a b }}").find("unexpected 'b'"), std::string::npos);
  EXPECT_NE(error_of(std::string(kMaxTemplateBytes + 1, 'x')).find("longer than"),
            std::string::npos);
  EXPECT_EQ(check_template_variable("contact.name", {}), "");
  EXPECT_EQ(check_template_variable("contact.custom.plan", {"plan"}), "");
  EXPECT_NE(check_template_variable("contact.custom.plan", {}), "");
  EXPECT_NE(check_template_variable("team.name", {}), "");
}

TEST(MessagingSettings, QuietHoursWrapMidnightInTheContactsZone) {
  MessagingSettings s;
  s.quiet_start = 21 * 60;
  s.quiet_end = 8 * 60;
  // 2026-11-21 22:30 UTC = 23:30 in Berlin (quiet) -> ends 08:00 Berlin = 07:00 UTC next day.
  const EpochMs at = 1795300200000;
  auto end = quiet_hours_end(s, "Europe/Berlin", at);
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, 1795330800000);
  // 22:30 UTC is 07:30 in Tokyo next morning: quiet until 08:00 Tokyo = 23:00 UTC.
  EXPECT_EQ(quiet_hours_end(s, "Asia/Tokyo", at).value_or(0), 1795302000000);
  // 22:30 UTC is 14:30 in Los Angeles: not quiet.
  EXPECT_FALSE(quiet_hours_end(s, "America/Los_Angeles", at));
  s.quiet_end = s.quiet_start;  // equal: no quiet hours
  EXPECT_FALSE(quiet_hours_end(s, "Europe/Berlin", at));
}

TEST(TrackingLinks, SignaturesCoverTheMessageThePurposeAndTheTarget) {
  channels::TrackingLinks links("secret", "https://crm.test/");
  channels::MessageRef ref{'r', 4, 17, 99};
  std::string click = links.click_url(ref, "https://shop.test/?a=1&b=2");
  ASSERT_EQ(click.rfind("https://crm.test/t/c/r.4.17.99.", 0), 0u) << click;
  std::string token = click.substr(21, click.find('?') - 21);
  auto ok = links.verify(token, channels::LinkPurpose::kClick, "https://shop.test/?a=1&b=2");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->team_id, 4);
  EXPECT_EQ(ok->contact_id, 99);
  EXPECT_FALSE(links.verify(token, channels::LinkPurpose::kClick, "https://evil.test/"));
  EXPECT_FALSE(links.verify(token, channels::LinkPurpose::kOpen));
  std::string other_team = token;
  other_team[2] = '5';
  EXPECT_FALSE(
      links.verify(other_team, channels::LinkPurpose::kClick, "https://shop.test/?a=1&b=2"));
  EXPECT_FALSE(channels::TrackingLinks("other", "https://crm.test")
                   .verify(token, channels::LinkPurpose::kClick, "https://shop.test/?a=1&b=2"));
  std::string html = links.track_html(
      "<a href=\"https://shop.test/?a=1&amp;b=2\">x</a><a href=\"mailto:a@b\">m</a></body>", ref);
  EXPECT_NE(html.find("/t/c/r.4.17.99."), std::string::npos) << html;
  EXPECT_NE(html.find("href=\"mailto:a@b\""), std::string::npos);
  EXPECT_NE(html.find("/t/o/r.4.17.99."), std::string::npos);
  EXPECT_LT(html.find("/t/o/"), html.find("</body>"));
}

TEST(InboundSmsTest, OnlyAKeywordAloneIsOne) {
  using channels::classify_sms_keyword;
  using channels::SmsKeyword;
  for (const char* stop :
       {"STOP", "stop", " Stop. ", "STOPALL", "unsubscribe", "Cancel!", "end", "QUIT"}) {
    EXPECT_EQ(classify_sms_keyword(stop), SmsKeyword::kStop) << stop;
  }
  for (const char* start : {"START", "unstop", "Yes"}) {
    EXPECT_EQ(classify_sms_keyword(start), SmsKeyword::kStart) << start;
  }
  for (const char* reply :
       {"", "please don't stop", "stop it now", "STOP STOP", "yes please", "stopp", "s t o p"}) {
    EXPECT_EQ(classify_sms_keyword(reply), SmsKeyword::kNone) << reply;
  }
}

}  // namespace
}  // namespace sb
