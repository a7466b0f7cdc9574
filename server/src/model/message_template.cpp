#include "model/message_template.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "model/contact.h"
#include "model/error.h"

namespace sb {
namespace {

constexpr std::size_t kMaxVariables = 1000;

const std::vector<std::string_view> kContactFields = {
    "name",  "first_name",  "email",           "phone", "stage",     "status", "platform",
    "needs", "external_id", "purchase_intent", "score", "sentiment", "source"};
const std::vector<std::string_view> kFilters = {"upcase", "downcase", "capitalize"};

[[noreturn]] void syntax(std::string_view field, std::size_t offset, const std::string& why) {
  throw Error::validation(std::string(field), why + " at offset " + std::to_string(offset));
}

bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

void skip_spaces(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

// Inside {{ }}: path, then `| name` or `| default: "text"` filters.
TemplateVariable parse_expression(std::string_view e, std::size_t base, std::string_view field) {
  TemplateVariable v;
  v.offset = base;
  std::size_t i = 0;
  skip_spaces(e, i);
  std::size_t start = i;
  while (i < e.size() && ident_char(e[i])) ++i;
  v.path = std::string(e.substr(start, i - start));
  if (v.path.empty()) syntax(field, base + i, "expected a variable name after {{");
  for (;;) {
    skip_spaces(e, i);
    if (i == e.size()) break;
    if (e[i] != '|') syntax(field, base + i, "unexpected '" + std::string(1, e[i]) + "'");
    ++i;
    skip_spaces(e, i);
    start = i;
    while (i < e.size() && std::isalpha(static_cast<unsigned char>(e[i]))) ++i;
    std::string name(e.substr(start, i - start));
    if (name == "default") {
      skip_spaces(e, i);
      if (i == e.size() || e[i] != ':') syntax(field, base + i, "expected ':' after default");
      ++i;
      skip_spaces(e, i);
      if (i == e.size() || (e[i] != '"' && e[i] != '\'')) {
        syntax(field, base + i, "default needs a quoted text");
      }
      char quote = e[i++];
      std::string text;
      while (i < e.size() && e[i] != quote) {
        if (e[i] == '\\' && i + 1 < e.size()) ++i;
        text += e[i++];
      }
      if (i == e.size()) syntax(field, base + i, "unterminated text in default");
      ++i;
      if (v.fallback) syntax(field, base + start, "default given twice");
      v.fallback = std::move(text);
    } else if (std::find(kFilters.begin(), kFilters.end(), name) != kFilters.end()) {
      v.filters.push_back(std::move(name));
    } else {
      syntax(field, base + start,
             "unknown filter '" + name + "' (default, upcase, downcase, capitalize)");
    }
  }
  return v;
}

std::string apply_filter(const std::string& name, std::string value) {
  if (name == "upcase") {
    for (char& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  } else if (name == "downcase") {
    for (char& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  } else if (name == "capitalize" && !value.empty()) {
    value[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(value[0])));
  }
  return value;
}

std::optional<std::string> json_member(const std::string& json, std::string_view key) {
  if (json.size() < 2) return std::nullopt;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    if (!o->has(std::string(key))) return std::nullopt;
    Poco::Dynamic::Var v = o->get(std::string(key));
    if (v.isEmpty()) return std::nullopt;
    if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
      std::string out;
      for (const auto& item : *v.extract<Poco::JSON::Array::Ptr>()) {
        if (!out.empty()) out += ", ";
        out += item.toString();
      }
      return out;
    }
    return v.toString();
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
}

}  // namespace

MessageTemplate parse_template(std::string_view text, std::string_view field) {
  if (text.size() > kMaxTemplateBytes) {
    throw Error::validation(std::string(field),
                            "longer than " + std::to_string(kMaxTemplateBytes) + " bytes");
  }
  MessageTemplate t;
  std::size_t i = 0, vars = 0;
  std::string literal;
  while (i < text.size()) {
    std::size_t open = text.find("{{", i);
    if (open == std::string_view::npos) {
      literal.append(text.substr(i));
      break;
    }
    literal.append(text.substr(i, open - i));
    std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) syntax(field, open, "'{{' without a closing '}}'");
    if (++vars > kMaxVariables) {
      syntax(field, open, "more than " + std::to_string(kMaxVariables) + " variables");
    }
    if (!literal.empty()) t.parts.emplace_back(std::move(literal));
    literal.clear();
    t.parts.emplace_back(
        parse_expression(text.substr(open + 2, close - open - 2), open + 2, field));
    i = close + 2;
  }
  if (!literal.empty()) t.parts.emplace_back(std::move(literal));
  return t;
}

std::string check_template_variable(std::string_view path,
                                    const std::vector<std::string>& custom_keys) {
  if (path == "unsubscribe_url") return "";
  if (path.starts_with("vars.") && path.size() > 5) return "";
  if (path.starts_with("contact.metadata.") && path.size() > 17) return "";
  if (path.starts_with("contact.custom.")) {
    std::string_view key = path.substr(15);
    for (const std::string& k : custom_keys) {
      if (k == key) return "";
    }
    return "no custom field '" + std::string(key) + "' in this team";
  }
  if (path.starts_with("contact.")) {
    std::string_view name = path.substr(8);
    if (std::find(kContactFields.begin(), kContactFields.end(), name) != kContactFields.end()) {
      return "";
    }
    return "contact has no field '" + std::string(name) +
           "' (custom fields are contact.custom.<key>, metadata contact.metadata.<key>)";
  }
  return "unknown variable '" + std::string(path) +
         "' (contact.<field>, contact.custom.<key>, contact.metadata.<key>, vars.<name>, "
         "unsubscribe_url)";
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_template(const MessageTemplate& t, const TemplateLookup& lookup,
                            TemplateOutput output) {
  std::string out;
  for (const auto& part : t.parts) {
    if (const auto* literal = std::get_if<std::string>(&part)) {
      out += *literal;
      continue;
    }
    const auto& v = std::get<TemplateVariable>(part);
    std::optional<std::string> value = lookup(v.path);
    if (!value || value->empty()) value = v.fallback.value_or("");
    for (const std::string& f : v.filters) value = apply_filter(f, std::move(*value));
    out += output == TemplateOutput::kHtml ? html_escape(*value) : *value;
  }
  return out;
}

TemplateLookup contact_template_lookup(const Contact& contact, const std::string& vars_json,
                                       std::string unsubscribe_url) {
  auto c = std::make_shared<const Contact>(contact);
  return [c, vars_json, unsubscribe_url = std::move(unsubscribe_url)](
             std::string_view path) -> std::optional<std::string> {
    if (path == "unsubscribe_url") return unsubscribe_url;
    if (path.starts_with("vars.")) return json_member(vars_json, path.substr(5));
    if (path.starts_with("contact.custom.")) return json_member(c->custom_json, path.substr(15));
    if (path.starts_with("contact.metadata.")) {
      auto it = c->metadata.find(std::string(path.substr(17)));
      if (it == c->metadata.end()) return std::nullopt;
      return it->second;
    }
    if (!path.starts_with("contact.")) return std::nullopt;
    std::string_view f = path.substr(8);
    if (f == "name") return c->name;
    if (f == "first_name") {
      if (!c->name) return std::nullopt;
      return c->name->substr(0, c->name->find(' '));
    }
    if (f == "email") return c->email;
    if (f == "phone") return c->phone;
    if (f == "stage") return c->stage;
    if (f == "status") return c->status;
    if (f == "platform") return c->platform;
    if (f == "needs") return c->needs;
    if (f == "external_id") return c->external_id;
    if (f == "purchase_intent") return c->purchase_intent;
    if (f == "sentiment") return c->sentiment;
    if (f == "source") return c->source;
    if (f == "score") {
      std::string s = std::to_string(c->score);
      s.erase(s.find_last_not_of('0') + 1);
      if (!s.empty() && s.back() == '.') s.pop_back();
      return s;
    }
    return std::nullopt;
  };
}

}  // namespace sb
