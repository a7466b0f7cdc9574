// Capture settings: defaults (English and Spanish) and strict JSON reading.
#include "model/capture_settings.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <cctype>

#include "model/contact.h"
#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/error.h"

namespace sb {
namespace {

constexpr std::size_t kMaxPhrases = 500;
constexpr std::size_t kMaxPhraseBytes = 100;

std::string lower_ascii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> phrase_list(const Poco::Dynamic::Var& v, const std::string& field) {
  if (!v.isArray()) throw Error::validation(field, "must be an array of strings");
  auto arr = v.extract<Poco::JSON::Array::Ptr>();
  if (arr->size() > kMaxPhrases) {
    throw Error::validation(field, "at most " + std::to_string(kMaxPhrases) + " entries");
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    const auto item = arr->get(i);
    if (!item.isString()) throw Error::validation(field, "must be an array of strings");
    std::string p = lower_ascii(trim(item.toString()));
    if (p.empty() || p.size() > kMaxPhraseBytes) {
      throw Error::validation(field,
                              "entries must be 1 to " + std::to_string(kMaxPhraseBytes) + " bytes");
    }
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

}  // namespace

CaptureSettings CaptureSettings::defaults() {
  CaptureSettings s;
  s.intent_phrases["ready_to_buy"] = {
      "buy now",      "buy",     "purchase", "order now",      "place an order",
      "book",         "booking", "reserve",  "sign up",        "checkout",
      "how do i pay", "pay now", "comprar",  "quiero comprar", "reservar",
      "reserva",      "pagar",   "contratar"};
  s.intent_phrases["comparing"] = {
      "compare", "comparison", "vs",      "versus",   "difference", "alternative", "better than",
      "price",   "prices",     "pricing", "cost",     "how much",   "discount",    "precio",
      "precios", "cuánto",     "cuanto",  "comparar", "diferencia", "descuento",   "mejor que"};
  s.intent_phrases["browsing"] = {"info",    "information",   "looking for", "interested",
                                  "details", "tell me about", "información", "informacion",
                                  "busco",   "interesado",    "interesada",  "quisiera saber"};
  return s;
}

CaptureSettings CaptureSettings::from_json(const Poco::JSON::Object::Ptr& object) {
  CaptureSettings s = defaults();
  for (const auto& [key, value] : *object) {
    if (key == "phone_country_code") {
      if (value.isEmpty()) {
        s.phone_country_code.clear();
        continue;
      }
      std::string cc = value.isString() ? trim(value.toString()) : std::string();
      if (!cc.empty() && cc[0] == '+') cc.erase(0, 1);
      bool digits =
          !cc.empty() && cc.size() <= 3 && cc[0] != '0' &&
          std::all_of(cc.begin(), cc.end(), [](unsigned char c) { return std::isdigit(c); });
      if (!digits) {
        throw Error::validation("phone_country_code",
                                "must be a calling code of 1 to 3 digits, e.g. \"84\" or \"+1\"");
      }
      s.phone_country_code = cc;
    } else if (key == "intent_phrases") {
      if (!value.isStruct() && value.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw Error::validation("intent_phrases", "must be an object of level -> phrases");
      }
      auto levels = value.extract<Poco::JSON::Object::Ptr>();
      for (const auto& [level, phrases] : *levels) {
        const auto& allowed = contact_enums::kIntents;
        if (std::find(allowed.begin(), allowed.end(), level) == allowed.end()) {
          throw Error::validation("intent_phrases." + level,
                                  "is not an intent level (browsing, comparing, ready_to_buy)");
        }
        s.intent_phrases[level] = phrase_list(phrases, "intent_phrases." + level);
      }
    } else if (key == "interests") {
      if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
        throw Error::validation("interests", "must be an object of keyword -> interest");
      }
      auto map = value.extract<Poco::JSON::Object::Ptr>();
      if (map->size() > kMaxPhrases) {
        throw Error::validation("interests",
                                "at most " + std::to_string(kMaxPhrases) + " keywords");
      }
      s.interests.clear();
      for (const auto& [keyword, interest] : *map) {
        std::string k = lower_ascii(trim(keyword));
        if (k.empty() || k.size() > kMaxPhraseBytes || !interest.isString()) {
          throw Error::validation("interests." + keyword,
                                  "keywords are 1 to 100 bytes and map to an interest name");
        }
        s.interests[k] = require_text("interests." + keyword, trim(interest.toString()),
                                      contact_limits::kMaxListItemBytes);
      }
    } else if (key == "positive_words") {
      s.positive_words = phrase_list(value, key);
    } else if (key == "negative_words") {
      s.negative_words = phrase_list(value, key);
    } else {
      throw Error::validation(key,
                              "is not a capture setting (phone_country_code, intent_phrases, "
                              "interests, positive_words, negative_words)");
    }
  }
  return s;
}

Poco::JSON::Object CaptureSettings::to_json() const {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("phone_country_code",
        phone_country_code.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(phone_country_code));
  Poco::JSON::Object intents(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [level, phrases] : intent_phrases) intents.set(level, string_array(phrases));
  o.set("intent_phrases", intents);
  Poco::JSON::Object map;
  for (const auto& [k, v] : interests) map.set(k, v);
  o.set("interests", map);
  o.set("positive_words", string_array(positive_words));
  o.set("negative_words", string_array(negative_words));
  return o;
}

}  // namespace sb
