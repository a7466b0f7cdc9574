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

std::string_view Dialect::ilike() const {
  return backend_ == Backend::kPostgresql ? "ILIKE" : "LIKE";
}

}  // namespace sb
