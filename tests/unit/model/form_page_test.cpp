// The public form page: controls by field type, the browser's checks, the hidden honeypot,
// and escaping of everything an admin wrote.
#include "model/form_page.h"

#include <gtest/gtest.h>

namespace sb {
namespace {

FormField field(std::string key, std::string type, bool required = false) {
  FormField f;
  f.key = std::move(key);
  f.label = "The " + f.key;
  f.type = std::move(type);
  f.required = required;
  return f;
}

bool has(const std::string& html, const std::string& part) {
  return html.find(part) != std::string::npos;
}

TEST(FormPage, EachTypeGetsItsControlWithTheBrowsersChecks) {
  FormField pick = field("plan", "select");
  pick.options = {"basic", "pro"};
  FormField note = field("note", "textarea");
  note.max_length = 300;
  std::string html = form_page_html(
      {field("email", "email", true), field("phone", "phone"), field("seats", "number"),
       field("day", "date"), pick, note, field("agree", "checkbox", true)},
      "website", "/f/demo");
  EXPECT_TRUE(has(html, R"(<form method="post" action="/f/demo")"));
  EXPECT_TRUE(has(html, R"(<label for="f-email">The email</label>)"));
  EXPECT_TRUE(
      has(html, R"(<input type="email" id="f-email" name="email" required maxlength="1000")"));
  EXPECT_TRUE(has(html, R"(type="tel" id="f-phone")"));
  EXPECT_TRUE(has(html, R"(type="number" id="f-seats" name="seats" step="any")"));
  EXPECT_TRUE(has(html, R"(type="date" id="f-day")"));
  EXPECT_TRUE(has(html, R"(<option value="pro">pro</option>)"));
  EXPECT_TRUE(
      has(html, R"(<textarea rows="4" cols="40" id="f-note" name="note" maxlength="300">)"));
  EXPECT_TRUE(
      has(html, R"(<input type="checkbox" value="on" id="f-agree" name="agree" required>)"));
  // The honeypot is there for bots, hidden from people and out of the tab order.
  EXPECT_TRUE(has(
      html,
      R"(<div hidden aria-hidden="true"><label>Leave empty<input name="website" tabindex="-1")"));
}

TEST(FormPage, EscapesWhatTheAdminWrote) {
  FormField f = field("name", "select");
  f.label = R"(<script>alert(1)</script> "Name")";
  f.options = {R"("><img src=x onerror=alert(1)>)"};
  std::string html = form_page_html({f}, R"(web"site)", R"(/f/a"b)");
  EXPECT_FALSE(has(html, "<script>"));
  EXPECT_FALSE(has(html, "<img"));
  EXPECT_TRUE(has(html, "&lt;script&gt;alert(1)&lt;/script&gt; &quot;Name&quot;"));
  EXPECT_TRUE(has(html, R"(name="web&quot;site")"));
  EXPECT_TRUE(has(html, R"(action="/f/a&quot;b")"));
}

}  // namespace
}  // namespace sb
