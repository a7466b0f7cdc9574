// Field provenance: JSON form and the capture/person precedence rule.
#include "model/field_sources.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <set>

#include "model/contact_json.h"

namespace sb {

FieldSources FieldSources::parse(const std::string& json) {
  FieldSources out;
  if (json.empty() || json == "{}") return out;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    for (const auto& [field, v] : *o) {
      auto e = v.extract<Poco::JSON::Object::Ptr>();
      FieldSource s;
      s.source = e->optValue<std::string>("source", "user");
      s.confidence = e->optValue<double>("confidence", 1.0);
      if (e->has("message_id") && !e->isNull("message_id"))
        s.message_id = e->getValue<std::int64_t>("message_id");
      if (e->has("key_id") && !e->isNull("key_id")) s.key_id = e->getValue<std::int64_t>("key_id");
      if (e->has("user_id") && !e->isNull("user_id"))
        s.user_id = e->getValue<std::int64_t>("user_id");
      s.at = parse_iso8601(e->optValue<std::string>("at", "")).value_or(0);
      out.set(field, s);
    }
  } catch (const Poco::Exception&) {
    return FieldSources{};
  }
  return out;
}

Poco::JSON::Object FieldSources::to_json() const {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [field, s] : entries_) {
    Poco::JSON::Object e(Poco::JSON_PRESERVE_KEY_ORDER);
    e.set("source", s.source);
    e.set("confidence", s.confidence);
    if (s.message_id) e.set("message_id", *s.message_id);
    if (s.key_id) e.set("key_id", *s.key_id);
    if (s.user_id) e.set("user_id", *s.user_id);
    e.set("at", format_iso8601(s.at));
    o.set(field, e);
  }
  return o;
}

std::string FieldSources::to_json_text() const {
  return json_text(to_json());
}

const FieldSource* FieldSources::find(const std::string& field) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), field,
                             [](const auto& e, const std::string& f) { return e.first < f; });
  return it != entries_.end() && it->first == field ? &it->second : nullptr;
}

void FieldSources::set(const std::string& field, FieldSource source) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), field,
                             [](const auto& e, const std::string& f) { return e.first < f; });
  if (it != entries_.end() && it->first == field) {
    it->second = std::move(source);
  } else {
    entries_.insert(it, {field, std::move(source)});
  }
}

bool FieldSources::capture_may_set(const std::string& field, bool has_value,
                                   double confidence) const {
  if (!has_value) return true;
  const FieldSource* s = find(field);
  if (!s || s->source == "user") return false;  // no provenance: a person set it
  return confidence >= s->confidence;
}

void FieldSources::mark_person_edits(const Contact& before, const Contact& after,
                                     const std::vector<std::string>& changed, const Actor& actor,
                                     EpochMs now) {
  static const std::set<std::string> kTracked = {
      "name", "email", "phone", "needs", "interests", "sentiment", "purchase_intent"};
  FieldSource person{.source = "user",
                     .confidence = 1,
                     .key_id = actor.key_id,
                     .user_id = actor.user_id,
                     .at = now};
  for (const std::string& f : changed) {
    if (kTracked.count(f)) set(f, person);
  }
  if (std::find(changed.begin(), changed.end(), "metadata") != changed.end()) {
    for (const auto& [k, v] : after.metadata) {
      auto it = before.metadata.find(k);
      if (it == before.metadata.end() || it->second != v) set("metadata." + k, person);
    }
  }
  if (std::find(changed.begin(), changed.end(), "custom_fields") != changed.end() ||
      before.custom_json != after.custom_json) {
    Poco::JSON::Parser parser;
    auto b = parser.parse(before.custom_json).extract<Poco::JSON::Object::Ptr>();
    auto a = Poco::JSON::Parser().parse(after.custom_json).extract<Poco::JSON::Object::Ptr>();
    for (const auto& [k, v] : *a) {
      if (!b->has(k) || b->get(k).toString() != v.toString()) set("custom." + k, person);
    }
  }
}

}  // namespace sb
