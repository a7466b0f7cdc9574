// Import and export scenarios (issue 11): a 1M-row CSV (BENCH_IMPORT_ROWS) imported by
// the import runner in this process (rows/s, this process's peak RSS), then the contacts
// exported through the real server's streaming route as CSV and NDJSON (rows/s, the
// server's peak RSS during the exports), on SQLite and PostgreSQL (durable).
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <soci/soci.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "bench_support.h"
#include "imports/contact_import.h"
#include "imports/import_runner.h"
#include "scenarios.h"
#include "store/database.h"
#include "store/import_store.h"
#include "support/pg_cluster.h"
#include "support/test_backend.h"

namespace sb::bench {
namespace {

long long rows_wanted() {
  const char* env = std::getenv("BENCH_IMPORT_ROWS");
  return env ? std::atoll(env) : 1000000;
}

// Typical export-shaped rows: ~90 bytes each.
void write_csv(const std::string& path, long long rows) {
  std::ofstream out(path, std::ios::binary);
  out << "email,name,phone,tags,metadata.source\n";
  std::string line;
  for (long long i = 1; i <= rows; ++i) {
    line = "c" + std::to_string(i) + "@bench.test,Contact " + std::to_string(i) + ",+1555" +
           std::to_string(1000000 + i) + ",\"[\"\"lead\"\",\"\"b" + std::to_string(i % 10) +
           "\"\"]\",fair\n";
    out << line;
  }
}

Row import_row(const std::string& backend, const std::string& url, const std::string& data_dir,
               const std::string& csv, long long rows) {
  DatabaseOptions opts;
  opts.url = url;
  Database db(opts);
  std::filesystem::create_directories(data_dir + "/imports");
  std::filesystem::copy_file(csv, data_dir + "/imports/bench.csv",
                             std::filesystem::copy_options::overwrite_existing);
  ImportJob job;
  job.team_id = 1;  // the server's bootstrap team
  job.options_json = imports::ImportOptions{}.json();
  job.file = "imports/bench.csv";
  job.bytes = static_cast<std::int64_t>(std::filesystem::file_size(csv));
  job.rows_total = rows;
  ImportStore store(db.dialect());
  db.write([&](soci::session& s) { store.create(s, job); });
  imports::ImportRunner runner(db, {.data_dir = data_dir});
  reset_self_peak_rss();
  auto started = std::chrono::steady_clock::now();
  runner.run_once();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  long long created = 0;
  db.read([&](soci::session& s) { s << "SELECT created FROM imports", soci::into(created); });
  Row row{"import " + std::to_string(rows / 1000) + "k-row CSV (rows/s)", backend, 1};
  row.load.requests = static_cast<std::uint64_t>(created);
  row.load.errors = static_cast<std::uint64_t>(rows - created);
  row.load.seconds = seconds;
  row.peak_rss_mb = self_peak_rss_mb();
  std::cerr << "  import " << backend << ": " << created << " rows in " << seconds << " s"
            << std::endl;
  return row;
}

Row export_row(const std::string& backend, const Child& server, const std::string& format,
               long long rows) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server.port()));
  session.setTimeout(Poco::Timespan(600, 0));
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET,
                             "/v1/exports/contacts?format=" + format,
                             Poco::Net::HTTPMessage::HTTP_1_1);
  req.set("Authorization", "Bearer " + kKey);
  auto started = std::chrono::steady_clock::now();
  session.sendRequest(req);
  Poco::Net::HTTPResponse resp;
  std::istream& in = session.receiveResponse(resp);
  char buf[1 << 16];
  long long lines = 0, bytes = 0;
  while (in) {
    in.read(buf, sizeof buf);
    for (std::streamsize i = 0; i < in.gcount(); ++i) lines += buf[i] == '\n';
    bytes += in.gcount();
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  long long got = format == "csv" ? lines - 1 : lines;
  Row row{"export " + std::to_string(rows / 1000) + "k contacts " + format + " (rows/s)", backend,
          1};
  row.load.requests = static_cast<std::uint64_t>(std::max(0LL, got));
  row.load.errors = static_cast<std::uint64_t>(resp.getStatus() == 200 && got == rows ? 0 : 1);
  row.load.seconds = seconds;
  row.peak_rss_mb = server.status_mb("VmHWM");
  std::cerr << "  export " << format << " " << backend << ": " << got << " rows, " << bytes
            << " bytes in " << seconds << " s" << std::endl;
  return row;
}

// On PostgreSQL the server's start-up work runs in its backends: waits (at most 10 min)
// until none of them is active for a second. Returns the seconds waited.
double wait_pg_idle(const std::string& url) {
  DatabaseOptions opts;
  opts.url = url;
  Database db(opts);
  const auto started = std::chrono::steady_clock::now();
  int quiet = 0;
  while (quiet < 4 && std::chrono::steady_clock::now() - started < std::chrono::minutes(10)) {
    long long active = 0;
    db.read([&](soci::session& s) {
      s << "SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND datname = "
           "current_database() AND pid <> pg_backend_pid()",
          soci::into(active);
    });
    quiet = active == 0 ? quiet + 1 : 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void scenario(std::vector<Row>& out, const BenchOptions& o, const std::string& backend,
              const std::string& url, const std::string& csv, long long rows) {
  test::TempDir data;
  // The server creates team 1 and the bench key, then stops: its own import runner would
  // race the one measured here.
  { Child first(o.server, {"serve"}, server_env(url)); }
  out.push_back(import_row(backend, url, data.path(), csv, rows));
  // No event workers: the import's contact.created events would be handled meanwhile and
  // the export would share the cores with them.
  auto env = server_env(url);
  env.emplace_back("SB_EVENT_WORKERS", "0");
  Child server(o.server, {"serve"}, env);
  // Its start-up puts every new contact into the built-in New and Active segments: done
  // first, so the exports neither share the cores with it nor report its memory.
  double settled = server.wait_idle(std::chrono::seconds(600));
  if (backend == "postgresql") settled += wait_pg_idle(url);
  std::cerr << "  server start-up on " << rows << " new contacts: busy " << settled << " s, peak "
            << server.status_mb("VmHWM") << " MB" << std::endl;
  server.reset_peak_rss();
  out.push_back(export_row(backend, server, "csv", rows));
  out.push_back(export_row(backend, server, "ndjson", rows));
}

}  // namespace

std::vector<Row> run_import_scenarios(const BenchOptions& o) {
  std::vector<Row> rows;
  const long long n = rows_wanted();
  test::TempDir dir;
  const std::string csv = dir.path() + "/contacts.csv";
  write_csv(csv, n);
  scenario(rows, o, "sqlite", "sqlite:" + dir.path() + "/bench.db", csv, n);
  if (o.with_pg) {
    test::PgCluster cluster;
    cluster.start(/*durable=*/true);
    test::pg_exec(cluster.url("postgres"), "CREATE DATABASE imports");
    scenario(rows, o, "postgresql", cluster.url("imports"), csv, n);
  }
  return rows;
}

}  // namespace sb::bench
