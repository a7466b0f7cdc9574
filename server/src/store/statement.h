// One-shot execution of a SOCI statement whose into/use elements are already exchanged.
// SOCI's default for statement objects is "repeatable": on PostgreSQL that is PREPARE,
// EXECUTE and a DEALLOCATE when the object dies, three round trips for one query. One-shot
// is a single round trip (PQexecParams).
#pragma once

#include <soci/soci.h>

#include <string>

namespace sb {

// Returns whether a first row was fetched; st.fetch() gives the next ones.
inline bool execute_once(soci::statement& st, const std::string& sql) {
  st.alloc();
  st.prepare(sql, soci::details::st_one_time_query);
  st.define_and_bind();
  return st.execute(true);
}

}  // namespace sb
