// Chat ingestion (issue 5): POST /v1/agents/{id}/messages over HTTP with 8 and 32 clients,
// single messages and batches of 50, on SQLite and PostgreSQL; and pgbench running a
// single-row INSERT script against the same PostgreSQL with the same client counts. The
// "req/s" column of ingest rows counts messages (a batch counts 50); p99 is per request.
#include <array>
#include <iostream>
#include <memory>
#include <regex>
#include <stdexcept>

#include "bench_support.h"
#include "scenarios.h"
#include "support/http_client.h"
#include "support/pg_cluster.h"
#include "support/test_backend.h"

namespace sb::bench {
namespace {

constexpr int kUsersPerClient = 50;  // returning customers: most messages find their contact

std::string message(int client, std::uint64_t n, std::uint64_t k) {
  std::string c = std::to_string(client), user = std::to_string(n % kUsersPerClient);
  return R"({"id":"m)" + c + "-" + std::to_string(n) + "-" + std::to_string(k) +
         R"(","conversation_id":"c)" + c + "-" + user + R"(","platform":"web","user_id":"u)" + c +
         "-" + user + R"(","text":"Hi again, what is the price of a double room for two nights?"})";
}

long long create_agent(int port) {
  test::HttpClient http(port);
  http.set_key(kKey);
  auto r = http.post("/v1/agents", R"({"name":"Bench bot","platforms":["web"]})");
  if (r.status != 201) throw std::runtime_error("cannot create the bench agent: " + r.body);
  return r.json()->getValue<long long>("id");
}

void ingest_rows(const std::string& backend, const std::string& url, const BenchOptions& o,
                 std::vector<Row>& rows, std::map<std::string, double>& single_pg) {
  Child sb(o.server, {"serve"}, server_env(url));
  long long agent = create_agent(sb.port());
  std::string path = "/v1/agents/" + std::to_string(agent) + "/messages";
  // Each scenario gets its own id space so no message is a re-post.
  int run = 0;
  for (int clients : {8, 32}) {
    for (int batch : {1, 50}) {
      ++run;
      LoadSpec spec;
      spec.path = path;
      spec.bearer = kKey;
      spec.clients = clients;
      spec.body = [batch, run](int client, std::uint64_t n) {
        int id = client + 1000 * run;
        if (batch == 1) return message(id, n, 0);
        std::string body = "[";
        for (int k = 0; k < batch; ++k)
          body += (k ? "," : "") + message(id, n, static_cast<std::uint64_t>(k));
        return body + "]";
      };
      BenchOptions with = o;
      with.clients = clients;
      std::string name =
          batch == 1 ? "ingest messages/s: single message" : "ingest messages/s: batches of 50";
      Row row = http_row(name, backend, sb, with, spec);
      row.load.requests *= static_cast<std::uint64_t>(batch);
      if (backend == "postgresql" && batch == 1)
        single_pg[std::to_string(clients)] = row.load.throughput();
      if (backend == "postgresql" && batch == 50)
        single_pg["b" + std::to_string(clients)] = row.load.throughput();
      rows.push_back(row);
    }
  }
}

// pgbench with a one-statement INSERT script: durable single-row inserts/s.
Row pgbench_insert_row(const test::PgCluster& cluster, const BenchOptions& o, int clients,
                       const std::string& dir) {
  std::string conn = " -h 127.0.0.1 -p " + std::to_string(cluster.port()) + " -U postgres pgbench";
  std::string script = dir + "/insert.sql";
  {
    std::unique_ptr<FILE, decltype(&fclose)> f(std::fopen(script.c_str(), "w"), &fclose);
    std::fputs(
        "\\set aid random(1, 100000)\n"
        "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
        "VALUES (1, 1, :aid, 1, now());\n",
        f.get());
  }
  std::string run = cluster.bin_dir() + "/pgbench -n -M prepared -f " + script + " -c " +
                    std::to_string(clients) + " -j 2 -T " +
                    std::to_string(std::max<long>(1, o.duration.count() / 1000)) + conn + " 2>&1";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(run.c_str(), "r"), &pclose);
  std::string out;
  std::array<char, 512> buf;
  while (pipe && std::fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  Row row{"pgbench single-row INSERT", "postgresql", clients};
  std::smatch m;
  if (std::regex_search(out, m, std::regex("tps = ([0-9.]+)"))) {
    row.load.seconds = 1;
    row.load.requests = static_cast<std::uint64_t>(std::stod(m[1]));
  }
  if (std::regex_search(out, m, std::regex("latency average = ([0-9.]+) ms")))
    row.load.p50_ms = std::stod(m[1]);
  std::cerr << "  pgbench insert (" << clients << " clients): " << row.load.requests << " tps"
            << std::endl;
  return row;
}

}  // namespace

std::vector<Row> run_capture_scenarios(const BenchOptions& o) {
  std::vector<Row> rows;
  test::TempDir dir;
  std::map<std::string, double> pg;
  ingest_rows("sqlite", "sqlite:" + dir.path() + "/capture.db", o, rows, pg);
  if (!o.with_pg) return rows;
  test::PgCluster cluster;
  cluster.start(/*durable=*/true);
  test::pg_exec(cluster.url("postgres"), "CREATE DATABASE capture");
  ingest_rows("postgresql", cluster.url("capture"), o, rows, pg);
  test::pg_exec(cluster.url("postgres"), "CREATE DATABASE pgbench");
  std::string conn = " -h 127.0.0.1 -p " + std::to_string(cluster.port()) + " -U postgres pgbench";
  std::string init = cluster.bin_dir() + "/pgbench -i -s 1 -q" + conn + " >/dev/null 2>&1";
  if (std::system(init.c_str()) != 0) throw std::runtime_error("pgbench -i failed");
  for (int clients : {8, 32}) {
    Row raw = pgbench_insert_row(cluster, o, clients, dir.path());
    double tps = std::max(1.0, raw.load.throughput());
    raw.ratio = pg[std::to_string(clients)] / tps;
    raw.reference = "ingest single (pg) / this";
    rows.push_back(raw);
    Row batched = raw;
    batched.scenario = "pgbench single-row INSERT (vs batches)";
    batched.ratio = pg["b" + std::to_string(clients)] / tps;
    batched.reference = "ingest batches of 50 (pg) / this";
    rows.push_back(batched);
  }
  return rows;
}

}  // namespace sb::bench
