// OpenAPI 3.0 response validation for the API tests.
#include "support/openapi_validator.h"

#include <Poco/InflatingStream.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace sb::test {
namespace {

using Obj = Poco::JSON::Object;
using ObjPtr = Poco::JSON::Object::Ptr;
using ArrPtr = Poco::JSON::Array::Ptr;
using Var = Poco::Dynamic::Var;

// Headers that belong to HTTP itself (framing, caching, CORS, security policy), not to
// the API's contract: the document does not repeat them on every response.
const std::set<std::string> kTransportHeaders = {
    "date",
    "connection",
    "keep-alive",
    "content-length",
    "content-type",
    "transfer-encoding",
    "content-encoding",
    "vary",
    "server",
    "cache-control",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "content-security-policy",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
    "access-control-max-age",
};

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

std::string type_of(const Var& v) {
  if (v.isEmpty()) return "null";
  if (v.type() == typeid(ObjPtr)) return "object";
  if (v.type() == typeid(ArrPtr)) return "array";
  if (v.type() == typeid(bool)) return "boolean";
  if (v.isString()) return "string";
  if (v.isInteger()) return "integer";
  if (v.isNumeric()) return "number";
  return "unknown";
}

std::string short_text(const Var& v) {
  std::string s;
  try {
    s = v.isEmpty() ? "null" : v.toString();
  } catch (...) {
    s = "?";
  }
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

}  // namespace

OpenApiValidator::OpenApiValidator(const std::string& document_text) {
  Poco::JSON::Parser parser;
  doc_ = parser.parse(document_text).extract<ObjPtr>();
  for (const auto& [path, item] : *doc_->getObject("paths")) templates_.push_back(path);
}

const OpenApiValidator& OpenApiValidator::project() {
  static const OpenApiValidator v = [] {
    std::ifstream in(std::string(SB_SOURCE_DIR) + "/docs/api/openapi.json");
    std::stringstream text;
    text << in.rdbuf();
    return OpenApiValidator(text.str());
  }();
  return v;
}

std::atomic<long>& OpenApiValidator::validated() {
  static std::atomic<long> n{0};
  return n;
}

std::atomic<long>& OpenApiValidator::failed() {
  static std::atomic<long> n{0};
  return n;
}

bool openapi_validation_enabled() {
  const char* v = std::getenv("TEST_OPENAPI_VALIDATE");
  return v == nullptr || std::string(v) != "0";
}

std::string OpenApiValidator::operation_of(const std::string& method,
                                           const std::string& path) const {
  // The most literal template wins (/v1/contacts/stats over /v1/contacts/{id}), as the
  // router's registration order makes it.
  // Like the router: a trailing slash or an empty segment is another resource.
  if (path.empty() || path[0] != '/' || (path.size() > 1 && path.back() == '/') ||
      path.find("//") != std::string::npos) {
    return "";
  }
  const auto parts = segments(path);
  std::string best;
  int best_literals = -1;
  for (const std::string& t : templates_) {
    const auto segs = segments(t);
    if (segs.size() != parts.size()) continue;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < segs.size() && ok; ++i) {
      if (segs[i].front() == '{') continue;
      ok = segs[i] == parts[i];
      ++literals;
    }
    if (!ok || !doc_->getObject("paths")->getObject(t)->has(method)) continue;
    if (literals > best_literals) {
      best = t;
      best_literals = literals;
    }
  }
  return best.empty() ? "" : method + " " + best;
}

ObjPtr OpenApiValidator::resolve(ObjPtr o) const {
  for (int depth = 0; o && o->has("$ref") && depth < 16; ++depth) {
    std::string ref = o->getValue<std::string>("$ref");
    if (ref.rfind("#/", 0) != 0) return nullptr;
    ObjPtr at = doc_;
    for (const std::string& part : segments(ref.substr(1))) {
      if (!at || !at->has(part)) return nullptr;
      at = at->getObject(part);
    }
    o = at;
  }
  return o;
}

bool OpenApiValidator::closed_properties(ObjPtr schema, std::vector<std::string>& names) const {
  schema = resolve(schema);
  if (!schema) return false;
  bool closed = false;
  if (schema->has("properties")) {
    for (const auto& [name, s] : *schema->getObject("properties")) names.push_back(name);
    closed = true;
  }
  if (schema->has("additionalProperties")) {
    Var extra = schema->get("additionalProperties");
    if (extra.type() != typeid(bool) || extra.extract<bool>()) return false;
    closed = true;
  }
  if (schema->has("allOf")) {
    ArrPtr all = schema->getArray("allOf");
    for (std::size_t i = 0; i < all->size(); ++i) {
      if (!closed_properties(all->getObject(static_cast<unsigned>(i)), names)) return false;
    }
    closed = true;
  }
  return closed;
}

void OpenApiValidator::validate_into(const Var& value, ObjPtr schema, const std::string& at,
                                     std::vector<std::string>& problems) const {
  if (schema && schema->has("$ref") && !resolve(schema)) {
    problems.push_back(at + ": unresolvable $ref " + schema->getValue<std::string>("$ref"));
    return;
  }
  schema = resolve(schema);
  if (!schema) return;
  const std::string where = at.empty() ? "(body)" : at;
  const std::string type = type_of(value);
  if (type == "null") {
    bool nullable = schema->optValue<bool>("nullable", false);
    if (schema->has("enum")) {
      ArrPtr e = schema->getArray("enum");
      for (std::size_t i = 0; i < e->size(); ++i) nullable = nullable || e->get(i).isEmpty();
    }
    if (!nullable && (schema->has("type") || schema->has("enum") || schema->has("properties") ||
                      schema->has("$ref"))) {
      problems.push_back(where + ": null where the schema does not allow it");
    }
    // `nullable` beside an allOf-wrapped $ref is how the document says "this shape, or null"
    // (OpenAPI 3.0 allows nothing beside a bare $ref): the parts describe the non-null value.
    if (nullable || (!schema->has("allOf") && !schema->has("oneOf") && !schema->has("anyOf"))) {
      return;
    }
  }
  if (schema->has("type") && type != "null") {
    std::string want = schema->getValue<std::string>("type");
    bool ok = want == type || (want == "number" && type == "integer");
    if (!ok) {
      problems.push_back(where + ": " + type + " " + short_text(value) + " where " + want +
                         " is declared");
      return;
    }
  }
  if (schema->has("enum") && type != "null") {
    ArrPtr e = schema->getArray("enum");
    bool found = false;
    for (std::size_t i = 0; i < e->size() && !found; ++i) {
      const Var& option = e->get(i);
      found = !option.isEmpty() && type_of(option) == type && option.toString() == value.toString();
    }
    if (!found) problems.push_back(where + ": " + short_text(value) + " is not in the enum");
  }
  if (schema->has("allOf")) {
    ArrPtr all = schema->getArray("allOf");
    for (std::size_t i = 0; i < all->size(); ++i) {
      // Each part alone is checked open: the union of their properties is checked below.
      ObjPtr part = resolve(all->getObject(static_cast<unsigned>(i)));
      if (!part) continue;
      ObjPtr open = new Obj(*part);
      open->set("additionalProperties", true);
      validate_into(value, open, at, problems);
    }
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    if (!schema->has(key)) continue;
    ArrPtr options = schema->getArray(key);
    int passing = 0;
    std::vector<std::string> first;
    for (std::size_t i = 0; i < options->size(); ++i) {
      std::vector<std::string> p;
      validate_into(value, options->getObject(static_cast<unsigned>(i)), at, p);
      if (p.empty()) ++passing;
      if (i == 0) first = p;
    }
    if (passing == 0) {
      problems.push_back(where + ": matches none of " + key +
                         (first.empty() ? "" : " (first: " + first.front() + ")"));
    } else if (std::string(key) == "oneOf" && passing > 1) {
      problems.push_back(where + ": matches " + std::to_string(passing) + " branches of oneOf");
    }
  }
  if (type == "object") {
    ObjPtr o = value.extract<ObjPtr>();
    if (schema->has("required")) {
      ArrPtr req = schema->getArray("required");
      for (std::size_t i = 0; i < req->size(); ++i) {
        std::string name = req->getElement<std::string>(static_cast<unsigned>(i));
        if (!o->has(name)) problems.push_back(where + ": required property '" + name + "' missing");
      }
    }
    ObjPtr props = schema->has("properties") ? schema->getObject("properties") : nullptr;
    for (const auto& [name, v] : *o) {
      std::string child = at + "." + name;
      if (props && props->has(name)) {
        validate_into(v, props->getObject(name), child, problems);
        continue;
      }
      if (schema->has("additionalProperties")) {
        Var extra = schema->get("additionalProperties");
        if (extra.type() == typeid(ObjPtr)) {
          validate_into(v, extra.extract<ObjPtr>(), child, problems);
          continue;
        }
      }
    }
    std::vector<std::string> names;
    if (closed_properties(schema, names)) {
      for (const auto& [name, v] : *o) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
          problems.push_back(where + ": property '" + name + "' is not declared");
        }
      }
    }
  }
  if (type == "array" && schema->has("items")) {
    ArrPtr a = value.extract<ArrPtr>();
    ObjPtr items = schema->getObject("items");
    for (std::size_t i = 0; i < a->size(); ++i) {
      validate_into(a->get(static_cast<unsigned>(i)), items, at + "[" + std::to_string(i) + "]",
                    problems);
      if (problems.size() > 20) return;
    }
    if (schema->has("maxItems") && a->size() > schema->getValue<std::size_t>("maxItems")) {
      problems.push_back(where + ": more items than maxItems");
    }
  }
  if ((type == "integer" || type == "number") && type != "null") {
    double n = value.convert<double>();
    if (schema->has("minimum") && n < schema->getValue<double>("minimum"))
      problems.push_back(where + ": " + short_text(value) + " below minimum");
    if (schema->has("maximum") && n > schema->getValue<double>("maximum"))
      problems.push_back(where + ": " + short_text(value) + " above maximum");
  }
}

std::vector<std::string> OpenApiValidator::validate(const Var& value, const ObjPtr& schema) const {
  std::vector<std::string> problems;
  validate_into(value, schema, "", problems);
  return problems;
}

std::vector<std::string> OpenApiValidator::check(const std::string& method_upper,
                                                 const std::string& target, int status,
                                                 const std::map<std::string, std::string>& headers,
                                                 const std::string& body) const {
  std::vector<std::string> problems;
  std::string method = method_upper;
  std::transform(method.begin(), method.end(), method.begin(), ::tolower);
  const std::string path = target.substr(0, target.find('?'));
  const bool head = method == "head";
  if (method == "options") return problems;  // generic: Allow and CORS, same on every path
  std::string op_name = operation_of(head ? "get" : method, path);
  std::string label = method_upper + " " + path + " -> " + std::to_string(status);
  ObjPtr response;
  auto has_header = [&](const char* name) { return headers.count(name) > 0; };
  if (status == 400 && !has_header("x-request-id") && body.empty()) {
    // Poco's own answer to a request it could not parse (request line or headers too long
    // or malformed): it never reached the API, so the document does not describe it.
    return problems;
  }
  if (op_name.empty()) {
    // No operation: only the router's own 404/405 may answer, as an Error.
    if (status != 404 && status != 405) {
      problems.push_back(label + ": no operation in the document for this request");
      return problems;
    }
    response = new Obj;
    ObjPtr content = new Obj, json = new Obj, ref = new Obj;
    ref->set("$ref", "#/components/schemas/Error");
    json->set("schema", ref);
    content->set("application/json", json);
    response->set("content", content);
    ObjPtr generic = new Obj;
    for (const char* h : {"X-Request-Id", "Allow"}) generic->set(h, ObjPtr(new Obj));
    response->set("headers", generic);
  } else {
    label = method_upper + " " + op_name.substr(op_name.find(' ') + 1) + " -> " +
            std::to_string(status);
    ObjPtr op = doc_->getObject("paths")
                    ->getObject(op_name.substr(op_name.find(' ') + 1))
                    ->getObject(op_name.substr(0, op_name.find(' ')));
    ObjPtr responses = op->getObject("responses");
    std::string code = std::to_string(status);
    std::string range = code.substr(0, 1) + "XX";
    if (responses->has(code)) {
      response = resolve(responses->getObject(code));
    } else if (responses->has(range)) {
      response = resolve(responses->getObject(range));
    } else if (responses->has("default")) {
      response = resolve(responses->getObject("default"));
    } else {
      problems.push_back(label + ": status not declared");
      return problems;
    }
  }
  if (!response) {
    problems.push_back(label + ": unresolvable response");
    return problems;
  }
  ObjPtr declared_headers = response->has("headers") ? response->getObject("headers") : nullptr;
  for (const auto& [name, value] : headers) {
    if (kTransportHeaders.count(name)) continue;
    bool declared = false;
    if (declared_headers) {
      for (const auto& [h, spec] : *declared_headers) {
        std::string lower = h;
        std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
        declared = declared || lower == name;
      }
    }
    if (!declared) problems.push_back(label + ": header '" + name + "' is not declared");
  }
  if (declared_headers) {
    for (const auto& [h, spec] : *declared_headers) {
      ObjPtr s = resolve(declared_headers->getObject(h));
      std::string lower = h;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (s && s->optValue<bool>("required", false) && !headers.count(lower)) {
        problems.push_back(label + ": required header '" + h + "' missing");
      }
    }
  }
  if (head || status == 304 || status == 204) {
    if (!body.empty()) problems.push_back(label + ": a body where none may be");
    return problems;
  }
  ObjPtr content = response->has("content") ? response->getObject("content") : nullptr;
  if (!content) {
    if (!body.empty()) problems.push_back(label + ": a body where the document declares none");
    return problems;
  }
  auto ct = headers.find("content-type");
  std::string type = ct == headers.end() ? "" : ct->second.substr(0, ct->second.find(';'));
  ObjPtr media;
  for (const auto& [name, m] : *content) {
    if (name == type || name == "*/*" ||
        (name.size() > 2 && name.substr(name.size() - 2) == "/*" &&
         type.rfind(name.substr(0, name.size() - 1), 0) == 0)) {
      media = content->getObject(name);
    }
  }
  if (!media) {
    problems.push_back(label + ": content type '" + type + "' is not declared");
    return problems;
  }
  if (type != "application/json" || !media->has("schema")) return problems;
  std::string text = body;
  auto encoding = headers.find("content-encoding");
  if (encoding != headers.end() && encoding->second == "gzip") {
    std::istringstream in(body);
    Poco::InflatingInputStream z(in, Poco::InflatingStreamBuf::STREAM_GZIP);
    std::ostringstream out;
    out << z.rdbuf();
    text = out.str();
  }
  Var parsed;
  try {
    Poco::JSON::Parser parser;
    parsed = parser.parse(text);
  } catch (const std::exception&) {
    problems.push_back(label + ": the body is not JSON");
    return problems;
  }
  for (const std::string& p : validate(parsed, media->getObject("schema"))) {
    problems.push_back(label + ": " + p);
  }
  return problems;
}

}  // namespace sb::test
