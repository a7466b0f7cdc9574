// Lua workflow scenarios (issue 7): a no-op handler and a round-robin assignment, run in
// process (the engine alone; the runner's transaction + run log on the calling thread) and
// end to end through the dispatcher, on both backends.
#include <soci/soci.h>

#include <iostream>

#include "bench_support.h"
#include "scenarios.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/team_store.h"
#include "store/workflow_store.h"
#include "support/pg_cluster.h"
#include "support/test_backend.h"
#include "workflows/workflow_runner.h"

namespace sb::bench {
namespace {

constexpr const char* kNoOp = "on('bench.tick', function(e) end)\n";
// Subjects of bench.tick run 0..999; the contacts 1..1000. force: every run writes.
constexpr const char* kRoundRobin =
    "on('bench.tick', function(e)\n"
    "  crm.assign(e.event.subject_id + 1, { strategy = 'round_robin', group = 'sales', force = "
    "true })\n"
    "end)\n";

std::string backend_name(const Database& db) {
  return db.backend() == Backend::kPostgresql ? "postgresql" : "sqlite";
}

void prepare(const std::string& url) {
  DatabaseOptions opts;
  opts.url = url;
  Database db(opts);
  migrate(db);
  provision_team(db, "bench", std::nullopt, true);
  bool pg = db.backend() == Backend::kPostgresql;
  db.write([&](soci::session& s) {
    s << std::string(
             "INSERT INTO contacts (team_id, source, platform, status, first_seen, last_active, "
             "created_at, updated_at) SELECT 1, 'api', 'web', 'new', 0, 0, 0, 0 FROM ") +
             (pg ? "generate_series(1, 1000)"
                 : "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < "
                   "1000) SELECT g FROM s)");
    for (int i = 1; i <= 3; ++i) {
      s << "INSERT INTO users (team_id, name, email, role, created_at, updated_at) VALUES (1, "
           "'agent', 'agent" +
               std::to_string(i) + "@bench.io', 'agent', 0, 0)";
    }
    s << std::string(
             "INSERT INTO user_groups (team_id, name, members, created_at, updated_at) "
             "SELECT 1, 'sales', ('[' || ") +
             (pg ? "string_agg(id::text, ',') || ']')::jsonb" : "group_concat(id, ',') || ']')") +
             ", 0, 0 FROM users WHERE team_id = 1";
  });
}

// Replaces the team's workflows with one whose source is `source`.
void install(Database& db, const std::string& source) {
  WorkflowStore store(db.dialect());
  db.write([&](soci::session& s) {
    for (const auto& w : store.list(s, 1)) store.remove(s, 1, w.id);
    WorkflowRow row;
    row.team_id = 1;
    row.name = "bench";
    row.source = source;
    store.create(s, row);
  });
}

// A registry and runner on `db`, kept alive with the subscriber the dispatcher holds.
struct WorkflowSubscriber : Subscriber {
  explicit WorkflowSubscriber(Database& db) : registry(db, ""), runner(db, registry) {
    registry.refresh(true);
  }
  std::string name() const override { return runner.name(); }
  std::string pattern() const override { return runner.pattern(); }
  Outcome handle(const StoredEvent& e, DeliveryContext& ctx) override {
    return runner.handle(e, ctx);
  }
  wf::WorkflowRegistry registry;
  wf::WorkflowRunner runner;
};

StoredEvent tick(std::int64_t id) {
  StoredEvent e;
  e.team_id = 1;
  e.id = id;
  e.type = "bench.tick";
  e.subject_type = "contact";
  e.subject_id = id % 1000;
  e.payload_json = "{}";
  e.status = "pending";
  return e;
}

// The engine alone: compile once, then call the handler `runs` times on this thread.
Row engine_row(const std::string& url, int runs) {
  DatabaseOptions opts;
  opts.url = url;
  Database db(opts);
  wf::RunServices services(db.dialect());
  wf::WorkflowDef def;
  def.team_id = 1;
  def.id = 1;
  def.name = "noop";
  def.version = 1;
  def.source = kNoOp;
  wf::WorkflowEngine engine;
  engine.inspect(def);
  const std::string event = "{\"type\":\"bench.tick\",\"event\":{\"id\":1}}";
  double seconds = db.read([&](soci::session& s) {
    wf::RunContext warm(services, s, def, 1, false);
    engine.run(def, 0, event, warm);
    auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < runs; ++i) {
      wf::RunContext ctx(services, s, def, i, false);
      auto r = engine.run(def, 0, event, ctx);
      if (r.outcome != "ok") throw std::runtime_error("no-op run failed: " + r.error);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  });
  Row row{"workflow no-op: engine run (in-process)", "-", 1};
  row.load.requests = static_cast<std::uint64_t>(runs);
  row.load.seconds = seconds;
  std::cerr << "  engine no-op: " << seconds * 1e6 / runs << " us/run" << std::endl;
  return row;
}

// WorkflowRunner::deliver on this thread: transaction, savepoint, effect key, run-log row.
Row deliver_row(const std::string& name, const std::string& url, const std::string& source,
                int events) {
  DatabaseOptions opts;
  opts.url = url;
  Database db(opts);
  install(db, source);
  WorkflowSubscriber w(db);
  std::int64_t base = 1'000'000'000 + now_ms() % 1'000'000 * 1000;  // fresh effect keys
  w.runner.deliver(tick(base));
  auto started = std::chrono::steady_clock::now();
  for (int i = 1; i <= events; ++i) {
    Outcome out = w.runner.deliver(tick(base + i));
    if (out.result != HandleResult::kOk) throw std::runtime_error(name + ": " + out.reason);
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Row row{name, backend_name(db), 1};
  row.load.requests = static_cast<std::uint64_t>(events);
  row.load.seconds = seconds;
  std::cerr << "  " << name << " (" << row.backend << "): " << seconds * 1e6 / events << " us/event"
            << std::endl;
  return row;
}

}  // namespace

std::vector<Row> run_workflow_scenarios(const BenchOptions& o) {
  std::vector<Row> rows;
  test::TempDir dir;
  std::vector<std::string> urls = {"sqlite:" + dir.path() + "/workflows.db"};
  std::unique_ptr<test::PgCluster> cluster;
  if (o.with_pg) {
    cluster = std::make_unique<test::PgCluster>();
    cluster->start(/*durable=*/true);
    test::pg_exec(cluster->url("postgres"), "CREATE DATABASE workflows");
    urls.push_back(cluster->url("workflows"));
  }
  rows.push_back(engine_row(urls.front(), 200000));
  auto through_bus = [](Database& db) { return std::make_shared<WorkflowSubscriber>(db); };
  for (const auto& url : urls) {
    prepare(url);
    rows.push_back(deliver_row("workflow no-op: deliver (in-process, tx)", url, kNoOp, 5000));
    rows.push_back(
        deliver_row("workflow round-robin: deliver (in-process)", url, kRoundRobin, 5000));
    {
      DatabaseOptions opts;
      opts.url = url;
      Database db(opts);
      install(db, kNoOp);
    }
    rows.push_back(drain_row("workflow no-op: events via bus (20k)", url, through_bus, 2));
    {
      DatabaseOptions opts;
      opts.url = url;
      Database db(opts);
      install(db, kRoundRobin);
    }
    rows.push_back(drain_row("workflow round-robin: events via bus", url, through_bus, 2));
    rows.push_back(drain_row("workflow round-robin: bus, 8 workers", url, through_bus, 8));
  }
  return rows;
}

}  // namespace sb::bench
