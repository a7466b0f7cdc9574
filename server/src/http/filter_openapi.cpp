// Filter parameters of the contact list and export.
#include "http/filter_openapi.h"

#include <Poco/JSON/Array.h>

#include <string>

#include "http/openapi_json.h"
#include "model/contact_filter.h"

namespace sb {
namespace {

using namespace openapi;

const char* kind_words(FilterFieldKind kind) {
  switch (kind) {
    case FilterFieldKind::kEnum:
      return "one of the field's values";
    case FilterFieldKind::kText:
      return "text";
    case FilterFieldKind::kId:
      return "an id";
    case FilterFieldKind::kNumber:
    case FilterFieldKind::kAggregate:
      return "a number";
    case FilterFieldKind::kTime:
      return "an ISO-8601 time or a relative one (now-30d)";
    case FilterFieldKind::kList:
      return "values";
    case FilterFieldKind::kSearch:
      return "words to search for";
    case FilterFieldKind::kFlag:
      return "true or false";
    case FilterFieldKind::kSegment:
      return "a segment id";
    case FilterFieldKind::kMetadata:
      return "a metadata value";
  }
  return "a value";
}

ObjPtr parameter(const std::string& name, const std::string& description) {
  ObjPtr p = obj();
  p->set("name", name);
  p->set("in", "query");
  p->set("description", description);
  ObjPtr schema = obj();
  schema->set("type", "string");
  p->set("schema", schema);
  return p;
}

bool is_filter_parameter(const ObjPtr& p) {
  if (!p->has("name") || p->getValue<std::string>("in") != "query") return false;
  std::string name = p->getValue<std::string>("name");
  if (name == "field filters") return true;  // the free-text placeholder of older documents
  std::string field = name.substr(0, name.find('.'));
  FilterFieldKind kind;
  return field != "q" && builtin_filter_field(field, kind);
}

void replace_filters(Poco::JSON::Object& op) {
  Poco::JSON::Array::Ptr old = op.getArray("parameters");
  Poco::JSON::Array::Ptr params = new Poco::JSON::Array;
  if (old) {
    for (std::size_t i = 0; i < old->size(); ++i) {
      ObjPtr p = old->getObject(static_cast<unsigned>(i));
      if (!is_filter_parameter(p)) params->add(p);
    }
  }
  for (const auto& [field, kind] : builtin_filter_fields()) {
    if (field == "q") continue;  // the list's own search parameter, declared by hand
    const std::string what = kind_words(kind);
    // FIELD alone means FIELD.eq (a search for the search fields); other operators are
    // spelled FIELD.OP.
    for (const std::string& op_name : filter_ops(kind)) {
      if (op_name == "eq" || op_name == "search") {
        params->add(parameter(field, field + (op_name == "eq" ? " equals " : " matches ") + what));
        continue;
      }
      bool list = op_name == "in" || op_name == "nin" || op_name == "any" || op_name == "all" ||
                  op_name == "none";
      params->add(parameter(field + "." + op_name, field + " " + op_name + " " + what +
                                                       (list ? " (comma-separated)" : "")));
    }
  }
  op.set("parameters", params);
}

}  // namespace

void document_contact_filters(Poco::JSON::Object& doc) {
  ObjPtr paths = doc.getObject("paths");
  for (const char* path : {"/v1/contacts", "/v1/contacts/stats", "/v1/exports/contacts"}) {
    if (!paths->has(path)) continue;
    ObjPtr item = paths->getObject(path);
    if (item->has("get")) replace_filters(*item->getObject("get"));
  }
}

}  // namespace sb
