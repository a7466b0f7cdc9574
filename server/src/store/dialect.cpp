// SQL fragments that differ between the two backends.
#include "store/dialect.h"

namespace sb {

std::string_view backend_name(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite" : "postgresql";
}

std::string Dialect::json_param(std::string_view name) const {
  std::string p = ":" + std::string(name);
  return backend_ == Backend::kPostgresql ? "CAST(" + p + " AS jsonb)" : p;
}

std::string Dialect::json_array_elements(const std::string& array_expr) const {
  return backend_ == Backend::kPostgresql
             ? "jsonb_array_elements_text(" + array_expr + ") AS e(value)"
             : "json_each(" + array_expr + ") AS e";
}

std::string_view Dialect::json_array_length() const {
  return backend_ == Backend::kPostgresql ? "jsonb_array_length" : "json_array_length";
}

std::string Dialect::json_bool_equals(const std::string& object_col, const std::string& key_param,
                                      bool value) const {
  if (backend_ == Backend::kPostgresql) {
    return "(" + object_col + " -> " + key_param + ") = CAST('" + (value ? "true" : "false") +
           "' AS jsonb)";
  }
  return "(" + object_col + " ->> " + key_param + ") = " + (value ? "1" : "0");
}

std::string Dialect::json_remove_key(const std::string& object_col,
                                     const std::string& key_param) const {
  if (backend_ == Backend::kPostgresql)
    return "(" + object_col + " - CAST(" + key_param + " AS text))";
  return "json_remove(" + object_col + ", '$.' || " + key_param + ")";
}

std::string_view Dialect::for_update() const {
  return backend_ == Backend::kPostgresql ? " FOR UPDATE" : "";
}

}  // namespace sb
