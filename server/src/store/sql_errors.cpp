// Unique-violation detection: SQLSTATE 23505 on PostgreSQL, SQLITE_CONSTRAINT on SQLite.
#include "store/sql_errors.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <cstring>

namespace sb {

bool is_unique_violation(const soci::soci_error& e) {
  if (auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    return pg->sqlstate() == "23505";
  }
  if (auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    // SOCI reports the primary result code; the message tells UNIQUE from CHECK/NOT NULL.
    return (lite->result() & 0xff) == SQLITE_CONSTRAINT &&
           std::strstr(e.what(), "UNIQUE") != nullptr;
  }
  return false;
}

}  // namespace sb
