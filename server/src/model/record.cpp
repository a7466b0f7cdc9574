// Schema lookups and typed access to record values.
#include "model/record.h"

#include <stdexcept>

namespace sb {

int EntitySchema::index(std::string_view field) const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field) return static_cast<int>(i);
  }
  return -1;
}

const FieldSpec& EntitySchema::field(std::string_view name) const {
  int i = index(name);
  if (i < 0)
    throw std::logic_error("schema " + std::string(this->name) + " has no field " +
                           std::string(name));
  return fields[static_cast<std::size_t>(i)];
}

int EntitySchema::parent_index() const {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].has(kParent)) return static_cast<int>(i);
  }
  return -1;
}

namespace {
std::size_t checked_index(const EntitySchema& schema, std::string_view field) {
  int i = schema.index(field);
  if (i < 0) schema.field(field);  // throws with the names
  return static_cast<std::size_t>(i);
}
}  // namespace

const FieldValue& Record::at(const EntitySchema& schema, std::string_view field) const {
  return values.at(checked_index(schema, field));
}

void Record::set(const EntitySchema& schema, std::string_view field, FieldValue value) {
  values.at(checked_index(schema, field)) = std::move(value);
}

std::int64_t Record::int_or(const EntitySchema& schema, std::string_view field,
                            std::int64_t otherwise) const {
  const auto* v = std::get_if<std::int64_t>(&at(schema, field));
  return v ? *v : otherwise;
}

double Record::real_or(const EntitySchema& schema, std::string_view field, double otherwise) const {
  const FieldValue& v = at(schema, field);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  return otherwise;
}

std::string Record::text_or(const EntitySchema& schema, std::string_view field,
                            std::string otherwise) const {
  const auto* v = std::get_if<std::string>(&at(schema, field));
  return v ? *v : otherwise;
}

bool Record::is_null(const EntitySchema& schema, std::string_view field) const {
  return std::holds_alternative<std::monostate>(at(schema, field));
}

bool RecordInput::has(const EntitySchema& schema, std::string_view field) const {
  return get(schema, field) != nullptr;
}

const FieldValue* RecordInput::get(const EntitySchema& schema, std::string_view field) const {
  int i = schema.index(field);
  for (const auto& [index, value] : values) {
    if (index == i) return &value;
  }
  return nullptr;
}

}  // namespace sb
