// A pooled database connection: SOCI's session plus what lives exactly as long as the
// connection (its prepared statements). Only Database creates sessions, so every
// soci::session the store layer is handed is a Session.
#pragma once

#include <soci/soci.h>

#include <string>

#include "store/dialect.h"
#include "store/statement_cache.h"

namespace sb {

class Session : public soci::session {
 public:
  Session(const soci::backend_factory& factory, const std::string& connect_string, Backend backend,
          std::size_t statement_cache)
      : soci::session(factory, connect_string), statements_(*this, backend, statement_cache) {}
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  StatementCache& statements() { return statements_; }
  // Opens the connection again; the old connection's prepared statements are gone.
  void reconnect_fresh() {
    statements_.clear();
    reconnect();
  }

 private:
  // Destroyed before the base class closes the connection, as SQLite requires.
  StatementCache statements_;
};

}  // namespace sb
