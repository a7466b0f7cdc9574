// A team's rows as JSON, table by table, for the backup export and a person's privacy
// export. Each row is rendered by the database itself (row_to_json, json_object), so new
// columns appear without code changes; secrets (key hashes) and team_id are left out.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sb {

class Dialect;

// A read-only transaction for an export's duration: every table as of one moment.
class ExportSnapshot {
 public:
  ExportSnapshot(soci::session& s, const Dialect& dialect);
  ~ExportSnapshot();
  ExportSnapshot(const ExportSnapshot&) = delete;
  ExportSnapshot& operator=(const ExportSnapshot&) = delete;

 private:
  soci::session& s_;
};

class DataExport {
 public:
  explicit DataExport(const Dialect& dialect) : dialect_(dialect) {}

  // The tables of a team's data, in an order that restores (parents first). Bus
  // bookkeeping (events, deliveries, effect and idempotency keys) is not data and is left out.
  static const std::vector<std::string>& team_tables();
  // The tables whose rows belong to one contact (they have contact_id).
  static const std::vector<std::string>& contact_tables();
  // JSON-typed columns per table: PostgreSQL knows them (jsonb); SQLite stores text.
  static const std::map<std::string, std::set<std::string>>& json_columns();

  // Calls `row` with each of the team's rows of `table` (only `contact_id`'s when given) as
  // JSON object text, by id where the table has one.
  void each_row(soci::session& s, const std::string& table, std::int64_t team_id,
                std::optional<std::int64_t> contact_id,
                const std::function<void(const std::string&)>& row) const;

 private:
  std::vector<std::string> columns(soci::session& s, const std::string& table) const;

  const Dialect& dialect_;
};

}  // namespace sb
