// Contact scenarios (issue 3): 100k contacts seeded straight into the database, then
// get-by-id and a filtered, sorted list over HTTP on both backends; on PostgreSQL also
// get-by-id at a fixed 1000 req/s (latency under load) and pgbench -S in the same run.
#include <soci/soci.h>

#include <array>
#include <cstdio>
#include <iostream>
#include <memory>
#include <random>
#include <regex>

#include "bench_support.h"
#include "scenarios.h"
#include "store/database.h"
#include "support/pg_cluster.h"
#include "support/test_backend.h"

namespace sb::bench {
namespace {

constexpr int kContacts = 100000;

// Team 1 exists (bootstrapped by the server); its contacts: every 3rd on zalo, every 5th
// tagged vip, last_active spread over time.
void seed(const std::string& url) {
  DatabaseOptions o;
  o.url = url;
  o.pool_size = 1;
  Database db(o);
  bool pg = db.backend() == Backend::kPostgresql;
  std::string series =
      pg ? "generate_series(1, " + std::to_string(kContacts) + ") AS s(g)"
         : "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < " +
               std::to_string(kContacts) + ") SELECT g FROM s)";
  std::string tags = pg ? "CAST(CASE WHEN g % 5 = 0 THEN '[\"vip\"]' ELSE '[]' END AS jsonb)"
                        : "CASE WHEN g % 5 = 0 THEN '[\"vip\"]' ELSE '[]' END";
  db.write([&](soci::session& s) {
    s << "INSERT INTO contacts (team_id, source, platform, external_id, name, email, status, tags, "
         "first_seen, last_active, created_at, updated_at) SELECT 1, 'chat', "
         "CASE WHEN g % 3 = 0 THEN 'zalo' ELSE 'web' END, 'ext-' || g, 'Contact ' || g, "
         "'c' || g || '@example.com', 'new', " +
             tags + ", g, 1700000000000 + g * 1000, g, g FROM " + series;
  });
  db.read([&](soci::session& s) { s << (pg ? "ANALYZE contacts" : "ANALYZE"); });
}

std::vector<std::string> id_paths() {
  std::vector<std::string> paths;
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> id(1, kContacts);
  for (int i = 0; i < 10000; ++i) paths.push_back("/v1/contacts/" + std::to_string(id(rng)));
  return paths;
}

const char* kListPath = "/v1/contacts?platform=zalo&tags.any=vip&sort=-last_active&limit=20";

// pgbench -S (select-only, prepared) on a scale-1 database (100k accounts), same clients.
Row pgbench_row(const test::PgCluster& cluster, const BenchOptions& o) {
  test::pg_exec(cluster.url("postgres"), "CREATE DATABASE pgbench");
  std::string conn = " -h 127.0.0.1 -p " + std::to_string(cluster.port()) + " -U postgres pgbench";
  std::string init = cluster.bin_dir() + "/pgbench -i -s 1 -q" + conn + " >/dev/null 2>&1";
  if (std::system(init.c_str()) != 0) throw std::runtime_error("pgbench -i failed");
  std::string run = cluster.bin_dir() + "/pgbench -S -M prepared -c " + std::to_string(o.clients) +
                    " -j 2 -T " + std::to_string(std::max<long>(1, o.duration.count() / 1000)) +
                    " -r" + conn + " 2>&1";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(run.c_str(), "r"), &pclose);
  std::string out;
  std::array<char, 512> buf;
  while (pipe && std::fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  std::smatch m;
  Row row{"pgbench -S (prepared, 100k rows)", "postgresql", o.clients};
  if (std::regex_search(out, m, std::regex("tps = ([0-9.]+)"))) {
    row.load.seconds = 1;
    row.load.requests = static_cast<std::uint64_t>(std::stod(m[1]));
  }
  if (std::regex_search(out, m, std::regex("latency average = ([0-9.]+) ms")))
    row.load.p50_ms = std::stod(m[1]);
  std::cerr << "  pgbench -S: " << row.load.requests
            << " tps (p50 column: pgbench's average latency)" << std::endl;
  return row;
}

}  // namespace

std::vector<Row> run_contact_scenarios(const BenchOptions& o) {
  std::vector<Row> rows;
  test::TempDir dir;
  auto paths = id_paths();
  auto measure = [&](const std::string& backend, const std::string& url, Row* get_row) {
    Child sb(o.server, {"serve"}, server_env(url));
    seed(url);
    LoadSpec by_id;
    by_id.paths = paths;
    by_id.bearer = kKey;
    Row get = http_row("GET /v1/contacts/{id} (100k)", backend, sb, o, by_id);
    if (get_row) *get_row = get;
    rows.push_back(get);
    LoadSpec list;
    list.path = kListPath;
    list.bearer = kKey;
    rows.push_back(http_row("GET /v1/contacts?platform&tags.any&sort", backend, sb, o, list));
    if (backend == "postgresql") {
      LoadSpec paced = by_id;
      paced.rate_per_s = 1000;
      rows.push_back(http_row("GET /v1/contacts/{id} at 1000 req/s", backend, sb, o, paced));
    }
  };
  measure("sqlite", "sqlite:" + dir.path() + "/contacts.db", nullptr);
  if (o.with_pg) {
    test::PgCluster cluster;
    cluster.start(/*durable=*/true);
    test::pg_exec(cluster.url("postgres"), "CREATE DATABASE contacts");
    Row get_pg;
    measure("postgresql", cluster.url("contacts"), &get_pg);
    Row pgbench = pgbench_row(cluster, o);
    pgbench.ratio = get_pg.load.throughput() / std::max(1.0, pgbench.load.throughput());
    pgbench.reference = "get-by-id(pg) / this";
    rows.push_back(pgbench);
  }
  return rows;
}

}  // namespace sb::bench
