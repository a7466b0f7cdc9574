// HTTP overhead scenarios (issue 2): trivial Poco handler vs /health and /v1/me on both
// backends, plus the raw PostgreSQL lookup that /v1/me's authentication performs.
#include "bench_support.h"
#include "scenarios.h"

#include <libpq-fe.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>

#include "support/pg_cluster.h"
#include "support/test_backend.h"

namespace sb::bench {
namespace {

Row simple_row(const std::string& name, const std::string& backend, const Child& child,
               const BenchOptions& o, const std::string& path, const std::string& bearer) {
  LoadSpec spec;
  spec.path = path;
  spec.bearer = bearer;
  return http_row(name, backend, child, o, spec);
}

// The query /v1/me's authentication runs, straight through libpq with a prepared
// statement: what PostgreSQL itself can do on this machine, in the same run.
Row raw_pg_row(const std::string& url, const BenchOptions& o) {
  using Clock = std::chrono::steady_clock;
  std::atomic<bool> stop{false}, measuring{false};
  std::vector<std::vector<float>> lat(static_cast<std::size_t>(o.clients));
  std::atomic<std::uint64_t> errors{0};
  std::string hash;
  {
    std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(url.c_str()), &PQfinish);
    std::unique_ptr<PGresult, decltype(&PQclear)> r(
        PQexec(c.get(), "SELECT key_hash FROM api_keys LIMIT 1"), &PQclear);
    if (PQntuples(r.get()) != 1) throw std::runtime_error("no api key to look up");
    hash = PQgetvalue(r.get(), 0, 0);
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < o.clients; ++i) {
    threads.emplace_back([&, i] {
      std::unique_ptr<PGconn, decltype(&PQfinish)> c(PQconnectdb(url.c_str()), &PQfinish);
      PQclear(PQprepare(
          c.get(), "auth",
          "SELECT team_id, id, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL", 1,
          nullptr));
      const char* params[] = {hash.c_str()};
      auto& l = lat[static_cast<std::size_t>(i)];
      l.reserve(200000);
      while (!stop) {
        auto t0 = Clock::now();
        PGresult* r = PQexecPrepared(c.get(), "auth", 1, params, nullptr, nullptr, 0);
        bool ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
        PQclear(r);
        auto t1 = Clock::now();
        if (!measuring) continue;
        if (!ok) errors.fetch_add(1);
        l.push_back(std::chrono::duration<float, std::milli>(t1 - t0).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  measuring = true;
  auto started = Clock::now();
  std::this_thread::sleep_for(o.duration);
  stop = true;
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  for (auto& t : threads) t.join();
  std::vector<float> all;
  for (auto& l : lat) all.insert(all.end(), l.begin(), l.end());
  Row row{"raw PostgreSQL: auth lookup (libpq)", "postgresql", o.clients};
  row.load.requests = all.size();
  row.load.errors = errors;
  row.load.seconds = seconds;
  std::sort(all.begin(), all.end());
  if (!all.empty()) {
    row.load.p50_ms = all[all.size() / 2];
    row.load.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  std::cerr << "  raw PostgreSQL: " << static_cast<long>(row.load.throughput()) << " q/s"
            << std::endl;
  return row;
}

}  // namespace

std::vector<Row> run_http_scenarios(const BenchOptions& o) {
  std::vector<Row> rows;
  test::TempDir dir;

  Row trivial;
  {
    Child base(o.baseline, {}, {});
    trivial = simple_row("GET / trivial Poco handler", "-", base, o, "/", "");
  }
  rows.push_back(trivial);
  auto relative = [&](Row row) {
    row.ratio = row.load.throughput() / trivial.load.throughput();
    row.reference = "trivial handler";
    return row;
  };

  {
    Child sb(o.server, {"serve"}, server_env("sqlite:" + dir.path() + "/bench.db"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    Row idle{"idle server (after start-up)", "sqlite", 0};
    idle.peak_rss_mb = sb.status_mb("VmRSS");
    rows.push_back(idle);
    rows.push_back(relative(simple_row("GET /health", "sqlite", sb, o, "/health", "")));
    rows.push_back(
        relative(simple_row("GET /v1/me (auth + JSON)", "sqlite", sb, o, "/v1/me", kKey)));
  }
  {
    Child sb(o.server, {"serve"}, server_env("sqlite:" + dir.path() + "/bench.db", false));
    rows.push_back(
        relative(simple_row("GET /v1/me, no auth cache", "sqlite", sb, o, "/v1/me", kKey)));
  }

  if (o.with_pg) {
    test::PgCluster cluster;
    cluster.start(/*durable=*/true);
    test::pg_exec(cluster.url("postgres"), "CREATE DATABASE bench");
    std::string url = cluster.url("bench");
    Row me_pg;
    {
      Child sb(o.server, {"serve"}, server_env(url));
      rows.push_back(relative(simple_row("GET /health", "postgresql", sb, o, "/health", "")));
      me_pg = relative(simple_row("GET /v1/me (auth + JSON)", "postgresql", sb, o, "/v1/me", kKey));
      rows.push_back(me_pg);
    }
    {
      Child sb(o.server, {"serve"}, server_env(url, false));
      me_pg =
          relative(simple_row("GET /v1/me, no auth cache", "postgresql", sb, o, "/v1/me", kKey));
      rows.push_back(me_pg);
    }
    Row raw = raw_pg_row(url, o);
    raw.ratio = me_pg.load.throughput() / raw.load.throughput();
    raw.reference = "/v1/me no cache (pg) / this";
    rows.push_back(raw);
  }
  return rows;
}

}  // namespace sb::bench
