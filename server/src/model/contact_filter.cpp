// Filter parsing and the catalogue of fields and operators.
#include "model/contact_filter.h"

#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <map>

#include "model/error.h"
#include "model/json_syntax.h"

namespace sb {
namespace {

constexpr int kMaxDepth = 10;
constexpr int kMaxNodes = 200;
constexpr std::size_t kMaxValues = 500;

[[noreturn]] void bad(std::string message, std::string key, std::string value) {
  throw Error(ErrorCode::kInvalidFilter, std::move(message), {{key, std::move(value)}});
}

bool list_op(const std::string& op) {
  return op == "in" || op == "nin" || op == "any" || op == "all" || op == "none";
}

FilterValue scalar(const Poco::Dynamic::Var& v, const std::string& field) {
  if (v.isString()) return v.extract<std::string>();
  if (v.isBoolean()) return v.extract<bool>();
  if (v.isNumeric()) return v.convert<double>();
  bad("filter values must be strings, numbers or booleans", "field", field);
}

struct Parser {
  int nodes = 0;

  FilterNode node(const Poco::JSON::Object::Ptr& o, int depth) {
    if (++nodes > kMaxNodes)
      bad("filter has more than " + std::to_string(kMaxNodes) + " nodes", "limit", "nodes");
    if (depth > kMaxDepth)
      bad("filter nests deeper than " + std::to_string(kMaxDepth), "limit", "depth");
    FilterNode n;
    if (o->size() == 0) {  // {}: no condition, every contact (kAll of nothing)
      n.kind = FilterNode::Kind::kAll;
      return n;
    }
    if (o->has("all") || o->has("any")) {
      std::string key = o->has("all") ? "all" : "any";
      if (o->size() != 1) bad("a '" + key + "' node takes no other keys", "node", key);
      n.kind = key == "all" ? FilterNode::Kind::kAll : FilterNode::Kind::kAny;
      auto arr = o->getArray(key);
      if (!arr) bad("'" + key + "' must be an array of filters", "node", key);
      for (std::size_t i = 0; i < arr->size(); ++i) {
        auto child = arr->getObject(static_cast<unsigned>(i));
        if (!child) bad("'" + key + "' must be an array of filters", "node", key);
        n.children.push_back(node(child, depth + 1));
      }
      return n;
    }
    if (o->has("not")) {
      if (o->size() != 1) bad("a 'not' node takes no other keys", "node", "not");
      auto child = o->getObject("not");
      if (!child) bad("'not' must be a filter object", "node", "not");
      n.kind = FilterNode::Kind::kNot;
      n.children.push_back(node(child, depth + 1));
      return n;
    }
    for (const auto& [k, v] : *o) {
      if (k != "field" && k != "op" && k != "value")
        bad("unknown key '" + k + "' in a filter condition", "key", k);
    }
    if (!o->has("field") || !o->get("field").isString())
      bad("a condition needs a string 'field'", "node", "condition");
    n.kind = FilterNode::Kind::kCondition;
    n.field = o->getValue<std::string>("field");
    n.op = o->has("op") ? o->get("op").toString() : "eq";
    if (!o->has("value") || o->isNull("value"))
      bad("condition on '" + n.field + "' needs a value", "field", n.field);
    auto v = o->get("value");
    if (v.isArray()) {
      auto arr = v.extract<Poco::JSON::Array::Ptr>();
      if (arr->size() == 0 || arr->size() > kMaxValues) {
        bad("value lists hold 1 to " + std::to_string(kMaxValues) + " items", "field", n.field);
      }
      for (std::size_t i = 0; i < arr->size(); ++i)
        n.values.push_back(scalar(arr->get(static_cast<unsigned>(i)), n.field));
      if (!list_op(n.op)) bad("operator '" + n.op + "' takes one value, not a list", "op", n.op);
    } else {
      n.values.push_back(scalar(v, n.field));
    }
    check(n);
    return n;
  }

  // Field and operator are known (custom fields are checked against their type later).
  static void check(const FilterNode& n) {
    FilterFieldKind kind;
    if (n.field.rfind("custom.", 0) == 0 || n.field.rfind("metadata.", 0) == 0) {
      std::string key = n.field.substr(n.field.find('.') + 1);
      if (key.empty() || key.size() > 64 || key[0] == '$')
        bad("invalid key in '" + n.field + "'", "field", n.field);
      if (n.field[0] == 'c') return;
      kind = FilterFieldKind::kMetadata;
    } else if (!builtin_filter_field(n.field, kind)) {
      bad("unknown filter field '" + n.field + "'", "field", n.field);
    }
    const auto& ops = filter_ops(kind);
    if (std::find(ops.begin(), ops.end(), n.op) == ops.end()) {
      std::string joined;
      for (const auto& op : ops) joined += (joined.empty() ? "" : ", ") + op;
      bad("operator '" + n.op + "' is not allowed on '" + n.field + "' (allowed: " + joined + ")",
          "op", n.op);
    }
  }
};

}  // namespace

const std::vector<std::string>& filter_ops(FilterFieldKind kind) {
  static const std::map<FilterFieldKind, std::vector<std::string>> kOps = {
      {FilterFieldKind::kEnum, {"eq", "ne", "in", "nin", "exists"}},
      {FilterFieldKind::kText, {"eq", "ne", "in", "nin", "contains", "starts_with", "exists"}},
      {FilterFieldKind::kId, {"eq", "ne", "in", "nin", "exists"}},
      {FilterFieldKind::kNumber, {"eq", "ne", "gt", "gte", "lt", "lte", "exists"}},
      {FilterFieldKind::kTime, {"gt", "gte", "lt", "lte"}},
      {FilterFieldKind::kList, {"any", "all", "none", "exists"}},
      {FilterFieldKind::kMetadata, {"eq", "ne", "in", "contains", "exists"}},
      {FilterFieldKind::kAggregate, {"eq", "ne", "gt", "gte", "lt", "lte"}},
      {FilterFieldKind::kFlag, {"eq"}},
      {FilterFieldKind::kSegment, {"eq", "ne"}},
      {FilterFieldKind::kSearch, {"search"}},
  };
  return kOps.at(kind);
}

const std::map<std::string, FilterFieldKind>& builtin_filter_fields() {
  static const std::map<std::string, FilterFieldKind> kFields = {
      {"source", FilterFieldKind::kEnum},
      {"platform", FilterFieldKind::kEnum},
      {"status", FilterFieldKind::kEnum},
      {"purchase_intent", FilterFieldKind::kEnum},
      {"sentiment", FilterFieldKind::kEnum},
      {"name", FilterFieldKind::kText},
      {"email", FilterFieldKind::kText},
      {"phone", FilterFieldKind::kText},
      {"external_id", FilterFieldKind::kText},
      {"stage", FilterFieldKind::kText},
      {"needs", FilterFieldKind::kText},
      {"id", FilterFieldKind::kId},
      {"owner_id", FilterFieldKind::kId},
      {"account_id", FilterFieldKind::kId},
      {"score", FilterFieldKind::kNumber},
      {"created_at", FilterFieldKind::kTime},
      {"updated_at", FilterFieldKind::kTime},
      {"first_seen", FilterFieldKind::kTime},
      {"last_active", FilterFieldKind::kTime},
      {"tags", FilterFieldKind::kList},
      {"interests", FilterFieldKind::kList},
      {"traits", FilterFieldKind::kList},
      {"q", FilterFieldKind::kSearch},
      {"message", FilterFieldKind::kSearch},
      {"message_count", FilterFieldKind::kNumber},
      {"conversation_count", FilterFieldKind::kNumber},
      {"last_channel", FilterFieldKind::kEnum},
      {"bookings_count", FilterFieldKind::kAggregate},
      {"no_show_count", FilterFieldKind::kAggregate},
      {"lead_value", FilterFieldKind::kAggregate},
      {"open_tickets", FilterFieldKind::kAggregate},
      {"unresolved_conversation", FilterFieldKind::kFlag},
      {"unanswered_ticket", FilterFieldKind::kFlag},
      {"segment", FilterFieldKind::kSegment},
  };
  return kFields;
}

bool builtin_filter_field(const std::string& field, FilterFieldKind& kind) {
  const auto& kFields = builtin_filter_fields();
  auto it = kFields.find(field);
  if (it == kFields.end()) return false;
  kind = it->second;
  return true;
}

FilterNode parse_filter_json(const Poco::JSON::Object::Ptr& object) {
  if (!object) bad("a filter must be a JSON object", "node", "root");
  Parser p;
  return p.node(object, 0);
}

bool filter_uses_field(const FilterNode& n, const std::string& field) {
  if (n.kind == FilterNode::Kind::kCondition) return n.field == field;
  for (const auto& c : n.children) {
    if (filter_uses_field(c, field)) return true;
  }
  return false;
}

bool contact_change_can_affect(const FilterNode& n, const std::vector<std::string>& changed) {
  if (n.kind != FilterNode::Kind::kCondition) {
    for (const auto& c : n.children) {
      if (contact_change_can_affect(c, changed)) return true;
    }
    return false;
  }
  auto has = [&](std::string_view key) {
    return std::find(changed.begin(), changed.end(), key) != changed.end();
  };
  const std::string& f = n.field;
  if (f.rfind("custom.", 0) == 0) return has("custom_fields");
  if (f.rfind("metadata.", 0) == 0) return has("metadata");
  FilterFieldKind kind;
  if (!builtin_filter_field(f, kind)) return true;  // unknown here: assume it can
  switch (kind) {
    case FilterFieldKind::kAggregate:  // bookings, leads, tickets: their own events
    case FilterFieldKind::kFlag:       // conversations and tickets
      return false;
    case FilterFieldKind::kSearch:  // q reads several fields, message the messages
      return f == "q" && !changed.empty();
    case FilterFieldKind::kSegment:  // expanded before this is asked; if not, assume it can
      return true;
    default:
      break;
  }
  // Written by other statements than a contact update (chat activity, the row's identity).
  if (f == "id" || f == "created_at" || f == "message_count" || f == "conversation_count" ||
      f == "last_channel") {
    return false;
  }
  if (f == "updated_at") return !changed.empty();
  return has(f);
}

bool filter_uses_relative_time(const FilterNode& n) {
  if (n.kind == FilterNode::Kind::kCondition) {
    for (const auto& v : n.values) {
      const auto* s = std::get_if<std::string>(&v);
      if (s && s->rfind("now", 0) == 0) return true;
    }
    return false;
  }
  for (const auto& c : n.children) {
    if (filter_uses_relative_time(c)) return true;
  }
  return false;
}

Poco::JSON::Object::Ptr filter_to_json(const FilterNode& n) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  auto value = [](const FilterValue& v) -> Poco::Dynamic::Var {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* b = std::get_if<bool>(&v)) return *b;
    return std::get<double>(v);
  };
  switch (n.kind) {
    case FilterNode::Kind::kAll:
    case FilterNode::Kind::kAny: {
      if (n.kind == FilterNode::Kind::kAll && n.children.empty()) return o;  // {}
      Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
      for (const auto& c : n.children) arr->add(filter_to_json(c));
      o->set(n.kind == FilterNode::Kind::kAll ? "all" : "any", arr);
      return o;
    }
    case FilterNode::Kind::kNot:
      o->set("not", filter_to_json(n.children.at(0)));
      return o;
    case FilterNode::Kind::kCondition:
      o->set("field", n.field);
      o->set("op", n.op);
      if (list_op(n.op)) {
        Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
        for (const auto& v : n.values) arr->add(value(v));
        o->set("value", arr);
      } else {
        o->set("value", value(n.values.at(0)));
      }
      return o;
  }
  return o;
}

FilterNode parse_filter_json_text(const std::string& text) {
  if (auto err = check_json_syntax(text, 32)) {
    bad("filter is not valid JSON at column " + std::to_string(err->column) + ": " + err->message,
        "param", "filter");
  }
  Poco::Dynamic::Var v;
  try {
    Poco::JSON::Parser parser;
    v = parser.parse(text);
  } catch (const Poco::Exception& e) {
    bad("filter is not valid JSON: " + e.message(), "param", "filter");
  }
  if (v.type() != typeid(Poco::JSON::Object::Ptr))
    bad("a filter must be a JSON object", "param", "filter");
  return parse_filter_json(v.extract<Poco::JSON::Object::Ptr>());
}

FilterNode parse_filter_query(const std::vector<std::pair<std::string, std::string>>& params) {
  static const std::vector<std::string> kOpsNames = {
      "eq", "ne",  "in", "nin", "contains", "starts_with", "exists",
      "gt", "gte", "lt", "lte", "any",      "all",         "none"};
  FilterNode root;
  root.kind = FilterNode::Kind::kAll;
  for (const auto& [name, value] : params) {
    FilterNode n;
    n.kind = FilterNode::Kind::kCondition;
    n.field = name;
    n.op = "eq";
    if (name == "q" || name == "message") {
      n.op = "search";
    } else {
      auto dot = name.rfind('.');
      if (dot != std::string::npos &&
          std::find(kOpsNames.begin(), kOpsNames.end(), name.substr(dot + 1)) != kOpsNames.end()) {
        n.field = name.substr(0, dot);
        n.op = name.substr(dot + 1);
      }
    }
    if (list_op(n.op)) {
      std::size_t start = 0;
      while (start <= value.size()) {
        auto comma = value.find(',', start);
        std::string item =
            value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!item.empty()) n.values.emplace_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      if (n.values.empty() || n.values.size() > kMaxValues) {
        bad("'" + name + "' needs 1 to " + std::to_string(kMaxValues) + " comma-separated values",
            "field", n.field);
      }
    } else if (n.op == "exists") {
      if (value != "true" && value != "false")
        bad("'" + name + "' must be true or false", "field", n.field);
      n.values.emplace_back(value == "true");
    } else {
      n.values.emplace_back(value);
    }
    Parser::check(n);
    root.children.push_back(std::move(n));
  }
  return root;
}

}  // namespace sb
