// Schema migrations: numbered SQL files per backend (server/migrations/{sqlite,postgresql}),
// compiled into the binary, applied in order, each in its own transaction, recorded in
// schema_migrations with a SHA-256 checksum. An applied file that was edited since, or a
// database newer than this binary, stops start-up with a message saying which and why.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/embedded_file.h"
#include "model/hash.h"

namespace sb {

class Database;

struct Migration {
  int version = 0;
  std::string name;  // file name, e.g. "001_foundation.sql"
  std::string_view sql;
  std::string checksum;  // hex SHA-256 of the file
};

struct MigrationReport {
  std::vector<std::string> applied;  // names applied by this run
  int current_version = 0;
};

// The migrations for one backend, sorted by version; `files` defaults to the embedded set.
std::vector<Migration> load_migrations(std::string_view backend,
                                       std::span<const EmbeddedFile> files);
std::span<const EmbeddedFile> embedded_migrations();

// Brings the schema up to date. Safe to run from several processes at once (PostgreSQL:
// advisory lock; SQLite: BEGIN IMMEDIATE). Throws Error(kMigrationFailed).
MigrationReport migrate(Database& db, const std::vector<Migration>& migrations);
MigrationReport migrate(Database& db);

// Splits a migration file into statements on ';' outside quotes, comments and
// dollar-quoted bodies: SQLite's prepare and libpq's extended protocol take one at a time.
std::vector<std::string> split_sql_statements(std::string_view sql);

}  // namespace sb
