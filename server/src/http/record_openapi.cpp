// Generated OpenAPI parts.
#include "http/record_openapi.h"

#include <Poco/JSON/Array.h>

#include <cctype>

namespace sb {
namespace {

using Obj = Poco::JSON::Object;
using ObjPtr = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array;

ObjPtr obj() {
  return new Obj(Poco::JSON_PRESERVE_KEY_ORDER);
}

ObjPtr ref_to(const std::string& to) {
  auto o = obj();
  o->set("$ref", to);
  return o;
}

std::string pascal(std::string_view name) {
  std::string out;
  bool up = true;
  for (char c : name) {
    if (c == '_') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    up = false;
  }
  return out;
}

std::string role_word(Role r) {
  return std::string(role_name(r));
}

ObjPtr field_schema(const FieldSpec& f) {
  auto o = obj();
  switch (f.type) {
    case FieldType::kText:
      o->set("type", "string");
      o->set("maxLength", f.max > 0 ? f.max : 200);
      break;
    case FieldType::kInt:
    case FieldType::kRef:
      o->set("type", "integer");
      o->set("format", "int64");
      if (f.type == FieldType::kRef)
        o->set("description", "id of a " + std::string(f.ref) + " row");
      break;
    case FieldType::kReal:
      o->set("type", "number");
      if (f.max > f.min) {
        o->set("minimum", f.min);
        o->set("maximum", f.max);
      }
      break;
    case FieldType::kBool:
      o->set("type", "boolean");
      break;
    case FieldType::kTime:
      o->set("type", "string");
      o->set("format", "date-time");
      break;
    case FieldType::kDate:
      o->set("type", "string");
      o->set("format", "date");
      break;
    case FieldType::kEnum: {
      o->set("type", "string");
      Arr values;
      for (auto v : f.options) values.add(std::string(v));
      o->set("enum", values);
      break;
    }
    case FieldType::kTags: {
      o->set("type", "array");
      auto items = obj();
      items->set("type", "string");
      o->set("items", items);
      o->set("maxItems", f.max);
      break;
    }
    case FieldType::kJson:
      o->set("description", "JSON, see the entity's documentation");
      break;
  }
  bool nullable = !(f.has(kNotNull) || f.has(kRequired) || f.type == FieldType::kBool);
  if (nullable) o->set("nullable", true);
  if (f.has(kReadOnly) || f.has(kParent)) o->set("readOnly", true);
  return o;
}

void set_schemas(Obj& schemas, const EntitySchema& schema) {
  auto entity = obj();
  entity->set("type", "object");
  auto props = obj();
  auto id = obj();
  id->set("type", "integer");
  id->set("format", "int64");
  id->set("readOnly", true);
  props->set("id", id);
  for (const auto& f : schema.fields) props->set(std::string(f.name), field_schema(f));
  for (auto t : {"created_at", "updated_at"}) {
    auto time = obj();
    time->set("type", "string");
    time->set("format", "date-time");
    time->set("readOnly", true);
    props->set(t, time);
  }
  entity->set("properties", props);
  schemas.set(pascal(schema.name), entity);

  auto input = obj();
  input->set("type", "object");
  input->set("additionalProperties", false);
  auto in_props = obj();
  Arr required;
  for (const auto& f : schema.fields) {
    if (f.has(kReadOnly) || f.has(kParent)) continue;
    auto s = field_schema(f);
    if (f.has(kCreateOnly)) s->set("description", "set on create only");
    in_props->set(std::string(f.name), s);
    if (f.has(kRequired)) required.add(std::string(f.name));
  }
  input->set("properties", in_props);
  if (required.size() > 0) {
    input->set("required", required);
    input->set("description", "On PATCH every field is optional.");
  }
  schemas.set(pascal(schema.name) + "Input", input);
}

ObjPtr responses(std::initializer_list<std::pair<std::string, ObjPtr>> extra, bool body = false,
                 bool found = true) {
  auto r = obj();
  for (const auto& [code, value] : extra) r->set(code, value);
  r->set("401", ref_to("#/components/responses/Unauthorized"));
  r->set("403", ref_to("#/components/responses/Forbidden"));
  r->set("429", ref_to("#/components/responses/RateLimited"));
  if (found) r->set("404", ref_to("#/components/responses/NotFound"));
  if (body) {
    r->set("400", ref_to("#/components/responses/InvalidJson"));
    r->set("409", ref_to("#/components/responses/Conflict"));
    r->set("413", ref_to("#/components/responses/PayloadTooLarge"));
    r->set("415", ref_to("#/components/responses/UnsupportedMediaType"));
    r->set("422", ref_to("#/components/responses/ValidationFailed"));
  }
  return r;
}

ObjPtr json_content(ObjPtr schema) {
  auto media = obj();
  media->set("schema", schema);
  auto content = obj();
  content->set("application/json", media);
  return content;
}

ObjPtr described(const std::string& description, ObjPtr schema) {
  auto o = obj();
  o->set("description", description);
  if (schema) o->set("content", json_content(schema));
  return o;
}

ObjPtr path_param(const std::string& name) {
  auto p = obj();
  p->set("name", name);
  p->set("in", "path");
  p->set("required", true);
  auto s = obj();
  s->set("type", "integer");
  s->set("format", "int64");
  p->set("schema", s);
  return p;
}

ObjPtr operation(const std::string& summary, const std::string& tag, ObjPtr resp) {
  auto op = obj();
  op->set("summary", summary);
  Arr tags;
  tags.add(tag);
  op->set("tags", tags);
  op->set("responses", resp);
  return op;
}

}  // namespace

void document_record_routes(Poco::JSON::Object& doc) {
  auto components = doc.getObject("components");
  auto schemas = components->getObject("schemas");
  auto paths = doc.getObject("paths");
  for (const RecordRouteDoc& d : record_route_docs()) {
    const EntitySchema& schema = *d.schema;
    const RecordRouteOptions& o = d.options;
    set_schemas(*schemas, schema);
    std::string name = pascal(schema.name);
    std::string tag(schema.plural);
    std::string entity_ref = "#/components/schemas/" + name;
    std::string input_ref = "#/components/schemas/" + name + "Input";
    std::string readers = role_word(o.read_role) + " and above";
    std::string writers = role_word(o.write_role) + " and above";

    Arr common;
    if (!o.parent_param.empty()) common.add(path_param(o.parent_param));

    auto list_item = obj();
    if (common.size() > 0) list_item->set("parameters", common);
    auto list_schema = obj();
    list_schema->set("type", "object");
    auto list_props = obj();
    auto data = obj();
    data->set("type", "array");
    data->set("items", ref_to(entity_ref));
    list_props->set("data", data);
    auto next = obj();
    next->set("type", "string");
    next->set("nullable", true);
    list_props->set("next_cursor", next);
    list_schema->set("properties", list_props);
    auto list = operation("List " + tag + " (" + readers + ")", tag,
                          responses({{"200", described("A page", list_schema)},
                                     {"400", ref_to("#/components/responses/InvalidFilter")}},
                                    false, !o.parent_param.empty()));
    Arr query;
    query.add(ref_to("#/components/parameters/Limit"));
    query.add(ref_to("#/components/parameters/Cursor"));
    auto order = obj();
    order->set("name", "order");
    order->set("in", "query");
    order->set("description", "asc (default): oldest first; desc: newest first");
    auto order_schema = obj();
    order_schema->set("type", "string");
    Arr orders;
    orders.add("asc");
    orders.add("desc");
    order_schema->set("enum", orders);
    order->set("schema", order_schema);
    query.add(order);
    for (const auto& f : schema.fields) {
      if (!f.has(kFilter)) continue;
      auto p = obj();
      p->set("name", std::string(f.name));
      p->set("in", "query");
      p->set("description", f.type == FieldType::kTags
                                ? "contains any of these comma-separated values"
                                : "any of these comma-separated values; null matches none");
      auto s = obj();
      s->set("type", "string");
      p->set("schema", s);
      query.add(p);
    }
    list->set("parameters", query);
    list_item->set("get", list);
    if (o.writable) {
      auto post = operation("Create a " + std::string(schema.name) + " (" + writers + ")", tag,
                            responses({{"201", described("Created", ref_to(entity_ref))}}, true,
                                      !o.parent_param.empty()));
      auto body = obj();
      body->set("required", true);
      body->set("content", json_content(ref_to(input_ref)));
      post->set("requestBody", body);
      Arr params;
      params.add(ref_to("#/components/parameters/IdempotencyKey"));
      post->set("parameters", params);
      list_item->set("post", post);
    }
    paths->set(o.base, list_item);

    auto item = obj();
    Arr item_params;
    if (!o.parent_param.empty()) item_params.add(path_param(o.parent_param));
    item_params.add(path_param(o.item_param));
    item->set("parameters", item_params);
    item->set("get", operation("Get a " + std::string(schema.name) + " (" + readers + ")", tag,
                               responses({{"200", described("The " + std::string(schema.name),
                                                            ref_to(entity_ref))}})));
    if (o.writable) {
      auto patch = operation("Change a " + std::string(schema.name) + " (" + writers + ")", tag,
                             responses({{"200", described("Changed", ref_to(entity_ref))}}, true));
      auto body = obj();
      body->set("required", true);
      body->set("content", json_content(ref_to(input_ref)));
      patch->set("requestBody", body);
      item->set("patch", patch);
    }
    if (o.deletable) {
      item->set("delete",
                operation("Delete a " + std::string(schema.name) + " (" + writers + ")", tag,
                          responses({{"204", described("Deleted", nullptr)},
                                     {"409", ref_to("#/components/responses/Conflict")}})));
    }
    paths->set(o.base + "/{" + o.item_param + "}", item);
  }
}

}  // namespace sb
