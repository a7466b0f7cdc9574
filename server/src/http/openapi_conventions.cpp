// The edge's part of every operation in the OpenAPI document.
#include "http/openapi_conventions.h"

#include <Poco/JSON/Array.h>

#include <string>

#include "http/openapi_json.h"

namespace sb {
namespace {

using namespace openapi;

ObjPtr child(Obj& parent, const std::string& key) {
  if (!parent.has(key)) parent.set(key, obj());
  return parent.getObject(key);
}

// An array member whether it was parsed (held by pointer) or built in place (by value).
Poco::JSON::Array::Ptr array_of(const Obj& o, const std::string& key) {
  if (!o.has(key)) return new Arr;
  Poco::Dynamic::Var v = o.get(key);
  if (v.type() == typeid(Poco::JSON::Array::Ptr)) return v.extract<Poco::JSON::Array::Ptr>();
  if (v.type() == typeid(Arr)) return new Arr(v.extract<Arr>());
  return new Arr;
}

ObjPtr schema_of(const std::string& type) {
  auto s = obj();
  s->set("type", type);
  return s;
}

ObjPtr header(const std::string& description, const std::string& type, bool required = false) {
  auto h = obj();
  h->set("description", description);
  if (required) h->set("required", true);
  h->set("schema", schema_of(type));
  return h;
}

void define_headers(Obj& components) {
  ObjPtr headers = child(components, "headers");
  auto set = [&](const std::string& name, ObjPtr h) {
    if (!headers->has(name)) headers->set(name, h);
  };
  set("XRequestId",
      header("The request's id (the caller's X-Request-Id when it is short and plain, else a new "
             "one); quote it when reporting a problem",
             "string", true));
  set("RateLimitLimit",
      header("Requests this API key may make at once (the bucket's size)", "integer"));
  set("RateLimitRemaining", header("Requests left in the bucket after this one", "integer"));
  set("RateLimitReset", header("Seconds until the bucket is full again", "integer"));
  set("ETag", header("A strong validator of this representation: send it back in If-Match to "
                     "change the record only if nobody else has, or in If-None-Match to get 304",
                     "string"));
  set("Location", header("The path of the created resource", "string"));
  set("RetryAfter", header("Seconds to wait before retrying", "integer"));
  auto replayed = header(
      "true: this is the stored answer to an earlier request with the same "
      "Idempotency-Key, which was not applied again",
      "string");
  Arr only_true;
  only_true.add("true");
  replayed->getObject("schema")->set("enum", only_true);
  set("IdempotentReplayed", replayed);
  set("WWWAuthenticate", header("The authentication scheme expected: Bearer", "string"));
  set("ContentDisposition", header("attachment, with a file name to save the body as", "string"));
}

void define_parameters(Obj& components) {
  ObjPtr params = child(components, "parameters");
  if (!params->has("IfMatch")) {
    auto p = obj();
    p->set("name", "If-Match");
    p->set("in", "header");
    p->set("description",
           "Apply only if the resource's current ETag is one of these strong tags (412 "
           "otherwise; 400 for a weak tag)");
    p->set("schema", schema_of("string"));
    params->set("IfMatch", p);
  }
  if (!params->has("IfNoneMatch")) {
    auto p = obj();
    p->set("name", "If-None-Match");
    p->set("in", "header");
    p->set("description", "304 Not Modified when the current ETag is one of these");
    p->set("schema", schema_of("string"));
    params->set("IfNoneMatch", p);
  }
}

ObjPtr error_response(const std::string& description) {
  auto r = obj();
  r->set("description", description);
  auto media = obj();
  media->set("schema", ref_to("#/components/schemas/Error"));
  auto content = obj();
  content->set("application/json", media);
  r->set("content", content);
  return r;
}

void header_ref(Obj& response, const std::string& name, const std::string& component) {
  ObjPtr headers = child(response, "headers");
  if (!headers->has(name)) headers->set(name, ref_to("#/components/headers/" + component));
}

void rate_headers(Obj& response) {
  header_ref(response, "RateLimit-Limit", "RateLimitLimit");
  header_ref(response, "RateLimit-Remaining", "RateLimitRemaining");
  header_ref(response, "RateLimit-Reset", "RateLimitReset");
}

void define_responses(Obj& components) {
  ObjPtr responses = child(components, "responses");
  auto set = [&](const std::string& name, ObjPtr r) {
    if (!responses->has(name)) responses->set(name, r);
  };
  set("BadRequest", error_response("The request is malformed: a header (If-Match, "
                                   "Idempotency-Key, framing), a body where none is taken, or "
                                   "a query parameter (details name it)"));
  set("InternalError",
      error_response("A bug: the answer carries only the request id, the log has the rest"));
  set("Unavailable", error_response("The database is unreachable or busy; retry"));
  if (!responses->has("NotModified")) {
    auto r = obj();
    r->set("description", "The representation still has the ETag sent in If-None-Match");
    header_ref(*r, "ETag", "ETag");
    responses->set("NotModified", r);
  }
  for (const auto& [name, value] : *responses) {
    ObjPtr r = responses->getObject(name);
    header_ref(*r, "X-Request-Id", "XRequestId");
    rate_headers(*r);
    if (name == "NotModified") continue;
    if (name == "RateLimited" || name == "Unavailable") header_ref(*r, "Retry-After", "RetryAfter");
    if (name == "Unauthorized") header_ref(*r, "WWW-Authenticate", "WWWAuthenticate");
  }
}

void add_response(Obj& responses, const std::string& status, const std::string& component) {
  if (!responses.has(status)) responses.set(status, ref_to("#/components/responses/" + component));
}

bool has_json(Obj& response) {
  return response.has("content") && response.getObject("content")->has("application/json");
}

bool has_other_content(Obj& response) {
  if (!response.has("content")) return false;
  for (const auto& [type, media] : *response.getObject("content")) {
    if (type != "application/json") return true;
  }
  return false;
}

// Puts the shared header parameter in, replacing any inline one of the same name.
void use_parameter(Obj& op, const std::string& header_name, const std::string& component) {
  Poco::JSON::Array::Ptr params = array_of(op, "parameters");
  Poco::JSON::Array::Ptr kept = new Arr;
  const std::string ref = "#/components/parameters/" + component;
  bool present = false;
  for (std::size_t i = 0; i < params->size(); ++i) {
    ObjPtr p = params->getObject(static_cast<unsigned>(i));
    if (p->has("name") && p->getValue<std::string>("name") == header_name) continue;
    if (p->has("$ref") && p->getValue<std::string>("$ref") == ref) present = true;
    kept->add(p);
  }
  if (!present) kept->add(ref_to(ref));
  op.set("parameters", kept);
}

void complete_operation(const std::string& path, const std::string& method, Obj& op) {
  const bool is_public = op.has("security") && array_of(op, "security")->size() == 0;
  const bool writes = method == "put" || method == "patch" || method == "delete";
  if (method == "post" && !op.has("requestBody") && !is_public) {
    // Action routes (enable, close, replay, ...) take no body or an empty JSON object.
    auto empty = obj();
    empty->set("type", "object");
    empty->set("maxProperties", 0);
    empty->set("additionalProperties", false);
    auto media = obj();
    media->set("schema", empty);
    auto content = obj();
    content->set("application/json", media);
    auto body = obj();
    body->set("description", "No body, or an empty JSON object");
    body->set("required", false);
    body->set("content", content);
    op.set("requestBody", body);
  }
  ObjPtr responses = child(op, "responses");
  add_response(*responses, "400", "BadRequest");
  add_response(*responses, "500", "InternalError");
  add_response(*responses, "503", "Unavailable");
  if (!is_public) {
    add_response(*responses, "401", "Unauthorized");
    add_response(*responses, "403", "Forbidden");
    add_response(*responses, "429", "RateLimited");
  }
  if (path.find('{') != std::string::npos) add_response(*responses, "404", "NotFound");
  if (op.has("requestBody")) {
    add_response(*responses, "413", "PayloadTooLarge");
    add_response(*responses, "415", "UnsupportedMediaType");
  }
  if (writes) {
    add_response(*responses, "412", "PreconditionFailed");
    use_parameter(op, "If-Match", "IfMatch");
  }
  if (method == "get" && responses->has("200") && has_json(*responses->getObject("200"))) {
    add_response(*responses, "304", "NotModified");
    use_parameter(op, "If-None-Match", "IfNoneMatch");
  }
  for (const auto& [status, value] : *responses) {
    ObjPtr r = responses->getObject(status);
    if (r->has("$ref")) continue;  // a shared response: define_responses() completed it
    header_ref(*r, "X-Request-Id", "XRequestId");
    if (!is_public) rate_headers(*r);
    if ((status == "200" || status == "201") && has_json(*r)) header_ref(*r, "ETag", "ETag");
    if (status == "201" || status == "202" || status[0] == '3') {
      header_ref(*r, "Location", "Location");
    }
    if (method == "post" && status[0] == '2') {
      header_ref(*r, "Idempotent-Replayed", "IdempotentReplayed");
    }
    if (has_other_content(*r)) header_ref(*r, "Content-Disposition", "ContentDisposition");
  }
}

}  // namespace

void apply_openapi_conventions(Poco::JSON::Object& doc) {
  ObjPtr components = child(doc, "components");
  define_headers(*components);
  define_parameters(*components);
  define_responses(*components);
  ObjPtr paths = doc.getObject("paths");
  for (const auto& [path, item] : *paths) {
    ObjPtr ops = paths->getObject(path);
    for (const char* method : {"get", "post", "put", "patch", "delete"}) {
      if (ops->has(method)) complete_operation(path, method, *ops->getObject(method));
    }
  }
}

}  // namespace sb
