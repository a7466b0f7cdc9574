// Event bus scenarios (issue 6): events/s from the outbox through the dispatcher to a no-op
// subscriber and to one whose side effect goes through once(), on both backends.
#include <soci/soci.h>

#include <iostream>
#include <thread>

#include "bench_support.h"
#include "events/dispatcher.h"
#include "scenarios.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/team_store.h"
#include "support/pg_cluster.h"
#include "support/test_backend.h"

namespace sb::bench {
namespace {

constexpr int kEvents = 20000;

class NoOp : public Subscriber {
 public:
  std::string name() const override { return "noop"; }
  std::string pattern() const override { return "*"; }
  Outcome handle(const StoredEvent&, DeliveryContext&) override { return Outcome::ok(); }
};

class Effect : public Subscriber {
 public:
  std::string name() const override { return "effect"; }
  std::string pattern() const override { return "*"; }
  Outcome handle(const StoredEvent& e, DeliveryContext& ctx) override {
    ctx.once(std::to_string(e.id), [](soci::session&) {});
    return Outcome::ok();
  }
};

Row drain_row(const std::string& name, const std::string& url, std::shared_ptr<Subscriber> sub,
              int workers) {
  DatabaseOptions o;
  o.url = url;
  o.pool_size = 8;
  Database db(o);
  bool pg = db.backend() == Backend::kPostgresql;
  db.write([&](soci::session& s) {
    s << "UPDATE events SET status = 'done' WHERE status = 'pending'";
    std::string series =
        pg ? "generate_series(1, " + std::to_string(kEvents) + ") AS s(g)"
           : "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < " +
                 std::to_string(kEvents) + ") SELECT g FROM s)";
    s << "INSERT INTO events (team_id, type, subject_type, subject_id, payload, created_at, "
         "available_at) "
         "SELECT 1, 'bench.tick', 'contact', g % 1000, '{}', 0, 0 FROM " +
             series;
  });
  DispatcherOptions d;
  d.workers = workers;
  Dispatcher dispatcher(db, d);
  dispatcher.add(std::move(sub));
  auto started = std::chrono::steady_clock::now();
  dispatcher.start();
  long long pending = 1;
  while (pending > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    db.read([&](soci::session& s) {
      s << "SELECT COUNT(*) FROM events WHERE status = 'pending'", soci::into(pending);
    });
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  dispatcher.stop();
  Row row{name, pg ? "postgresql" : "sqlite", workers};
  row.load.requests = kEvents;
  row.load.seconds = seconds;
  std::cerr << "  " << name << ": " << static_cast<long>(kEvents / seconds) << " events/s"
            << std::endl;
  return row;
}

}  // namespace

std::vector<Row> run_event_scenarios(const BenchOptions& o) {
  std::vector<Row> rows;
  test::TempDir dir;
  auto prepare = [](const std::string& url) {
    DatabaseOptions opts;
    opts.url = url;
    Database db(opts);
    migrate(db);
    provision_team(db, "bench", std::nullopt, true);
  };
  std::vector<std::string> urls = {"sqlite:" + dir.path() + "/events.db"};
  std::unique_ptr<test::PgCluster> cluster;
  if (o.with_pg) {
    cluster = std::make_unique<test::PgCluster>();
    cluster->start(/*durable=*/true);
    test::pg_exec(cluster->url("postgres"), "CREATE DATABASE events");
    urls.push_back(cluster->url("events"));
  }
  for (const auto& url : urls) {
    prepare(url);
    rows.push_back(drain_row("events -> no-op subscriber (20k)", url, std::make_shared<NoOp>(), 2));
    rows.push_back(drain_row("events -> once() effect (20k)", url, std::make_shared<Effect>(), 2));
  }
  return rows;
}

}  // namespace sb::bench
