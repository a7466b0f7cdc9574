// Webhook subscriptions (issue 32): deliveries per second from the bus to a loopback
// receiver (2 workers), and the time from an event's commit to its delivery at a steady
// 200 events/s, on both backends. The receiver is the tests' HTTP stub: it answers 200 at
// once, so the rows measure the server's side.
#include <soci/soci.h>

#include <algorithm>
#include <iostream>
#include <thread>

#include "bench_support.h"
#include "channels/address_guard.h"
#include "channels/messenger.h"
#include "channels/webhook_delivery.h"
#include "events/dispatcher.h"
#include "model/standard_webhooks.h"
#include "scenarios.h"
#include "store/database.h"
#include "store/event_store.h"
#include "store/migrations.h"
#include "store/team_store.h"
#include "store/webhook_store.h"
#include "support/http_stub.h"
#include "support/pg_cluster.h"
#include "support/test_backend.h"

namespace sb::bench {
namespace {

constexpr int kDeliveries = 5000;

long long count(Database& db, const std::string& sql) {
  long long n = 0;
  db.read([&](soci::session& s) { s << sql, soci::into(n); });
  return n;
}

// A database with one team subscribed to contact.created at the receiver.
void prepare(Database& db, const std::string& receiver) {
  migrate(db);
  provision_team(db, "bench", std::nullopt, true);
  WebhookSubscription sub;
  sub.team_id = 1;
  sub.url = receiver + "/in";
  sub.events = {"contact.created"};
  sub.secret = new_webhook_secret();
  db.write([&](soci::session& s) { WebhookStore(db.dialect()).create(s, sub); });
}

struct Deliverer {
  channels::Messenger messenger;
  Dispatcher dispatcher;
  Deliverer(Database& db, int workers)
      : messenger(db,
                  channels::MessengerOptions{
                      .webhook_allow_private = {channels::parse_address_range("127.0.0.1")}},
                  nullptr),
        dispatcher(db, DispatcherOptions{.workers = workers}) {
    dispatcher.add(std::make_shared<channels::WebhookDeliverer>(messenger, db));
    db.set_commit_listener([this] { dispatcher.on_events_committed(); });
  }
};

Row throughput_row(const std::string& url, const std::string& receiver) {
  Database db(DatabaseOptions{.url = url, .pool_size = 8});
  prepare(db, receiver);
  const bool pg = db.backend() == Backend::kPostgresql;
  db.write([&](soci::session& s) {
    std::string series =
        pg ? "generate_series(1, " + std::to_string(kDeliveries) + ") AS s(g)"
           : "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < " +
                 std::to_string(kDeliveries) + ") SELECT g FROM s)";
    s << "UPDATE events SET status = 'done' WHERE status = 'pending'";
    s << "INSERT INTO events (team_id, type, subject_type, subject_id, payload, created_at, "
         "available_at) SELECT 1, 'contact.created', 'contact', g, '{\"id\":1}', 0, 0 FROM " +
             series;
  });
  Deliverer d(db, 2);
  auto started = std::chrono::steady_clock::now();
  d.dispatcher.start();
  for (int i = 0; i < 6000; ++i) {  // at most 5 minutes
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (count(db, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'") >=
        kDeliveries)
      break;
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  d.dispatcher.stop();
  db.set_commit_listener(nullptr);
  Row row{"webhooks: events -> deliveries (5k, 2 workers)", pg ? "postgresql" : "sqlite", 2};
  row.load.requests =
      count(db, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'");
  row.load.errors = kDeliveries - row.load.requests;
  row.load.seconds = seconds;
  std::cerr << "  webhooks: " << static_cast<long>(row.load.throughput()) << " deliveries/s"
            << std::endl;
  return row;
}

Row latency_row(const std::string& url, const std::string& receiver, const BenchOptions& o) {
  Database db(DatabaseOptions{.url = url, .pool_size = 8});
  prepare(db, receiver);
  db.write([&](soci::session& s) {
    s << "UPDATE events SET status = 'done' WHERE status = 'pending'";
    s << "DELETE FROM webhook_deliveries";
  });
  Deliverer d(db, 2);
  d.dispatcher.start();
  const double rate = 200;
  const int total = static_cast<int>(rate * std::max<long>(1, o.duration.count() / 1000));
  EventStore events(db.dialect());
  auto next = std::chrono::steady_clock::now();
  for (int i = 0; i < total; ++i) {
    next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / rate));
    std::this_thread::sleep_until(next);
    db.write([&](soci::session& s) {
      events.append(s, {.team_id = 1,
                        .type = "contact.created",
                        .subject_type = "contact",
                        .subject_id = i % 500 + 1,
                        .payload_json = "{\"id\":1}"});
    });
  }
  for (int i = 0; i < 400; ++i) {
    if (count(db, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'delivered'") >= total)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  d.dispatcher.stop();
  db.set_commit_listener(nullptr);
  // Commit (the event's created_at) to the delivery's record of the receiver's answer.
  std::vector<long long> waits(static_cast<std::size_t>(total) + 1);
  db.read([&](soci::session& s) {
    s << "SELECT d.delivered_at - e.created_at FROM webhook_deliveries d JOIN events e ON e.id = "
         "d.event_id WHERE d.status = 'delivered'",
        soci::into(waits);
    return 0;
  });
  std::vector<float> l(waits.begin(), waits.end());
  Row row{"webhooks: commit -> delivered at 200 events/s",
          db.backend() == Backend::kPostgresql ? "postgresql" : "sqlite", 2};
  std::sort(l.begin(), l.end());
  row.load.requests = l.size();
  row.load.errors = total - static_cast<long long>(l.size());
  row.load.seconds = static_cast<double>(total) / rate;
  if (!l.empty()) {
    row.load.p50_ms = l[l.size() / 2];
    row.load.p99_ms = l[std::min(l.size() - 1, l.size() * 99 / 100)];
  }
  std::cerr << "  webhooks: commit->delivered p99 " << row.load.p99_ms << " ms" << std::endl;
  return row;
}

}  // namespace

std::vector<Row> run_webhook_scenarios(const BenchOptions& o) {
  std::vector<Row> rows;
  test::HttpStub receiver;
  test::TempDir dir;
  std::vector<std::pair<std::string, std::string>> urls = {
      {"sqlite:" + dir.path() + "/hooks.db", "sqlite:" + dir.path() + "/hooks-latency.db"}};
  std::unique_ptr<test::PgCluster> cluster;
  if (o.with_pg) {
    cluster = std::make_unique<test::PgCluster>();
    cluster->start(/*durable=*/true);
    test::pg_exec(cluster->url("postgres"), "CREATE DATABASE hooks");
    test::pg_exec(cluster->url("postgres"), "CREATE DATABASE hooks_latency");
    urls.emplace_back(cluster->url("hooks"), cluster->url("hooks_latency"));
  }
  for (const auto& [throughput_url, latency_url] : urls) {
    rows.push_back(throughput_row(throughput_url, receiver.url()));
    rows.push_back(latency_row(latency_url, receiver.url(), o));
  }
  return rows;
}

}  // namespace sb::bench
