// Message templates: parsing, then rendering as text and as HTML. HTML output must not
// carry a value's markup through: every '<' in it comes from the template's own text.
#include <algorithm>

#include "fuzz/fuzz_target.h"
#include "model/message_template.h"

SB_FUZZ_TARGET(template) {
  try {
    sb::MessageTemplate t = sb::parse_template(sb::fuzz::text(data, size), "body");
    // Every variable resolves to markup, or to nothing (so defaults are used).
    auto lookup = [](std::string_view path) -> std::optional<std::string> {
      if (path.size() % 2) return std::nullopt;
      return "<b>" + std::string(path) + "</b>";
    };
    sb::render_template(t, lookup, sb::TemplateOutput::kText);
    std::string html = sb::render_template(t, lookup, sb::TemplateOutput::kHtml);
    std::size_t literal_lt = 0;
    for (const auto& part : t.parts) {
      if (const auto* s = std::get_if<std::string>(&part)) {
        literal_lt += static_cast<std::size_t>(std::count(s->begin(), s->end(), '<'));
      }
    }
    SB_FUZZ_CHECK(static_cast<std::size_t>(std::count(html.begin(), html.end(), '<')) <=
                  literal_lt);
    for (const auto& part : t.parts) {
      if (const auto* v = std::get_if<sb::TemplateVariable>(&part)) {
        sb::check_template_variable(v->path, {"plan"});
      }
    }
  } catch (const sb::Error& e) {
    sb::fuzz::expect_client_error(e);
  }
  return 0;
}
