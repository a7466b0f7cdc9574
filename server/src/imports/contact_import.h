// One CSV import run: the file read row by row, each row mapped and validated exactly like
// POST /v1/contacts, the dedupe policy applied, and contacts written in batches, one
// transaction each together with the job's progress, so a resumed run neither skips nor
// repeats a row. A dry run does the same work in transactions it rolls back.
#pragma once

#include <Poco/JSON/Object.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/custom_field.h"
#include "model/import_mapping.h"
#include "store/import_store.h"

namespace sb {
class Database;
}

namespace sb::imports {

struct ImportOptions {
  Poco::JSON::Object::Ptr mapping;    // header -> target; null: by column name
  std::string dedupe = "email";       // email | phone | external_id | none
  std::string on_duplicate = "skip";  // skip | update | create
  char delimiter = 0;                 // 0: detected

  // From the stored options JSON (already checked when the import was made).
  static ImportOptions parse(const std::string& json);
  std::string json() const;
};

struct DryRunReport {
  ImportCounts counts;
  std::vector<Poco::JSON::Object::Ptr> preview;  // the first rows as they would be written
  std::vector<ImportRowError> errors;            // the first ones
};

class ContactImport {
 public:
  static constexpr std::size_t kBatchRows = 500;
  static constexpr std::size_t kPreviewRows = 10;
  static constexpr std::size_t kDryRunErrors = 100;

  ContactImport(Database& db, const ImportJob& job, ImportOptions options);

  // The header and the mapping it resolves to (throws the mapping's 422).
  void prepare(const std::vector<std::string>& header);

  // Runs the rows after job.counts.rows_done. `on_batch` runs inside each batch's
  // transaction with the job's new counters; returning false stops the run there (the
  // batch is rolled back: cancelled, or the lease was lost). Returns false when stopped.
  bool run(std::istream& file,
           const std::function<bool(soci::session&, const ImportJob&)>& on_batch);
  // The same rows, nothing kept.
  DryRunReport dry_run(std::istream& file);

  const ImportJob& job() const { return job_; }

 private:
  struct Pending;
  void apply(soci::session& s, std::vector<Pending>& rows, std::vector<ImportRowError>& errors,
             DryRunReport* dry);
  bool read(std::istream& file, const std::function<bool(std::vector<Pending>&)>& batch);

  Database& db_;
  ImportJob job_;
  ImportOptions options_;
  std::vector<std::string> header_;
  std::vector<ImportColumn> columns_;
  std::map<std::string, CustomField> custom_fields_;
  std::map<std::string, std::int64_t> created_keys_;  // dry run: keys it would have created
};

}  // namespace sb::imports
