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
  // A case-insensitive LIKE: ILIKE in PostgreSQL, LIKE (ASCII case-insensitive) in SQLite.
  std::string_view ilike() const;

 private:
  Backend backend_;
};

}  // namespace sb
