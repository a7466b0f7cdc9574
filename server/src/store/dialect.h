// The few SQL differences between SQLite and PostgreSQL, in one place. Everything else
// (RETURNING, ON CONFLICT upserts, epoch-ms BIGINT timestamps) is written once for both.
#pragma once

#include <string>
#include <string_view>

namespace sb {

enum class Backend { kSqlite, kPostgresql };

std::string_view backend_name(Backend backend);  // "sqlite" | "postgresql"

class Dialect {
 public:
  explicit Dialect(Backend backend) : backend_(backend) {}
  Backend backend() const { return backend_; }

  // A bound parameter holding JSON text, typed for the column: jsonb in PostgreSQL.
  std::string json_param(std::string_view name) const;
  // Table source of the elements of a JSON array as text, aliased e(value).
  std::string json_array_elements(const std::string& array_expr) const;
  std::string_view json_array_length() const;
  // `object_col ->> key` is the JSON boolean `value`.
  std::string json_bool_equals(const std::string& object_col, const std::string& key_param,
                               bool value) const;
  // `object_col` without the key (key is a bound parameter holding [a-z0-9_] text).
  std::string json_remove_key(const std::string& object_col, const std::string& key_param) const;
  // Row lock for read-modify-write (PostgreSQL); SQLite's writer lock already serialises.
  std::string_view for_update() const;

 private:
  Backend backend_;
};

}  // namespace sb
