// Contact request parsing.
#include "http/contact_input.h"

#include <Poco/JSON/Parser.h>

#include <charconv>

#include "http/pagination.h"
#include "model/error.h"

namespace sb {

std::optional<int> read_if_match(const Request& request) {
  std::string v = request.header("If-Match");
  if (v.empty() || v == "*") return std::nullopt;
  std::string t = v;
  if (t.rfind("W/", 0) == 0) {
    throw Error(ErrorCode::kBadRequest,
                "If-Match takes a strong ETag (as the contact's ETag header gives it), not a weak "
                "one",
                {{"header", std::string("If-Match")}});
  }
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  int version = 0;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), version);
  if (ec != std::errc() || end != t.data() + t.size() || version < 1) {
    throw Error(ErrorCode::kBadRequest,
                "If-Match must be the contact's version as an ETag, e.g. \"3\"",
                {{"header", std::string("If-Match")}});
  }
  return version;
}

namespace {

ContactSort parse_sort(const std::string& text) {
  ContactSort sort;
  std::string field = text;
  sort.descending = false;
  if (!field.empty() && field[0] == '-') {
    sort.descending = true;
    field = field.substr(1);
  }
  static const char* kSortable[] = {"created_at", "updated_at", "last_active", "name", "score"};
  for (const char* s : kSortable) {
    if (field == s) {
      sort.field = field;
      return sort;
    }
  }
  throw Error::validation("sort",
                          "must be one of created_at, updated_at, last_active, name, score, "
                          "optionally prefixed with - for descending");
}

ContactCursor decode_contact_cursor(const std::string& cursor, const ContactSort& sort) {
  std::string text = decode_opaque_cursor(cursor);
  auto invalid = [] {
    return Error::validation("cursor", "is not a cursor of this list and sort order");
  };
  Poco::JSON::Object::Ptr o;
  try {
    Poco::JSON::Parser parser;
    o = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    throw invalid();
  }
  std::string expected = (sort.descending ? "-" : "") + sort.field;
  if (!o->has("s") || o->getValue<std::string>("s") != expected || !o->has("id") || !o->has("v"))
    throw invalid();
  ContactCursor c;
  c.field = sort.field;
  try {
    c.id = o->getValue<std::int64_t>("id");
    if (sort.field == "name") {
      c.text_value = o->getValue<std::string>("v");
    } else {
      c.number_value = o->getValue<double>("v");
    }
  } catch (const std::exception&) {
    throw invalid();
  }
  return c;
}

}  // namespace

std::string encode_contact_cursor(const ContactCursor& c, const ContactSort& sort) {
  Poco::JSON::Object o;
  o.set("s", (sort.descending ? "-" : "") + sort.field);
  if (sort.field == "name") {
    o.set("v", c.text_value);
  } else {
    o.set("v", c.number_value);
  }
  o.set("id", c.id);
  return encode_opaque_cursor(to_json(o));
}

ContactListParams read_list_query(const Request& request) {
  ContactListParams out;
  out.limit = read_limit(request);
  out.sort = parse_sort(request.query_param("sort").value_or("-created_at"));
  if (auto cursor = request.query_param("cursor"))
    out.after = decode_contact_cursor(*cursor, out.sort);
  std::vector<std::pair<std::string, std::string>> conditions;
  out.filter.kind = FilterNode::Kind::kAll;
  for (const auto& [k, v] : request.query) {
    if (k == "limit" || k == "cursor" || k == "sort") continue;
    if (k == "filter") {
      out.filter.children.push_back(parse_filter_json_text(v));
      continue;
    }
    conditions.emplace_back(k, v);
  }
  if (!conditions.empty()) out.filter.children.push_back(parse_filter_query(conditions));
  return out;
}

ContactListParams read_list_body(const Request& request) {
  ContactListParams out;
  JsonFields f(request.json());
  out.filter.kind = FilterNode::Kind::kAll;
  if (auto filter = f.optional_object("filter")) out.filter = parse_filter_json(*filter);
  out.sort = parse_sort(f.optional_string("sort", 32).value_or("-created_at"));
  out.limit = static_cast<int>(f.optional_int("limit", 1, 200).value_or(50));
  if (auto cursor = f.optional_string("cursor", 512))
    out.after = decode_contact_cursor(*cursor, out.sort);
  f.reject_unknown();
  return out;
}

}  // namespace sb
