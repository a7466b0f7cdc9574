// Contact validation, normalisation and patch application.
#include "model/contact_rules.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "model/clock.h"
#include "model/error.h"

namespace sb {

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

[[noreturn]] void invalid(std::string_view field, std::string reason) {
  throw Error::validation(std::string(field), std::move(reason));
}

std::string to_json(const Poco::Dynamic::Var& v) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(v, out);
  return out.str();
}

template <class T>
bool assign(T& target, const T& value) {
  if (target == value) return false;
  target = value;
  return true;
}

}  // namespace

std::string normalize_email(std::string_view field, std::string_view raw) {
  std::string e = lower(trim(raw));
  auto at = e.find('@');
  bool ok = e.size() <= 254 && at != std::string::npos && at > 0 && at == e.rfind('@') &&
            e.find('.', at) != std::string::npos && e.back() != '.' && e[at + 1] != '.';
  for (char c : e) ok = ok && c > ' ' && c != ',' && c != ';' && c != '<' && c != '>';
  if (!ok) invalid(field, "is not an email address");
  return e;
}

std::string normalize_phone(std::string_view field, std::string_view raw) {
  std::string t = trim(raw);
  std::string digits;
  bool plus = false;
  for (char c : t) {
    if (c == '+' && digits.empty() && !plus) {
      plus = true;  // "(+84) ..." puts a parenthesis first
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      invalid(field, "may contain only digits, spaces, '-', '.', '(', ')' and a leading '+'");
    }
  }
  if (!plus && digits.rfind("00", 0) == 0) {
    plus = true;
    digits.erase(0, 2);
  }
  if (!plus) invalid(field, "needs the country code in E.164 form, e.g. +84901234567");
  if (digits.size() < 8 || digits.size() > 15 || digits[0] == '0') {
    invalid(field, "is not a valid E.164 number (8 to 15 digits after '+', no leading 0)");
  }
  return "+" + digits;
}

std::string normalize_local_phone(std::string_view field, std::string_view raw,
                                  std::string_view calling_code) {
  std::string t = trim(raw);
  if (calling_code.empty() || t.empty() || t[0] == '+' || t.rfind("00", 0) == 0) {
    return normalize_phone(field, t);
  }
  std::string digits;
  for (char c : t) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);  // trunk prefix
  return normalize_phone(field, "+" + std::string(calling_code) + digits);
}

std::vector<std::string> normalize_list(std::string_view field, std::vector<std::string> items,
                                        std::size_t max_items, bool lower_case) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (std::string& raw : items) {
    std::string item = trim(raw);
    if (lower_case) item = lower(item);
    if (item.empty()) continue;
    if (item.size() > contact_limits::kMaxListItemBytes) {
      invalid(field, "items must be at most " + std::to_string(contact_limits::kMaxListItemBytes) +
                         " bytes");
    }
    if (seen.insert(lower(item)).second) out.push_back(item);
  }
  if (out.size() > max_items) {
    invalid(field,
            "at most " + std::to_string(max_items) + " items, got " + std::to_string(out.size()));
  }
  return out;
}

void require_one_of(std::string_view field, std::string_view value,
                    const std::vector<std::string_view>& allowed) {
  std::string joined;
  for (std::string_view a : allowed) {
    if (a == value) return;
    joined += (joined.empty() ? "" : ", ") + std::string(a);
  }
  invalid(field, "must be one of: " + joined);
}

void require_one_of(std::string_view field, std::string_view value,
                    const std::vector<std::string>& allowed) {
  std::vector<std::string_view> views(allowed.begin(), allowed.end());
  require_one_of(field, value, views);
}

std::string require_text(std::string_view field, std::string_view value, std::size_t max_bytes) {
  std::string t = trim(value);
  if (t.empty()) invalid(field, "must not be empty (use null to clear it)");
  if (t.size() > max_bytes)
    invalid(field, "must be at most " + std::to_string(max_bytes) + " bytes");
  return t;
}

bool valid_custom_field_key(std::string_view key) {
  if (key.empty() || key.size() > 63 || !(key[0] >= 'a' && key[0] <= 'z')) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Poco::Dynamic::Var validate_custom_value(const CustomField& def, const Poco::Dynamic::Var& v) {
  std::string field = "custom_fields." + def.key;
  const std::string& t = def.type;
  if (t == "number") {
    if (!v.isNumeric() || v.isBoolean()) invalid(field, "must be a number");
    return v;
  }
  if (t == "boolean") {
    if (!v.isBoolean()) invalid(field, "must be true or false");
    return v;
  }
  if (t == "multiselect") {
    if (!v.isArray()) invalid(field, "must be an array of options");
    std::vector<std::string> items;
    Poco::JSON::Array::Ptr arr = v.extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < arr->size(); ++i) {
      if (!arr->get(i).isString()) invalid(field, "must be an array of options");
      items.push_back(arr->getElement<std::string>(i));
    }
    Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
    std::set<std::string> seen;
    for (const std::string& item : items) {
      require_one_of(field, item, def.options);
      if (seen.insert(item).second) out->add(item);
    }
    return out;
  }
  if (!v.isString()) invalid(field, "must be a string");
  std::string s = v.extract<std::string>();
  if (s.find('\0') != std::string::npos) invalid(field, "must not contain NUL characters");
  if (t == "text") {
    if (s.size() > 2000) invalid(field, "must be at most 2000 bytes");
  } else if (t == "date") {
    if (!is_valid_date(s)) invalid(field, "must be a date YYYY-MM-DD");
  } else if (t == "select") {
    require_one_of(field, s, def.options);
  } else if (t == "email") {
    s = normalize_email(field, s);
  } else if (t == "phone") {
    s = normalize_phone(field, s);
  } else if (t == "url") {
    std::string l = lower(s);
    if (s.size() > 2000 || !(l.rfind("http://", 0) == 0 || l.rfind("https://", 0) == 0) ||
        s.find_first_of(" \t\r\n") != std::string::npos || s.size() < 10) {
      invalid(field, "must be an http(s) URL");
    }
  }
  return s;
}

std::vector<std::string> apply_contact_patch(Contact& c, const ContactPatch& p) {
  using namespace contact_limits;
  std::vector<std::string> changed;
  auto text = [&](const char* name, const Patch<std::string>& patch,
                  std::optional<std::string>& target, std::size_t max) {
    if (!patch.present) return;
    std::optional<std::string> v;
    if (patch.value) v = require_text(name, *patch.value, max);
    if (assign(target, v)) changed.push_back(name);
  };
  auto enum_field = [&](const char* name, const Patch<std::string>& patch,
                        std::optional<std::string>& target,
                        const std::vector<std::string_view>& allowed) {
    if (!patch.present) return;
    if (patch.value) require_one_of(name, *patch.value, allowed);
    if (assign(target, patch.value)) changed.push_back(name);
  };
  auto list = [&](const char* name, const Patch<std::vector<std::string>>& patch,
                  std::vector<std::string>& target, std::size_t max, bool lower_case) {
    if (!patch.present) return;
    auto v =
        normalize_list(name, patch.value.value_or(std::vector<std::string>{}), max, lower_case);
    if (assign(target, v)) changed.push_back(name);
  };

  if (p.source.present) {
    if (!p.source.value) invalid("source", "cannot be null");
    require_one_of("source", *p.source.value, contact_enums::kSources);
    if (assign(c.source, *p.source.value)) changed.push_back("source");
  }
  if (p.platform.present) {
    if (!p.platform.value) invalid("platform", "cannot be null");
    require_one_of("platform", *p.platform.value, contact_enums::kPlatforms);
    if (assign(c.platform, *p.platform.value)) changed.push_back("platform");
  }
  text("external_id", p.external_id, c.external_id, kMaxTextBytes);
  text("name", p.name, c.name, kMaxTextBytes);
  if (p.email.present) {
    std::optional<std::string> v;
    if (p.email.value) v = normalize_email("email", *p.email.value);
    if (assign(c.email, v)) changed.push_back("email");
  }
  if (p.phone.present) {
    std::optional<std::string> v;
    if (p.phone.value) v = normalize_phone("phone", *p.phone.value);
    if (assign(c.phone, v)) changed.push_back("phone");
  }
  if (p.status.present) {
    if (!p.status.value) invalid("status", "cannot be null");
    if (assign(c.status, require_text("status", *p.status.value, 64))) changed.push_back("status");
  }
  enum_field("purchase_intent", p.purchase_intent, c.purchase_intent, contact_enums::kIntents);
  enum_field("sentiment", p.sentiment, c.sentiment, contact_enums::kSentiments);
  list("interests", p.interests, c.interests, kMaxListItems, false);
  list("traits", p.traits, c.traits, kMaxTraits, false);
  list("tags", p.tags, c.tags, kMaxListItems, true);
  text("needs", p.needs, c.needs, kMaxNeedsBytes);
  text("stage", p.stage, c.stage, kMaxTextBytes);
  if (p.account_id.present) {
    if (p.account_id.value && *p.account_id.value <= 0)
      invalid("account_id", "must be a positive id");
    if (assign(c.account_id, p.account_id.value)) changed.push_back("account_id");
  }
  if (p.owner_id.present) {
    if (p.owner_id.value && *p.owner_id.value <= 0) invalid("owner_id", "must be a positive id");
    if (assign(c.owner_id, p.owner_id.value)) changed.push_back("owner_id");
  }
  if (p.score.present) {
    if (!p.score.value) invalid("score", "cannot be null");
    if (assign(c.score, *p.score.value)) changed.push_back("score");
  }
  if (p.metadata.present) {
    auto m = p.metadata.value.value_or(std::map<std::string, std::string>{});
    if (m.size() > kMaxMetadataKeys) {
      invalid("metadata", "at most " + std::to_string(kMaxMetadataKeys) + " keys");
    }
    for (const auto& [k, v] : m) {
      if (k.empty() || k.size() > kMaxMetadataKeyBytes) {
        invalid("metadata", "keys must be 1 to " + std::to_string(kMaxMetadataKeyBytes) + " bytes");
      }
      if (v.size() > kMaxMetadataValueBytes) {
        invalid("metadata." + k,
                "must be at most " + std::to_string(kMaxMetadataValueBytes) + " bytes");
      }
    }
    if (assign(c.metadata, m)) changed.push_back("metadata");
  }
  if (p.custom_json.present && p.custom_json.value) {
    // Merge: keys with null are removed, others replace.
    Poco::JSON::Parser parser;
    auto current = parser.parse(c.custom_json).extract<Poco::JSON::Object::Ptr>();
    Poco::JSON::Parser parser2;
    auto patch = parser2.parse(*p.custom_json.value).extract<Poco::JSON::Object::Ptr>();
    for (const auto& [k, v] : *patch) {
      if (v.isEmpty()) {
        current->remove(k);
      } else {
        current->set(k, v);
      }
    }
    std::string merged = to_json(current);
    if (assign(c.custom_json, merged)) changed.push_back("custom_fields");
  }
  if (p.first_seen.present && p.first_seen.value) {
    if (assign(c.first_seen, *p.first_seen.value)) changed.push_back("first_seen");
  }
  if (p.last_active.present && p.last_active.value) {
    if (assign(c.last_active, *p.last_active.value)) changed.push_back("last_active");
  }
  return changed;
}

}  // namespace sb
