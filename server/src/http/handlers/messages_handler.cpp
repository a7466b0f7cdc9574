// POST /v1/agents/{id}/messages (chat ingestion, one item or a batch) and
// GET /v1/messages/search (full-text search over the team's messages).
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <algorithm>
#include <cmath>

#include "http/pagination.h"
#include "http/routes.h"
#include "model/capture_settings.h"
#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/conversation_json.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

using capture::IngestItem;

constexpr std::size_t kMaxIngestBody = 8 << 20;
constexpr EpochMs kFutureSkewMs = 24LL * 3600 * 1000;

// The field's path inside the request, for errors: "messages[3].text".
Error at_item(std::size_t index, bool batch, const Error& e) {
  std::string field, reason = e.what();
  for (const auto& d : e.details()) {
    if (d.key == "field") field = std::get<std::string>(d.value);
    if (d.key == "reason") reason = std::get<std::string>(d.value);
  }
  std::string path = batch ? "messages[" + std::to_string(index) + "]" : "";
  if (!field.empty()) path += (path.empty() ? "" : ".") + field;
  Error out = Error::validation(path.empty() ? "(body)" : path, reason);
  return out;
}

// Bots send ids as strings or numbers (Telegram's are integers).
std::string id_text(const Poco::JSON::Object::Ptr& o, const std::string& key, bool required) {
  if (!o->has(key) || o->isNull(key)) {
    if (required) throw Error::validation(key, "is required");
    return {};
  }
  Poco::Dynamic::Var v = o->get(key);
  std::string s;
  if (v.isString()) {
    s = trim(v.extract<std::string>());
  } else if (v.isInteger()) {
    s = v.toString();
  } else {
    throw Error::validation(key, "must be a string or an integer");
  }
  if (s.empty()) throw Error::validation(key, "must not be empty");
  if (s.size() > chat_limits::kMaxIdBytes || s.find('\0') != std::string::npos) {
    throw Error::validation(key, "must be at most " + std::to_string(chat_limits::kMaxIdBytes) +
                                     " bytes without NUL characters");
  }
  return s;
}

EpochMs read_timestamp(const Poco::JSON::Object::Ptr& o, EpochMs now) {
  if (!o->has("timestamp") || o->isNull("timestamp")) return now;
  Poco::Dynamic::Var v = o->get("timestamp");
  std::optional<EpochMs> t;
  if (v.isString()) {
    t = parse_iso8601(v.extract<std::string>());
  } else if (v.isNumeric()) {
    double d = v.convert<double>();
    // Epoch seconds or milliseconds: seconds stay below 1e11 until the year 5138.
    if (std::isfinite(d) && d > 0) t = static_cast<EpochMs>(d < 1e11 ? d * 1000 : d);
  }
  if (!t || *t <= 0) {
    throw Error::validation("timestamp",
                            "must be an ISO-8601 time (2026-11-21T10:00:00Z) or epoch seconds/ms");
  }
  if (*t > now + kFutureSkewMs) {
    throw Error::validation("timestamp", "is more than a day in the future");
  }
  return *t;
}

std::string read_attachments(const Poco::JSON::Object::Ptr& o) {
  if (!o->has("attachments") || o->isNull("attachments")) return "[]";
  auto arr = o->getArray("attachments");
  if (!arr) throw Error::validation("attachments", "must be an array of objects");
  if (arr->size() > chat_limits::kMaxAttachments) {
    throw Error::validation("attachments",
                            "at most " + std::to_string(chat_limits::kMaxAttachments) + " items");
  }
  Poco::JSON::Array out;
  for (std::size_t i = 0; i < arr->size(); ++i) {
    auto item = arr->getObject(static_cast<unsigned>(i));
    std::string at = "attachments[" + std::to_string(i) + "]";
    if (!item) throw Error::validation(at, "must be an object");
    JsonFields f(item);
    Poco::JSON::Object a(Poco::JSON_PRESERVE_KEY_ORDER);
    a.set("type",
          f.required_enum("type", {"image", "audio", "video", "file", "location", "other"}));
    for (const char* key : {"url", "name", "mime_type"}) {
      if (auto v = f.optional_string(key, 2000)) a.set(key, *v);
    }
    if (auto size = f.optional_int("size", 0, INT64_MAX)) a.set("size", *size);
    f.reject_unknown_as(at, "unknown attachment field (type, url, name, mime_type, size)");
    out.add(a);
  }
  return json_text(out);
}

void read_bot_fields(const Poco::JSON::Object::Ptr& o, IngestItem& item) {
  if (!o->has("fields") || o->isNull("fields")) return;
  auto fields = o->getObject("fields");
  if (!fields) throw Error::validation("fields", "must be an object of field -> value");
  if (fields->size() > chat_limits::kMaxBotFields) {
    throw Error::validation("fields",
                            "at most " + std::to_string(chat_limits::kMaxBotFields) + " fields");
  }
  for (const auto& [key, raw] : *fields) {
    capture::BotField f;
    f.key = key;
    if (key.empty() || key.size() > 64) throw Error::validation("fields", "keys are 1 to 64 bytes");
    Poco::Dynamic::Var value = raw;
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) {  // {"value": ..., "confidence": 0.9}
      auto wrapped = value.extract<Poco::JSON::Object::Ptr>();
      JsonFields w(wrapped);
      if (!wrapped->has("value"))
        throw Error::validation("fields." + key + ".value", "is required");
      w.allow({"value", "confidence"});
      w.reject_unknown_as("fields." + key, "unknown key (value, confidence)");
      value = wrapped->get("value");
      if (wrapped->has("confidence")) {
        Poco::Dynamic::Var c = wrapped->get("confidence");
        double d = c.isNumeric() ? c.convert<double>() : -1;
        if (!(d >= 0 && d <= 1)) {
          throw Error::validation("fields." + key + ".confidence", "must be a number from 0 to 1");
        }
        f.confidence = d;
      }
    }
    auto scalar = [&](const Poco::Dynamic::Var& v) {
      if (v.isString()) return v.extract<std::string>();
      if (v.isNumeric() || v.isBoolean()) return v.toString();
      throw Error::validation("fields." + key, "values are strings, numbers, booleans or arrays");
    };
    if (value.isEmpty()) continue;
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
      auto arr = value.extract<Poco::JSON::Array::Ptr>();
      for (std::size_t i = 0; i < arr->size() && i < contact_limits::kMaxListItems; ++i) {
        f.values.push_back(scalar(arr->get(static_cast<unsigned>(i))));
      }
    } else {
      f.values.push_back(scalar(value));
    }
    for (const auto& v : f.values) {
      if (v.size() > contact_limits::kMaxNeedsBytes) {
        throw Error::validation("fields." + key, "values are at most 5000 bytes");
      }
    }
    item.bot_fields.push_back(std::move(f));
  }
}

IngestItem read_item(const Poco::JSON::Object::Ptr& o, const std::vector<std::string>& platforms,
                     EpochMs now) {
  JsonFields f(o);
  IngestItem item;
  item.kind =
      o->has("type")
          ? f.required_enum("type", {"message", "handoff", "escalation", "resolved", "feedback"})
          : "message";
  f.allow({"id", "conversation_id", "user_id", "timestamp", "attachments", "fields"});
  item.external_id = id_text(o, "id", true);
  item.conversation_ref = id_text(o, "conversation_id", true);
  item.user_id = id_text(o, "user_id", true);
  if (o->has("platform")) {
    item.platform =
        f.required_enum("platform", {"web", "whatsapp", "telegram", "facebook", "zalo", "other"});
  } else if (platforms.size() == 1) {
    item.platform = platforms.front();
  } else {
    throw Error::validation("platform", "is required (the agent is on several or no platforms)");
  }
  if (!platforms.empty() &&
      std::find(platforms.begin(), platforms.end(), item.platform) == platforms.end()) {
    throw Error::validation("platform", "the agent is not connected to '" + item.platform + "'");
  }
  item.user_name = f.optional_string("user_name", contact_limits::kMaxTextBytes);
  if (item.user_name) {
    *item.user_name = trim(*item.user_name);
    if (item.user_name->empty()) item.user_name.reset();
  }
  item.role = o->has("role") ? f.required_enum("role", {"user", "bot", "agent", "system"}) : "user";
  item.text = f.optional_string("text", chat_limits::kMaxTextBytes).value_or("");
  item.sent_at = read_timestamp(o, now);
  item.attachments_json = read_attachments(o);
  read_bot_fields(o, item);
  Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
  if (item.kind == "message") {
    if (item.text.empty() && item.attachments_json == "[]") {
      throw Error::validation("text", "is required (or attachments)");
    }
  } else if (item.kind == "feedback") {
    item.rating = f.optional_int("rating", 1, 5);
    if (!item.rating) throw Error::validation("rating", "is required for feedback (1 to 5)");
    item.comment = f.optional_string("comment", 2000);
    data.set("rating", *item.rating);
    data.set("comment", or_null(item.comment));
  } else {
    auto reason = f.optional_string("reason", 2000);
    data.set("reason", or_null(reason));
  }
  if (item.kind != "message" && item.role == "user" && !o->has("role")) item.role = "system";
  item.data_json = json_text(data);
  f.reject_unknown();
  return item;
}

Poco::JSON::Object item_answer(std::size_t index, const capture::ItemResult& r) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("index", static_cast<std::int64_t>(index));
  o.set("message_id", r.message_id);
  o.set("conversation_id", r.conversation_id);
  o.set("contact_id", r.contact_id);
  Poco::JSON::Parser parser;
  auto capture = parser.parse(r.capture_json).extract<Poco::JSON::Object::Ptr>();
  for (const char* key : {"captured", "ignored"}) {
    o.set(key, capture->has(key) ? capture->get(key) : Poco::Dynamic::Var(Poco::JSON::Array()));
  }
  return o;
}

Response ingest(ApiServices& sv, Request& req) {
  const std::int64_t agent_id = req.path_id("id");
  const std::int64_t team = req.auth().team_id;
  // Shape first: a malformed body is answered before any lookup.
  if (auto err = check_json_syntax(req.body)) {
    parse_json_object(req.body);  // throws the precise syntax error
  }
  std::size_t first = req.body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) throw Error::validation("(body)", "is empty");
  Poco::JSON::Parser parser;
  Poco::Dynamic::Var root = parser.parse(req.body);
  Poco::JSON::Array::Ptr list;
  bool batch = false;
  if (root.type() == typeid(Poco::JSON::Array::Ptr)) {
    list = root.extract<Poco::JSON::Array::Ptr>();
    batch = true;
  } else if (root.type() == typeid(Poco::JSON::Object::Ptr)) {
    auto obj = root.extract<Poco::JSON::Object::Ptr>();
    if (obj->has("messages")) {
      if (obj->size() != 1)
        throw Error::validation("(body)", "a batch object holds only \"messages\"");
      list = obj->getArray("messages");
      if (!list) throw Error::validation("messages", "must be an array");
      batch = true;
    } else {
      list = new Poco::JSON::Array;
      list->add(obj);
    }
  } else {
    throw Error::validation("(body)", "must be a message object or an array of them");
  }
  if (list->size() == 0) throw Error::validation("messages", "must hold at least one message");
  if (list->size() > chat_limits::kMaxBatch) {
    throw Error(ErrorCode::kPayloadTooLarge,
                "a batch holds at most " + std::to_string(chat_limits::kMaxBatch) +
                    " messages, got " + std::to_string(list->size()),
                {{"field", std::string("messages")},
                 {"limit", static_cast<std::int64_t>(chat_limits::kMaxBatch)}});
  }

  auto ctx = sv.db.read([&](soci::session& s) {
    return sv.ingestor.conversations().agent_context(s, team, agent_id);
  });
  if (!ctx) throw Error::not_found("agent", agent_id);
  if (!ctx->customer_tracking) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("captured", false);
    body.set("reason", std::string("customer tracking is off for this agent; nothing was stored"));
    body.set("count", static_cast<std::int64_t>(list->size()));
    return Response::json(202, body);
  }
  CaptureSettings settings = CaptureSettings::defaults();
  if (!ctx->settings_json.empty()) {
    settings = CaptureSettings::from_json(
        Poco::JSON::Parser().parse(ctx->settings_json).extract<Poco::JSON::Object::Ptr>());
  }
  std::vector<std::string> platforms = parse_string_array(ctx->platforms_json);

  capture::IngestRequest request;
  request.team_id = team;
  request.agent_id = agent_id;
  request.key_id = req.auth().key_id;
  const EpochMs now = now_ms();
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto o = list->getObject(static_cast<unsigned>(i));
    if (!o)
      throw Error::validation(batch ? "messages[" + std::to_string(i) + "]" : "(body)",
                              "must be an object");
    try {
      IngestItem item = read_item(o, platforms, now);
      item.index = i;
      sv.ingestor.extract(item, settings);
      request.items.push_back(std::move(item));
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kValidationFailed) throw;
      throw at_item(i, batch, e);
    }
  }
  capture::IngestResult result = sv.ingest.submit(request);

  if (!batch) {
    Poco::JSON::Object one = item_answer(0, result.items.front());
    one.remove("index");
    return Response::json(200, one);
  }
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  Poco::JSON::Array items;
  for (std::size_t i = 0; i < result.items.size(); ++i) items.add(item_answer(i, result.items[i]));
  body.set("count", static_cast<std::int64_t>(result.items.size()));
  body.set("items", items);
  return Response::json(200, body);
}

Response search(ApiServices& sv, Request& req) {
  MessageSearch q;
  PageRequest page = read_page_request(req);
  q.limit = page.limit + 1;
  q.before_id = page.after_id;  // newest first: the cursor is the last id seen
  std::string words = trim(req.query_param("q").value_or(""));
  if (words.empty())
    throw Error(ErrorCode::kBadRequest, "q is required: the words to search for",
                {{"param", std::string("q")}});
  if (words.size() > 200)
    throw Error(ErrorCode::kBadRequest, "q is at most 200 bytes", {{"param", std::string("q")}});
  q.query = words;
  auto id_param = [&](const char* name) -> std::optional<std::int64_t> {
    auto v = req.query_param(name);
    if (!v) return std::nullopt;
    try {
      std::size_t used = 0;
      long long id = std::stoll(*v, &used);
      if (used == v->size() && id > 0) return id;
    } catch (const std::exception&) {
    }
    throw Error(ErrorCode::kBadRequest, std::string(name) + " must be a positive id",
                {{"param", std::string(name)}});
  };
  q.agent_id = id_param("agent_id");
  q.contact_id = id_param("contact_id");
  q.conversation_id = id_param("conversation_id");
  for (const auto& [k, v] : req.query) {
    static const std::vector<std::string> kKnown = {"q",        "limit",      "cursor",
                                                    "agent_id", "contact_id", "conversation_id"};
    if (std::find(kKnown.begin(), kKnown.end(), k) == kKnown.end()) {
      throw Error(ErrorCode::kBadRequest, "unknown parameter '" + k + "'", {{"param", k}});
    }
  }
  auto rows = sv.db.read([&](soci::session& s) {
    return sv.ingestor.conversations().search(s, req.auth().team_id, q);
  });
  return id_page(std::move(rows), page.limit, message_to_json);
}

}  // namespace

void add_message_routes(Router& router, ApiServices& sv) {
  router.add(Route::post("/v1/agents/{id}/messages", Role::kAgent,
                         [&sv](Request& r) { return ingest(sv, r); })
                 .json_body()
                 .body_limit(kMaxIngestBody)
                 .for_agent_bot()
                 .idempotent_by_content());
  router.add(Route::get("/v1/messages/search", Role::kViewer,
                        [&sv](Request& r) { return search(sv, r); }));
}

}  // namespace sb
