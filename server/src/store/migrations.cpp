// Applies the embedded per-backend migrations and guards against edited history.
#include "store/migrations.h"
#include "store/statement.h"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "model/clock.h"
#include "model/error.h"
#include "store/database.h"

namespace sb {
namespace {

// Arbitrary constant shared by every Switchboard process: serialises concurrent migrators.
constexpr long long kMigrationLockKey = 0x5357424d49475241;  // "SWBMIGRA"

bool is_blank_statement(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

Error migration_error(std::string message, std::string internal = {}) {
  return Error(ErrorCode::kMigrationFailed, std::move(message), {}, std::move(internal));
}

// SQLite's CREATE TRIGGER ... BEGIN stmt; stmt; END is one statement.
bool inside_trigger_body(const std::string& current) {
  auto upper = [](std::string_view s) {
    std::string u(s);
    for (char& ch : u) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return u;
  };
  std::size_t start = current.find_first_not_of(" \t\r\n");
  if (start == std::string::npos) return false;
  if (upper(std::string_view(current).substr(start, 14)) != "CREATE TRIGGER") return false;
  std::size_t end = current.find_last_not_of(" \t\r\n");
  if (end < 3) return true;
  std::string tail = upper(std::string_view(current).substr(end - 2, 3));
  bool word_start = end < 3 || !std::isalnum(static_cast<unsigned char>(current[end - 3]));
  return !(tail == "END" && word_start);
}

}  // namespace

std::vector<std::string> split_sql_statements(std::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  std::size_t i = 0;
  auto flush = [&] {
    if (!is_blank_statement(current)) out.push_back(current);
    current.clear();
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      std::size_t end = sql.find('\n', i);
      i = end == std::string_view::npos ? sql.size() : end;  // comments are dropped
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 2;
      continue;
    }
    if (c == '\'' || c == '"') {
      std::size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;  // doubled quote is an escaped quote
            continue;
          }
          break;
        }
        ++j;
      }
      std::size_t end = std::min(j + 1, sql.size());
      current.append(sql.substr(i, end - i));
      i = end;
      continue;
    }
    if (c == '$') {
      std::size_t close = sql.find('$', i + 1);
      if (close != std::string_view::npos) {
        std::string_view tag = sql.substr(i, close - i + 1);
        bool is_tag = std::all_of(tag.begin() + 1, tag.end() - 1,
                                  [](unsigned char t) { return std::isalnum(t) || t == '_'; });
        if (is_tag) {
          std::size_t end = sql.find(tag, close + 1);
          end = end == std::string_view::npos ? sql.size() : end + tag.size();
          current.append(sql.substr(i, end - i));
          i = end;
          continue;
        }
      }
    }
    if (c == ';' && inside_trigger_body(current)) {
      current.push_back(c);  // a trigger body's statements end only at its END
      ++i;
      continue;
    }
    if (c == ';') {
      flush();
      ++i;
      continue;
    }
    current.push_back(c);
    ++i;
  }
  flush();
  return out;
}

std::vector<Migration> load_migrations(std::string_view backend,
                                       std::span<const EmbeddedFile> files) {
  std::vector<Migration> out;
  std::string prefix = std::string(backend) + "/";
  for (const EmbeddedFile& f : files) {
    if (f.path.substr(0, prefix.size()) != prefix) continue;
    std::string name(f.path.substr(prefix.size()));
    std::size_t digits = 0;
    while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
    if (digits == 0 || digits >= name.size() || name[digits] != '_') {
      throw migration_error("migration file name must look like NNN_name.sql: " + name);
    }
    Migration m;
    m.version = std::stoi(name.substr(0, digits));
    m.name = name;
    m.sql = f.content;
    m.checksum = sha256_hex(f.content);
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      throw migration_error("two migrations share version " + std::to_string(out[i].version) +
                            ": " + out[i - 1].name + " and " + out[i].name);
    }
  }
  return out;
}

MigrationReport migrate(Database& db) {
  return migrate(db, load_migrations(backend_name(db.backend()), embedded_migrations()));
}

MigrationReport migrate(Database& db, const std::vector<Migration>& migrations) {
  MigrationReport report;
  const bool pg = db.backend() == Backend::kPostgresql;
  for (;;) {
    // One transaction per migration; the lock and the re-read of what is applied happen
    // inside it, so concurrent start-ups apply each file exactly once.
    bool done = db.write([&](soci::session& s) {
      if (pg) s << "SELECT pg_advisory_xact_lock(" << kMigrationLockKey << ")";
      s << "CREATE TABLE IF NOT EXISTS schema_migrations ("
           "version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, "
           "applied_at BIGINT NOT NULL)";
      std::map<int, std::pair<std::string, std::string>> applied;
      int version = 0;
      std::string name, checksum;
      soci::statement st(s);
      st.exchange(soci::into(version));
      st.exchange(soci::into(name));
      st.exchange(soci::into(checksum));
      bool more = execute_once(
          st, "SELECT version, name, checksum FROM schema_migrations ORDER BY version");
      for (; more; more = st.fetch()) applied[version] = {name, checksum};
      std::map<int, const Migration*> known;
      for (const Migration& m : migrations) known[m.version] = &m;
      for (const auto& [version, rec] : applied) {
        auto it = known.find(version);
        if (it == known.end()) {
          throw migration_error("the database has migration " + rec.first +
                                " applied, which this binary does not know: it was migrated "
                                "by a newer Switchboard; run that version");
        }
        if (it->second->checksum != rec.second) {
          throw migration_error(
              "migration " + rec.first + " was changed after it was applied (recorded checksum " +
              rec.second.substr(0, 12) + ", file " + it->second->checksum.substr(0, 12) +
              "). Applied migrations must never be edited: restore the file "
              "and put the change in a new migration");
        }
      }
      report.current_version = applied.empty() ? 0 : applied.rbegin()->first;
      const Migration* next = nullptr;
      for (const Migration& m : migrations) {
        if (!applied.count(m.version)) {
          next = &m;
          break;
        }
      }
      if (!next) return true;
      for (const std::string& stmt : split_sql_statements(next->sql)) {
        try {
          s << stmt;
        } catch (const soci::soci_error& e) {
          throw migration_error("migration " + next->name + " failed: " + e.get_error_message(),
                                stmt);
        }
      }
      EpochMs now = now_ms();
      s << "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
           "VALUES (:v, :n, :c, :t)",
          soci::use(next->version), soci::use(next->name), soci::use(next->checksum),
          soci::use(now);
      report.applied.push_back(next->name);
      report.current_version = next->version;
      return false;
    });
    if (done) break;
  }
  return report;
}

}  // namespace sb
