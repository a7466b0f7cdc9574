// Message templates: `{{ contact.name | default: "there" }}` variables over a contact's
// fields, custom fields, metadata and the sender's vars. Parsed once (errors name the
// offset), rendered per recipient with HTML escaping where the output is HTML.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sb {

struct Contact;

struct TemplateVariable {
  std::string path;                     // contact.name, contact.custom.plan, vars.code ...
  std::optional<std::string> fallback;  // | default: "..."
  std::vector<std::string> filters;     // upcase, downcase, capitalize (in order)
  std::size_t offset = 0;               // where it starts in the source
};

struct MessageTemplate {
  std::vector<std::variant<std::string, TemplateVariable>> parts;
};

constexpr std::size_t kMaxTemplateBytes = 200000;

// Throws Error::validation(field, reason with the offset) on a syntax error.
MessageTemplate parse_template(std::string_view text, std::string_view field);

// Why `path` cannot be a variable ("" when it can): the roots are contact (its fields,
// first_name, custom.<key> for `custom_keys`, metadata.<any>), vars.<any> and
// unsubscribe_url.
std::string check_template_variable(std::string_view path,
                                    const std::vector<std::string>& custom_keys);

enum class TemplateOutput { kText, kHtml };

// Values by path; nullopt when the recipient has none (the default, or "", is used).
using TemplateLookup = std::function<std::optional<std::string>(std::string_view path)>;
std::string render_template(const MessageTemplate& t, const TemplateLookup& lookup,
                            TemplateOutput output);

std::string html_escape(std::string_view text);

// The lookup for one contact; `vars_json` is a JSON object (the sender's vars) or "".
TemplateLookup contact_template_lookup(const Contact& contact, const std::string& vars_json,
                                       std::string unsubscribe_url);

}  // namespace sb
