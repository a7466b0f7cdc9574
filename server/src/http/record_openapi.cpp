// Generated OpenAPI parts.
#include "http/record_openapi.h"

#include <Poco/JSON/Parser.h>

#include <Poco/JSON/Array.h>

#include <cctype>

#include "http/filter_openapi.h"
#include "http/openapi_conventions.h"
#include "http/openapi_json.h"
#include "model/timeline_catalog.h"

namespace sb {
namespace {

using namespace openapi;

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

// "activities" -> "activity", "sla-policies" -> "sla-policy", "tickets" -> "ticket".
std::string singular(std::string word) {
  if (word.size() > 3 && word.ends_with("ies")) return word.substr(0, word.size() - 3) + "y";
  if (word.size() > 1 && word.ends_with("s") && !word.ends_with("ss")) word.pop_back();
  return word;
}

std::string pascal_words(std::string_view text) {
  std::string out;
  bool up = true;
  for (char c : text) {
    if (c == '-' || c == '_') {
      up = true;
      continue;
    }
    out.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    up = false;
  }
  return out;
}

// Operation ids from the path's words: /v1/tickets/{id}/comments gives "TicketComments"
// (collection) and "TicketComment" (one of them), as in listTicketComments, getTicketComment.
struct OperationNames {
  std::string collection;
  std::string item;
};
OperationNames operation_names(const std::string& base) {
  std::vector<std::string> words;
  for (std::string_view part : split_path(base)) {
    if (part == "v1" || part.front() == '{') continue;
    words.emplace_back(part);
  }
  OperationNames n;
  for (std::size_t i = 0; i < words.size(); ++i) {
    bool last = i + 1 == words.size();
    n.collection += pascal_words(last ? words[i] : singular(words[i]));
    n.item += pascal_words(singular(words[i]));
  }
  return n;
}

std::string role_word(Role r) {
  return std::string(role_name(r));
}

// The shape of a JSON field, by field name (the names are unique across entities), as an
// OpenAPI schema; fields not listed are free-form objects or arrays (by their default).
void json_shape(const FieldSpec& f, Obj& out) {
  static const std::pair<std::string_view, std::string_view> kShapes[] = {
      {"rule", R"({"$ref":"#/components/schemas/FilterRule"})"},
      {"filter", R"({"$ref":"#/components/schemas/FilterRule"})"},
      {"fields",
       R"({"type":"array","maxItems":50,"items":{"$ref":"#/components/schemas/FormField"}})"},
      {"members", R"({"type":"array","items":{"type":"integer","format":"int64"},)"
                  R"("description":"user ids, in round-robin order"})"},
      {"reschedule_history",
       R"({"type":"array","items":{"type":"object","additionalProperties":true}})"},
      {"steps", R"({"type":"array","minItems":1,"maxItems":50,)"
                R"("items":{"$ref":"#/components/schemas/SequenceStep"}})"},
      {"exit_on", R"({"$ref":"#/components/schemas/SequenceExit"})"},
  };
  for (const auto& [name, json] : kShapes) {
    if (name != f.name) continue;
    Poco::JSON::Parser parser;
    auto shape = parser.parse(std::string(json)).extract<ObjPtr>();
    if (shape->has("$ref")) {
      // OpenAPI 3.0 allows nothing beside a $ref: wrap it so nullable can sit next to it.
      Arr one;
      one.add(shape);
      out.set("allOf", one);
      out.set("type", "object");
      return;
    }
    for (const auto& [key, value] : *shape) out.set(key, value);
    return;
  }
  const auto* text = std::get_if<std::string>(&f.fallback);
  bool array = text && !text->empty() && text->front() == '[';
  out.set("type", array ? "array" : "object");
  if (array) {
    auto items = obj();
    items->set("additionalProperties", true);
    out.set("items", items);
  } else {
    out.set("additionalProperties", true);
  }
  out.set("description", "JSON, see the entity's documentation");
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
      Poco::JSON::Array::Ptr values = new Arr;
      for (auto v : f.options) values->add(std::string(v));
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
      json_shape(f, *o);
      break;
  }
  bool nullable = !(f.has(kNotNull) || f.has(kRequired) || f.type == FieldType::kBool);
  if (nullable) {
    o->set("nullable", true);
    // OpenAPI 3.0: nullable does not admit null past an enum that does not list it.
    if (o->has("enum")) o->getArray("enum")->add(Poco::Dynamic::Var());
  }
  if (f.has(kReadOnly) || f.has(kParent)) o->set("readOnly", true);
  return o;
}

// Properties an entity's store hooks add to its JSON beyond the schema's fields (hooks'
// decorate()), by entity name, as OpenAPI properties.
void extra_properties(std::string_view entity, Obj& props) {
  static const std::pair<std::string_view, std::string_view> kExtra[] = {
      {"pipeline",
       R"({"stages":{"type":"array","readOnly":true,"description":"the pipeline's stages, in order",)"
       R"("items":{"$ref":"#/components/schemas/PipelineStage"}}})"},
  };
  for (const auto& [name, json] : kExtra) {
    if (name != entity) continue;
    Poco::JSON::Parser parser;
    auto extra = parser.parse(std::string(json)).extract<ObjPtr>();
    for (const auto& [key, value] : *extra) props.set(key, value);
  }
}

// Whether a create can name another row (404 when it is not in the team).
bool refers_to_rows(const EntitySchema& schema) {
  for (const auto& f : schema.fields) {
    if (f.type == FieldType::kRef && !f.has(kParent) && !f.has(kReadOnly)) return true;
  }
  return false;
}

void set_schemas(Obj& schemas, const EntitySchema& schema, bool writable) {
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
  // Every field is always sent (null when empty): generated clients may rely on it. What
  // hooks add is not sent everywhere the entity is (a board's pipeline has no stages).
  Arr always;
  for (const auto& [name, value] : *props) always.add(name);
  extra_properties(schema.name, *props);
  entity->set("properties", props);
  entity->set("required", always);
  entity->set("additionalProperties", false);
  schemas.set(pascal(schema.name), entity);
  if (!writable) {
    schemas.remove(pascal(schema.name) + "Input");
    schemas.remove(pascal(schema.name) + "Patch");
    return;
  }

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
  if (required.size() > 0) input->set("required", required);
  schemas.set(pascal(schema.name) + "Input", input);

  // PATCH changes only the fields sent: none is required, and fields set on create only
  // are refused (400), so the patch shape leaves them out instead of marking them.
  auto patch = obj();
  patch->set("type", "object");
  patch->set("description", "The fields to change; the others keep their values.");
  patch->set("additionalProperties", false);
  auto patch_props = obj();
  for (const auto& f : schema.fields) {
    if (f.has(kReadOnly) || f.has(kParent) || f.has(kCreateOnly)) continue;
    patch_props->set(std::string(f.name), field_schema(f));
  }
  patch->set("properties", patch_props);
  schemas.set(pascal(schema.name) + "Patch", patch);
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

ObjPtr operation(const std::string& id, const std::string& summary, const std::string& tag,
                 ObjPtr resp) {
  auto op = obj();
  op->set("operationId", id);
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
    set_schemas(*schemas, schema, o.writable);
    std::string name = pascal(schema.name);
    std::string tag(schema.plural);
    std::string entity_ref = "#/components/schemas/" + name;
    std::string input_ref = "#/components/schemas/" + name + "Input";
    std::string readers = role_word(o.read_role) + " and above";
    std::string writers = role_word(o.write_role) + " and above";
    if (!o.personal_field.empty()) {
      // What personal_scope() does, said where clients read it.
      const std::string own = "; a signed-in person below admin only their own (" +
                              std::string(o.personal_field) + "), another's is 404";
      readers += own;
      writers += own;
    }

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
    Arr page_fields;
    page_fields.add("data");
    page_fields.add("next_cursor");
    list_schema->set("required", page_fields);
    list_schema->set("additionalProperties", false);
    const OperationNames names = operation_names(o.base);
    auto list = operation("list" + names.collection, "List " + tag + " (" + readers + ")", tag,
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
    for (const auto& f : schema.fields) {
      if (!f.has(kRange)) continue;
      for (auto [op, words] : {std::pair{"gte", "at or after"}, std::pair{"gt", "after"},
                               std::pair{"lte", "at or before"}, std::pair{"lt", "before"}}) {
        auto p = obj();
        p->set("name", std::string(f.name) + "." + op);
        p->set("in", "query");
        p->set("description", std::string(f.name) + " " + words + " this time");
        auto s = obj();
        s->set("type", "string");
        s->set("format", "date-time");
        p->set("schema", s);
        query.add(p);
      }
    }
    list->set("parameters", query);
    list_item->set("get", list);
    if (o.writable) {
      auto post = operation("create" + names.item,
                            "Create a " + std::string(schema.name) + " (" + writers + ")", tag,
                            responses({{"201", described("Created", ref_to(entity_ref))}}, true,
                                      !o.parent_param.empty() || refers_to_rows(schema)));
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
    item->set("get", operation("get" + names.item,
                               "Get a " + std::string(schema.name) + " (" + readers + ")", tag,
                               responses({{"200", described("The " + std::string(schema.name),
                                                            ref_to(entity_ref))}})));
    if (o.writable) {
      auto patch = operation("update" + names.item,
                             "Change a " + std::string(schema.name) + " (" + writers + ")", tag,
                             responses({{"200", described("Changed", ref_to(entity_ref))}}, true));
      auto body = obj();
      body->set("required", true);
      body->set("content", json_content(ref_to("#/components/schemas/" + name + "Patch")));
      patch->set("requestBody", body);
      item->set("patch", patch);
    }
    if (o.deletable) {
      item->set("delete",
                operation("delete" + names.item,
                          "Delete a " + std::string(schema.name) + " (" + writers + ")", tag,
                          responses({{"204", described("Deleted", nullptr)},
                                     {"409", ref_to("#/components/responses/Conflict")}})));
    }
    paths->set(o.base + "/{" + o.item_param + "}", item);
  }
}

namespace {

// The timeline's kind enum, from the catalogue the API tests hold every written kind to.
void document_timeline_kinds(Poco::JSON::Object& doc) {
  ObjPtr paths = doc.getObject("paths");
  const char* path = "/v1/contacts/{id}/timeline";
  if (!paths->has(path)) return;
  ObjPtr schema = paths->getObject(path)
                      ->getObject("get")
                      ->getObject("responses")
                      ->getObject("200")
                      ->getObject("content")
                      ->getObject("application/json")
                      ->getObject("schema");
  ObjPtr item = schema->getObject("properties")->getObject("data")->getObject("items");
  auto kind = obj();
  kind->set("type", "string");
  kind->set("description",
            "created, field_changed, note_added, file_added, merged, unmerged, "
            "conversation_started; <record>_created|updated|deleted of the records naming the "
            "contact; the contact's messaging events (email.*, sms.*). See docs/contacts.md.");
  Poco::JSON::Array::Ptr values = new Arr;
  for (const std::string& k : known_timeline_kinds()) values->add(k);
  kind->set("enum", values);
  item->getObject("properties")->set("kind", kind);
}

}  // namespace

void generate_openapi_parts(Poco::JSON::Object& doc) {
  document_record_routes(doc);
  document_timeline_kinds(doc);
  document_contact_filters(doc);
  apply_openapi_conventions(doc);
}

}  // namespace sb
