// The import loop.
#include "imports/import_runner.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>
#include <soci/soci.h>
#include <unistd.h>

#include <fstream>

#include "imports/contact_import.h"
#include "model/contact_json.h"
#include "model/csv_reader.h"
#include "model/error.h"
#include "model/hash.h"
#include "store/database.h"
#include "store/event_store.h"
#include "store/import_store.h"

namespace sb::imports {
namespace {

// The first record of the file: the header.
std::vector<std::string> read_header(std::istream& in, char delimiter) {
  std::vector<std::string> header;
  bool got = false;
  CsvReader reader(
      [&](CsvRecord& r) {
        if (got) return;
        got = true;
        if (!r.error.empty()) throw Error::validation("file", "the header row: " + r.error);
        header = std::move(r.fields);
      },
      CsvLimits{}, delimiter);
  char buf[16384];
  while (!got && in) {
    in.read(buf, sizeof buf);
    if (in.gcount() > 0) reader.feed(std::string_view(buf, static_cast<std::size_t>(in.gcount())));
  }
  if (!got) reader.finish();
  return header;
}

}  // namespace

ImportRunner::ImportRunner(Database& db, ImportRunnerOptions options)
    : db_(db),
      options_(std::move(options)),
      owner_("p" + random_hex(8)),
      loop_("imports", options_.poll, [this] { return run_once(); }) {}

ImportRunner::~ImportRunner() {
  stop();
}

void ImportRunner::start() {
  loop_.start();
}

void ImportRunner::stop() {
  loop_.stop();
}

void ImportRunner::poke() {
  loop_.poke();
}

bool ImportRunner::run_once() {
  ImportStore store(db_.dialect());
  const std::int64_t lease_ms = options_.lease.count();
  auto claimed = db_.write([&](soci::session& s) { return store.claim(s, owner_, lease_ms); });
  if (!claimed) return false;
  ImportJob job = *claimed;
  const std::string path = options_.data_dir + "/" + job.file;
  std::string status = "completed";
  std::optional<std::string> error;
  auto& log = Poco::Logger::get("imports");
  try {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw Error(ErrorCode::kInternal, "the uploaded file is gone: " + job.file);
    ContactImport run(db_, job, ImportOptions::parse(job.options_json));
    run.prepare(read_header(file, job.delimiter));
    file.clear();
    file.seekg(0);
    bool finished = run.run(file, [&](soci::session& s, const ImportJob& now) {
      return !loop_.stopping() && store.progress(s, now, owner_, lease_ms);
    });
    if (!finished) {
      // Cancelled (the upload goes), or stopping / lease lost (another process resumes).
      auto now = db_.read([&](soci::session& s) { return store.get(s, job.team_id, job.id); });
      if (now && now->status == "cancelled") ::unlink(path.c_str());
      return true;
    }
    job = run.job();
  } catch (const std::exception& e) {
    status = "failed";
    error = e.what();
    log.error("import %Ld of team %Ld failed: %s", static_cast<Poco::Int64>(job.id),
              static_cast<Poco::Int64>(job.team_id), log_text(e));
  }
  db_.write([&](soci::session& s) {
    store.finish(s, job.team_id, job.id, status, error);
    Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
    payload.set("import_id", job.id);
    payload.set("status", status);
    payload.set("rows", job.counts.rows_done);
    payload.set("created", job.counts.created);
    payload.set("updated", job.counts.updated);
    payload.set("unchanged", job.counts.unchanged);
    payload.set("skipped", job.counts.skipped);
    payload.set("failed", job.counts.failed);
    EventStore(db_.dialect())
        .append(s, {.team_id = job.team_id,
                    .type = "import.completed",
                    .subject_type = "import",
                    .subject_id = job.id,
                    .payload_json = json_text(payload)});
  });
  ::unlink(path.c_str());  // the upload holds personal data: kept no longer than needed
  return true;
}

}  // namespace sb::imports
