// Form definitions and submission checks.
#include "model/form_fields.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "model/clock.h"
#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

const std::vector<std::string> kTypes = {"text",   "textarea", "email",    "phone",
                                         "number", "select",   "checkbox", "date"};
const std::vector<std::string> kDirect = {"name", "email", "phone", "needs"};

bool is_key(const std::string& k, std::size_t max) {
  if (k.empty() || k.size() > max || !std::islower(static_cast<unsigned char>(k[0]))) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) ||
           std::isdigit(static_cast<unsigned char>(c)) || c == '_';
  });
}

std::string str(const Poco::JSON::Object& o, const std::string& key, const std::string& name,
                std::size_t max, bool required) {
  if (!o.has(key) || o.isNull(key)) {
    if (required) throw Error::validation(name + "." + key, "is required");
    return {};
  }
  auto v = o.get(key);
  if (!v.isString()) throw Error::validation(name + "." + key, "must be a string");
  std::string s = v.extract<std::string>();
  if (s.size() > max) throw Error::validation(name + "." + key, "is too long");
  return s;
}

FormField read_field(const Poco::JSON::Object& o, const std::string& name) {
  static const std::set<std::string> kKeys = {"key",     "label",   "type",      "required",
                                              "maps_to", "options", "max_length"};
  for (const auto& [k, v] : o) {
    if (!kKeys.count(k)) throw Error::validation(name + "." + k, "unknown field");
  }
  FormField f;
  f.key = str(o, "key", name, 64, true);
  if (!is_key(f.key, 64)) throw Error::validation(name + ".key", "must match [a-z][a-z0-9_]*");
  f.label = str(o, "label", name, 200, false);
  if (f.label.empty()) f.label = f.key;
  f.type = str(o, "type", name, 20, false);
  if (f.type.empty()) f.type = "text";
  if (std::find(kTypes.begin(), kTypes.end(), f.type) == kTypes.end())
    throw Error::validation(name + ".type",
                            "must be one of: text, textarea, email, phone, number, select, "
                            "checkbox, date");
  if (o.has("required") && !o.isNull("required")) {
    if (!o.get("required").isBoolean())
      throw Error::validation(name + ".required", "must be true or false");
    f.required = o.getValue<bool>("required");
  }
  f.maps_to = str(o, "maps_to", name, 100, false);
  if (!f.maps_to.empty()) {
    bool direct = std::find(kDirect.begin(), kDirect.end(), f.maps_to) != kDirect.end();
    bool custom = f.maps_to.rfind("custom.", 0) == 0 && is_key(f.maps_to.substr(7), 64);
    bool meta =
        f.maps_to.rfind("metadata.", 0) == 0 && f.maps_to.size() > 9 && f.maps_to.size() <= 9 + 64;
    if (!direct && !custom && !meta)
      throw Error::validation(name + ".maps_to",
                              "must be name, email, phone, needs, custom.<key> or metadata.<key>");
  }
  if (o.has("options") && !o.isNull("options")) {
    auto v = o.get("options");
    if (!v.isArray()) throw Error::validation(name + ".options", "must be an array of strings");
    auto arr = v.extract<Poco::JSON::Array::Ptr>();
    if (arr->size() > 100) throw Error::validation(name + ".options", "at most 100 options");
    for (std::size_t i = 0; i < arr->size(); ++i) {
      auto item = arr->get(static_cast<unsigned>(i));
      if (!item.isString() || item.extract<std::string>().empty() ||
          item.extract<std::string>().size() > 200)
        throw Error::validation(name + ".options",
                                "must be non-empty strings of at most 200 bytes");
      f.options.push_back(item.extract<std::string>());
    }
  }
  if (f.type == "select" && f.options.empty())
    throw Error::validation(name + ".options", "a select field needs options");
  if (o.has("max_length") && !o.isNull("max_length")) {
    auto v = o.get("max_length");
    auto n = json_int64(v);
    if (!n || *n < 1 || *n > 10000)
      throw Error::validation(name + ".max_length", "must be between 1 and 10000");
    f.max_length = static_cast<int>(*n);
  } else if (f.type == "textarea") {
    f.max_length = 5000;
  }
  return f;
}

Poco::JSON::Object field_json(const FormField& f) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("key", f.key);
  o.set("label", f.label);
  o.set("type", f.type);
  o.set("required", f.required);
  o.set("maps_to", f.maps_to.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(f.maps_to));
  if (!f.options.empty()) o.set("options", string_array(f.options));
  o.set("max_length", f.max_length);
  return o;
}

}  // namespace

std::string check_form_fields(const Poco::Dynamic::Var& value, const std::string& field) {
  if (!value.isArray()) throw Error::validation(field, "must be an array of field definitions");
  auto arr = value.extract<Poco::JSON::Array::Ptr>();
  if (arr->size() == 0 || arr->size() > 50)
    throw Error::validation(field, "must hold 1 to 50 field definitions");
  Poco::JSON::Array out;
  std::set<std::string> keys, targets;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    std::string name = field + "[" + std::to_string(i) + "]";
    auto item = arr->get(static_cast<unsigned>(i));
    if (item.type() != typeid(Poco::JSON::Object::Ptr))
      throw Error::validation(name, "must be an object");
    FormField f = read_field(*item.extract<Poco::JSON::Object::Ptr>(), name);
    if (!keys.insert(f.key).second) throw Error::validation(name + ".key", "is used twice");
    if (!f.maps_to.empty() && !targets.insert(f.maps_to).second)
      throw Error::validation(name + ".maps_to", "another field already maps there");
    out.add(field_json(f));
  }
  std::ostringstream text;
  out.stringify(text);
  return text.str();
}

std::vector<FormField> parse_form_fields(const std::string& json) {
  Poco::JSON::Parser parser;
  auto arr = parser.parse(json).extract<Poco::JSON::Array::Ptr>();
  std::vector<FormField> out;
  for (std::size_t i = 0; i < arr->size(); ++i)
    out.push_back(read_field(*arr->getObject(static_cast<unsigned>(i)), "fields"));
  return out;
}

std::map<std::string, Poco::Dynamic::Var> check_submission(const std::vector<FormField>& fields,
                                                           const Poco::JSON::Object& values) {
  std::map<std::string, Poco::Dynamic::Var> out;
  for (const auto& f : fields) {
    bool given = values.has(f.key) && !values.isNull(f.key);
    Poco::Dynamic::Var v = given ? values.get(f.key) : Poco::Dynamic::Var();
    if (given && v.isString() &&
        v.extract<std::string>().find_first_not_of(" \t\r\n") == std::string::npos)
      given = false;
    if (!given) {
      if (f.required && f.type != "checkbox") throw Error::validation(f.key, "is required");
      if (f.type == "checkbox") {
        if (f.required) throw Error::validation(f.key, "must be checked");
        out[f.key] = false;
      }
      continue;
    }
    if (f.type == "checkbox") {
      bool on = v.isBoolean() ? v.extract<bool>()
                              : (v.isString() && (v.extract<std::string>() == "on" ||
                                                  v.extract<std::string>() == "true" ||
                                                  v.extract<std::string>() == "1"));
      if (f.required && !on) throw Error::validation(f.key, "must be checked");
      out[f.key] = on;
      continue;
    }
    if (f.type == "number") {
      double d = 0;
      bool ok = v.isNumeric();
      if (ok) {
        d = v.convert<double>();
      } else if (v.isString()) {
        try {
          std::size_t used = 0;
          std::string s = v.extract<std::string>();
          d = std::stod(s, &used);
          ok = used == s.size();
        } catch (const std::exception&) {
        }
      }
      if (!ok || !std::isfinite(d)) throw Error::validation(f.key, "must be a number");
      out[f.key] = d;
      continue;
    }
    if (!v.isString()) throw Error::validation(f.key, "must be text");
    std::string s = v.extract<std::string>();
    if (s.find('\0') != std::string::npos) throw Error::validation(f.key, "must not contain NUL");
    if (s.size() > static_cast<std::size_t>(f.max_length))
      throw Error::validation(f.key, "must be at most " + std::to_string(f.max_length) + " bytes");
    if (f.type == "email") {
      s = normalize_email(f.key, s);
    } else if (f.type == "phone") {
      s = normalize_phone(f.key, s);
    } else if (f.type == "select") {
      if (std::find(f.options.begin(), f.options.end(), s) == f.options.end())
        throw Error::validation(f.key, "is not one of the field's options");
    } else if (f.type == "date") {
      if (!is_valid_date(s)) throw Error::validation(f.key, "must be a date, YYYY-MM-DD");
    }
    out[f.key] = s;
  }
  return out;
}

}  // namespace sb
