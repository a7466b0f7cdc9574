// Makes the database refuse some writes, the way a failing disk or constraint would: a
// trigger that raises for the rows matching a condition, on SQLite or PostgreSQL.
#pragma once

#include <soci/soci.h>

#include <string>

#include "store/database.h"

namespace sb::test {

// `when` is a condition on NEW (e.g. "NEW.name = 'boom'"); `op` is INSERT or UPDATE.
inline void fail_writes(Database& db, const std::string& name, const std::string& op,
                        const std::string& table, const std::string& when) {
  db.write([&](soci::session& s) {
    if (db.backend() == Backend::kSqlite) {
      s << "CREATE TRIGGER " + name + " BEFORE " + op + " ON " + table + " WHEN " + when +
               " BEGIN SELECT RAISE(ABORT, 'injected failure'); END";
    } else {
      s << "CREATE FUNCTION " + name + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF " +
               when + " THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$";
      s << "CREATE TRIGGER " + name + " BEFORE " + op + " ON " + table +
               " FOR EACH ROW EXECUTE FUNCTION " + name + "()";
    }
  });
}

inline void stop_failing(Database& db, const std::string& name, const std::string& table) {
  db.write([&](soci::session& s) {
    s << "DROP TRIGGER " + name + (db.backend() == Backend::kSqlite ? "" : " ON " + table);
  });
}

}  // namespace sb::test
