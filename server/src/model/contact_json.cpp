// Contact <-> JSON.
#include "model/contact_json.h"

#include <Poco/JSON/Parser.h>

#include <sstream>

#include "model/contact_behaviour.h"
#include "model/json_escape.h"

namespace sb {

Poco::JSON::Array::Ptr string_array(const std::vector<std::string>& items) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (const auto& s : items) a->add(s);
  return a;
}

Poco::Dynamic::Var or_null(const std::optional<std::string>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var or_null(const std::optional<std::int64_t>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

Poco::JSON::Object counts_json(const std::map<std::string, std::int64_t>& counts) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [k, v] : counts) o.set(k, v);
  return o;
}

Poco::Dynamic::Var time_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? Poco::Dynamic::Var(format_iso8601(*ms)) : Poco::Dynamic::Var();
}

std::string json_text(const Poco::JSON::Object& o) {
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

std::string json_text(const Poco::JSON::Array& a) {
  std::ostringstream out;
  a.stringify(out);
  return out.str();
}

Poco::JSON::Object contact_to_json(const Contact& c) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", c.id);
  o.set("source", c.source);
  o.set("platform", c.platform);
  o.set("external_id", or_null(c.external_id));
  o.set("name", or_null(c.name));
  o.set("email", or_null(c.email));
  o.set("phone", or_null(c.phone));
  o.set("status", c.status);
  o.set("purchase_intent", or_null(c.purchase_intent));
  o.set("interests", string_array(c.interests));
  o.set("traits", string_array(c.traits));
  o.set("needs", or_null(c.needs));
  o.set("tags", string_array(c.tags));
  o.set("owner_id", or_null(c.owner_id));
  o.set("account_id", or_null(c.account_id));
  o.set("stage", or_null(c.stage));
  o.set("sentiment", or_null(c.sentiment));
  o.set("score", c.score);
  Poco::JSON::Object::Ptr metadata = new Poco::JSON::Object;
  for (const auto& [k, v] : c.metadata) metadata->set(k, v);
  o.set("metadata", metadata);
  Poco::JSON::Parser parser;
  auto object = [&parser](const std::string& json) {
    return json == "{}" ? Poco::Dynamic::Var(Poco::JSON::Object::Ptr(new Poco::JSON::Object))
                        : parser.parse(json);
  };
  o.set("custom_fields", object(c.custom_json));
  o.set("first_seen", format_iso8601(c.first_seen));
  o.set("last_active", format_iso8601(c.last_active));
  o.set("created_at", format_iso8601(c.created_at));
  o.set("updated_at", format_iso8601(c.updated_at));
  o.set("version", c.version);
  o.set("field_sources", object(c.field_sources_json));
  ContactBehaviour behaviour = ContactBehaviour::parse(c.behaviour_json);
  Poco::JSON::Object activity(Poco::JSON_PRESERVE_KEY_ORDER);
  activity.set("message_count", c.message_count);
  activity.set("conversation_count", c.conversation_count);
  activity.set("last_channel", or_null(c.last_channel));
  std::int64_t median = behaviour.median_response_ms();
  activity.set(
      "median_response_seconds",
      median < 0 ? Poco::Dynamic::Var() : Poco::Dynamic::Var(static_cast<double>(median) / 1000.0));
  Poco::JSON::Array hours;
  for (int h : behaviour.preferred_hours()) hours.add(h);
  activity.set("preferred_hours_utc", hours);
  o.set("activity", activity);
  return o;
}

namespace {

// One key of the object being written; `first` is the only key without a leading comma.
void append_key(std::string& out, std::string_view key, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out += key;  // keys are fixed ASCII names
  out += "\":";
}

void append_text(std::string& out, const std::optional<std::string>& v) {
  if (v) {
    append_json_string(out, *v);
  } else {
    out += "null";
  }
}

void append_int(std::string& out, std::optional<std::int64_t> v) {
  out += v ? std::to_string(*v) : std::string("null");
}

// Poco's own number text, so the two writers agree on every double.
void append_double(std::string& out, double v) {
  out += Poco::Dynamic::Var(v).toString();
}

void append_list(std::string& out, const std::vector<std::string>& items) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, items[i]);
  }
  out += ']';
}

// Stored JSON objects: "{}" as is; anything else through Poco, which is what decides the
// key order and number text of contact_to_json.
void append_stored_object(std::string& out, const std::string& json) {
  if (json == "{}") {
    out += json;
    return;
  }
  Poco::JSON::Parser parser;
  std::ostringstream text;
  parser.parse(json).extract<Poco::JSON::Object::Ptr>()->stringify(text);
  out += text.str();
}

}  // namespace

void append_contact_json(std::string& out, const Contact& c) {
  out += '{';
  append_key(out, "id", true);
  out += std::to_string(c.id);
  append_key(out, "source");
  append_json_string(out, c.source);
  append_key(out, "platform");
  append_json_string(out, c.platform);
  append_key(out, "external_id");
  append_text(out, c.external_id);
  append_key(out, "name");
  append_text(out, c.name);
  append_key(out, "email");
  append_text(out, c.email);
  append_key(out, "phone");
  append_text(out, c.phone);
  append_key(out, "status");
  append_json_string(out, c.status);
  append_key(out, "purchase_intent");
  append_text(out, c.purchase_intent);
  append_key(out, "interests");
  append_list(out, c.interests);
  append_key(out, "traits");
  append_list(out, c.traits);
  append_key(out, "needs");
  append_text(out, c.needs);
  append_key(out, "tags");
  append_list(out, c.tags);
  append_key(out, "owner_id");
  append_int(out, c.owner_id);
  append_key(out, "account_id");
  append_int(out, c.account_id);
  append_key(out, "stage");
  append_text(out, c.stage);
  append_key(out, "sentiment");
  append_text(out, c.sentiment);
  append_key(out, "score");
  append_double(out, c.score);
  append_key(out, "metadata");
  out += '{';
  bool first = true;
  for (const auto& [k, v] : c.metadata) {  // a std::map: key order, as Poco's object has it
    if (!first) out += ',';
    first = false;
    append_json_string(out, k);
    out += ':';
    append_json_string(out, v);
  }
  out += '}';
  append_key(out, "custom_fields");
  append_stored_object(out, c.custom_json);
  append_key(out, "first_seen");
  append_json_string(out, format_iso8601(c.first_seen));
  append_key(out, "last_active");
  append_json_string(out, format_iso8601(c.last_active));
  append_key(out, "created_at");
  append_json_string(out, format_iso8601(c.created_at));
  append_key(out, "updated_at");
  append_json_string(out, format_iso8601(c.updated_at));
  append_key(out, "version");
  out += std::to_string(c.version);
  append_key(out, "field_sources");
  append_stored_object(out, c.field_sources_json);
  ContactBehaviour behaviour = ContactBehaviour::parse(c.behaviour_json);
  append_key(out, "activity");
  out += '{';
  append_key(out, "message_count", true);
  out += std::to_string(c.message_count);
  append_key(out, "conversation_count");
  out += std::to_string(c.conversation_count);
  append_key(out, "last_channel");
  append_text(out, c.last_channel);
  append_key(out, "median_response_seconds");
  std::int64_t median = behaviour.median_response_ms();
  if (median < 0) {
    out += "null";
  } else {
    append_double(out, static_cast<double>(median) / 1000.0);
  }
  append_key(out, "preferred_hours_utc");
  out += '[';
  first = true;
  for (int h : behaviour.preferred_hours()) {
    if (!first) out += ',';
    first = false;
    out += std::to_string(h);
  }
  out += "]}}";
}

std::string contact_json_text(const Contact& c) {
  std::string out;
  out.reserve(768);
  append_contact_json(out, c);
  return out;
}

Contact contact_from_json(const Poco::JSON::Object::Ptr& o, std::int64_t team_id) {
  auto opt_text = [&](const char* k) -> std::optional<std::string> {
    if (!o->has(k) || o->isNull(k)) return std::nullopt;
    return o->getValue<std::string>(k);
  };
  auto list = [&](const char* k) {
    std::vector<std::string> out;
    auto a = o->getArray(k);
    for (std::size_t i = 0; a && i < a->size(); ++i)
      out.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
    return out;
  };
  auto time = [&](const char* k) { return parse_iso8601(o->getValue<std::string>(k)).value_or(0); };
  Contact c;
  c.team_id = team_id;
  c.id = o->getValue<std::int64_t>("id");
  c.source = o->getValue<std::string>("source");
  c.platform = o->getValue<std::string>("platform");
  c.external_id = opt_text("external_id");
  c.name = opt_text("name");
  c.email = opt_text("email");
  c.phone = opt_text("phone");
  c.status = o->getValue<std::string>("status");
  c.purchase_intent = opt_text("purchase_intent");
  c.interests = list("interests");
  c.traits = list("traits");
  c.needs = opt_text("needs");
  c.tags = list("tags");
  if (o->has("owner_id") && !o->isNull("owner_id"))
    c.owner_id = o->getValue<std::int64_t>("owner_id");
  if (o->has("account_id") && !o->isNull("account_id"))
    c.account_id = o->getValue<std::int64_t>("account_id");
  c.stage = opt_text("stage");
  c.sentiment = opt_text("sentiment");
  c.score = o->getValue<double>("score");
  if (auto m = o->getObject("metadata")) {
    for (const auto& [k, v] : *m) c.metadata[k] = v.toString();
  }
  if (auto custom = o->getObject("custom_fields")) {
    Poco::JSON::Object sorted;  // canonical key order, as stored
    for (const auto& [k, v] : *custom) sorted.set(k, v);
    c.custom_json = json_text(sorted);
  }
  c.first_seen = time("first_seen");
  c.last_active = time("last_active");
  c.created_at = time("created_at");
  c.updated_at = time("updated_at");
  c.version = o->getValue<int>("version");
  if (auto sources = o->getObject("field_sources")) c.field_sources_json = json_text(*sources);
  return c;
}

Poco::JSON::Object custom_field_to_json(const CustomField& f) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", f.id);
  o.set("key", f.key);
  o.set("label", f.label);
  o.set("type", f.type);
  o.set("options", string_array(f.options));
  o.set("required", f.required);
  o.set("allow_for_ai", f.allow_for_ai);
  o.set("position", f.position);
  o.set("created_at", format_iso8601(f.created_at));
  o.set("updated_at", format_iso8601(f.updated_at));
  return o;
}

void set_actor(Poco::JSON::Object& o, std::string_view prefix, const ActorRef& a) {
  const std::string p(prefix);
  o.set(p + "_key_id", or_null(a.actor.key_id));
  o.set(p + "_user_id", or_null(a.actor.user_id));
  o.set(p + "_name", a.name.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(a.name));
}

Poco::JSON::Object note_to_json(const Note& n) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", n.id);
  o.set("contact_id", n.contact_id);
  o.set("body", n.body);
  o.set("format", "markdown");
  o.set("pinned", n.pinned);
  set_actor(o, "author", n.author);
  o.set("created_at", format_iso8601(n.created_at));
  o.set("updated_at", format_iso8601(n.updated_at));
  return o;
}

Poco::JSON::Object file_to_json(const ContactFile& f) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", f.id);
  o.set("contact_id", f.contact_id);
  o.set("name", f.name);
  o.set("content_type", f.content_type);
  o.set("size", f.size);
  o.set("sha256", f.sha256);
  set_actor(o, "uploaded_by", f.uploaded_by);
  o.set("created_at", format_iso8601(f.created_at));
  return o;
}

Poco::JSON::Object user_to_json(const User& u) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", u.id);
  o.set("name", u.name);
  o.set("email", u.email);
  o.set("role", std::string(role_name(u.role)));
  o.set("active", u.active);
  o.set("can_sign_in", u.can_sign_in);
  o.set("created_at", format_iso8601(u.created_at));
  o.set("updated_at", format_iso8601(u.updated_at));
  return o;
}

std::vector<std::string> parse_string_array(const std::string& json) {
  std::vector<std::string> out;
  if (json == "[]") return out;  // most lists: no parser (they cost microseconds each)
  Poco::JSON::Parser parser;
  auto arr = parser.parse(json).extract<Poco::JSON::Array::Ptr>();
  for (std::size_t i = 0; i < arr->size(); ++i) out.push_back(arr->get(i).toString());
  return out;
}

std::map<std::string, std::string> parse_string_map(const std::string& json) {
  std::map<std::string, std::string> out;
  if (json == "{}") return out;
  Poco::JSON::Parser parser;
  auto obj = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
  for (const auto& [k, v] : *obj) out[k] = v.toString();
  return out;
}

std::string string_map_json(const std::map<std::string, std::string>& m) {
  Poco::JSON::Object o;
  for (const auto& [k, v] : m) o.set(k, v);
  return json_text(o);
}

}  // namespace sb
