// Parsing of SB_DATABASE_URL into a backend and a driver connect string.
#pragma once

#include <string>
#include <string_view>

#include "store/dialect.h"

namespace sb {

struct DatabaseUrl {
  Backend backend = Backend::kSqlite;
  std::string connect_string;  // what the SOCI backend receives
  std::string display;         // the URL with the password masked
  std::string sqlite_path;     // SQLite only
};

// Accepts "sqlite:PATH" and "postgresql://..." / "postgres://..." (libpq URI syntax).
// Throws Error(kConfigInvalid) saying what is wrong.
DatabaseUrl parse_database_url(std::string_view url, int sqlite_busy_timeout_s = 5);

}  // namespace sb
