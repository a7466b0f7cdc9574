// CSV import jobs: their rows (options, progress counters, lease) and per-row errors.
// Progress is written in the transaction of each batch of contacts, so a resumed import
// continues exactly after the last committed row.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"

namespace soci {
class session;
}

namespace sb {

class Dialect;
class SqlParams;

struct ImportCounts {
  std::int64_t rows_done = 0, created = 0, updated = 0, unchanged = 0, skipped = 0, failed = 0;
};

struct ImportJob {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::string status;        // queued | running | completed | failed | cancelled
  std::string options_json;  // {"mapping": {...}, "dedupe": ..., "on_duplicate": ...}
  std::string file;          // the upload's path under the data directory
  std::int64_t bytes = 0;
  char delimiter = ',';
  std::int64_t rows_total = 0;
  ImportCounts counts;
  std::optional<std::string> error;
  std::optional<std::int64_t> created_by_key_id;
  EpochMs created_at = 0, updated_at = 0;
  std::optional<EpochMs> finished_at;
};

struct ImportRowError {
  std::int64_t row = 0;  // data row, 1-based (the header is row 0)
  std::int64_t line = 0;
  std::optional<std::string> column;
  std::string outcome;  // failed | skipped
  std::string reason;
};

class ImportStore {
 public:
  explicit ImportStore(const Dialect& dialect) : dialect_(dialect) {}

  // Errors kept per import; past it only the counters grow.
  static constexpr int kMaxStoredErrors = 10000;

  ImportJob create(soci::session& s, ImportJob job) const;
  std::optional<ImportJob> get(soci::session& s, std::int64_t team_id, std::int64_t id) const;
  std::vector<ImportJob> list(soci::session& s, std::int64_t team_id, std::int64_t before_id,
                              int limit) const;
  // A queued import, or a running one whose lease ran out (its process died), now leased
  // to `owner`. Any team: the runner serves them all.
  std::optional<ImportJob> claim(soci::session& s, const std::string& owner,
                                 std::int64_t lease_ms) const;
  // After a batch: the counters and a renewed lease. False when the import is no longer
  // this owner's to run (cancelled, or its lease was taken over).
  bool progress(soci::session& s, const ImportJob& job, const std::string& owner,
                std::int64_t lease_ms) const;
  // Queued or running -> `status` (completed, failed, cancelled); false when it had ended.
  bool finish(soci::session& s, std::int64_t team_id, std::int64_t id, const std::string& status,
              const std::optional<std::string>& error) const;
  void add_errors(soci::session& s, std::int64_t team_id, std::int64_t import_id,
                  const std::vector<ImportRowError>& errors) const;
  // Errors with row > after_row, by row.
  std::vector<ImportRowError> errors(soci::session& s, std::int64_t team_id, std::int64_t import_id,
                                     std::int64_t after_row, int limit) const;
  // PostgreSQL: fresh planner statistics for the tables an import grows. A table that was
  // empty when a connection first checked a foreign key into it keeps a sequential-scan
  // plan for that check until its statistics change: every row would scan every row.
  void refresh_statistics(soci::session& s) const;
  // Contact ids by the value of a dedupe key ("email", "phone" or "external_id").
  std::map<std::string, std::int64_t> contacts_by(soci::session& s, std::int64_t team_id,
                                                  const std::string& key,
                                                  const std::vector<std::string>& values) const;

 private:
  std::vector<ImportJob> select(soci::session& s, const std::string& where_sql, SqlParams& p) const;
  const Dialect& dialect_;
};

}  // namespace sb
