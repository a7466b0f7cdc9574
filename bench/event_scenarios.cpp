// Event bus scenarios (issue 6): events/s from the outbox through the dispatcher to a no-op
// subscriber and to one whose side effect goes through once(), on both backends.
#include <soci/soci.h>

#include <algorithm>
#include <iostream>
#include <mutex>
#include <thread>

#include "bench_support.h"
#include "events/dispatcher.h"
#include "events/segment_subscriber.h"
#include "scenarios.h"
#include "store/contact_store.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/segment_store.h"
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

// Updates a contact per event (score + 1): a realistic subscriber's write.
class ContactUpdater : public Subscriber {
 public:
  explicit ContactUpdater(const Dialect& d) : contacts_(d) {}
  std::string name() const override { return "updater"; }
  std::string pattern() const override { return "*"; }
  Outcome handle(const StoredEvent& e, DeliveryContext& ctx) override {
    ctx.db().write([&](soci::session& s) {
      long long team = e.team_id, id = (e.subject_id.value_or(0) % 1000) + 1;
      s << "UPDATE contacts SET score = score + 1, version = version + 1 WHERE team_id = :t AND id "
           "= :id",
          soci::use(team), soci::use(id);
    });
    return Outcome::ok();
  }

 private:
  ContactStore contacts_;
};

// Records commit-to-handling latency of each event.
class LatencyProbe : public Subscriber {
 public:
  std::string name() const override { return "latency"; }
  std::string pattern() const override { return "lat.*"; }
  Outcome handle(const StoredEvent& e, DeliveryContext&) override {
    std::lock_guard lock(mutex);
    latencies.push_back(static_cast<float>(now_ms() - e.created_at));
    return Outcome::ok();
  }
  std::mutex mutex;
  std::vector<float> latencies;
};

}  // namespace

Row drain_row(const std::string& name, const std::string& url, const SubscriberFactory& make,
              int workers, const DrainEvents& events) {
  DatabaseOptions o;
  o.url = url;
  o.pool_size = 8;
  Database db(o);
  std::shared_ptr<Subscriber> sub = make(db);
  bool pg = db.backend() == Backend::kPostgresql;
  db.write([&](soci::session& s) {
    s << "UPDATE events SET status = 'done' WHERE status = 'pending'";
    std::string series =
        pg ? "generate_series(1, " + std::to_string(kEvents) + ") AS s(g)"
           : "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < " +
                 std::to_string(kEvents) + ") SELECT g FROM s)";
    std::string type = events.type, payload = events.payload;
    int first = events.first_subject;
    s << "INSERT INTO events (team_id, type, subject_type, subject_id, payload, created_at, "
         "available_at) "
         "SELECT 1, :type, 'contact', g % 1000 + :first, :payload, 0, 0 FROM " +
             series,
        soci::use(type), soci::use(first), soci::use(payload);
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

// Events committed one per transaction at a fixed rate while the dispatcher runs; p50/p99
// of the time from commit to handling.
Row latency_row(const std::string& url, double rate, const BenchOptions& o) {
  DatabaseOptions opts;
  opts.url = url;
  opts.pool_size = 8;
  Database db(opts);
  auto probe = std::make_shared<LatencyProbe>();
  Dispatcher dispatcher(db, DispatcherOptions{});
  dispatcher.add(probe);
  db.set_commit_listener([&] { dispatcher.on_events_committed(); });
  dispatcher.start();
  EventStore events(db.dialect());
  auto interval = std::chrono::duration<double>(1.0 / rate);
  auto next = std::chrono::steady_clock::now();
  int total = static_cast<int>(rate * std::max<long>(1, o.duration.count() / 1000));
  for (int i = 0; i < total; ++i) {
    next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
    std::this_thread::sleep_until(next);
    db.write([&](soci::session& s) {
      events.append(
          s, {.team_id = 1, .type = "lat.tick", .subject_type = "contact", .subject_id = i % 100});
    });
  }
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(probe->mutex);
      if (static_cast<int>(probe->latencies.size()) >= total) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  dispatcher.stop();
  db.set_commit_listener(nullptr);
  Row row{"commit -> handling at " + std::to_string(static_cast<int>(rate)) + " events/s",
          db.backend() == Backend::kPostgresql ? "postgresql" : "sqlite", 1};
  auto& l = probe->latencies;
  row.load.requests = l.size();
  row.load.seconds = static_cast<double>(l.size()) / rate;
  std::sort(l.begin(), l.end());
  if (!l.empty()) {
    row.load.p50_ms = l[l.size() / 2];
    row.load.p99_ms = l[std::min(l.size() - 1, l.size() * 99 / 100)];
  }
  std::cerr << "  commit->handling p99 " << row.load.p99_ms << " ms" << std::endl;
  return row;
}

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
    rows.push_back(drain_row(
        "events -> no-op subscriber (20k)", url, [](Database&) { return std::make_shared<NoOp>(); },
        2));
    rows.push_back(drain_row(
        "events -> once() effect (20k)", url, [](Database&) { return std::make_shared<Effect>(); },
        2));
    {
      DatabaseOptions opts;
      opts.url = url;
      Database db(opts);
      db.write([&](soci::session& s) {
        bool pg = db.backend() == Backend::kPostgresql;
        s << std::string(
                 "INSERT INTO contacts (team_id, source, platform, status, first_seen, "
                 "last_active, created_at, "
                 "updated_at) SELECT 1, 'api', 'web', 'new', 0, 0, 0, 0 FROM ") +
                 (pg ? "generate_series(1, 1000)"
                     : "(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < "
                       "1000) SELECT g FROM s)");
      });
      rows.push_back(drain_row(
          "events -> contact update (20k)", url,
          [](Database& d) { return std::make_shared<ContactUpdater>(d.dialect()); }, 2));
      rows.push_back(drain_row(
          "events -> contact update, 8 workers", url,
          [](Database& d) { return std::make_shared<ContactUpdater>(d.dialect()); }, 8));
      // The segments subscriber on the team's six automatic segments, for contact.updated
      // events of a typical edit (name and tags): rules that read neither are not evaluated.
      db.write([&](soci::session& s) { SegmentStore(db.dialect()).ensure_builtin(s, 1); });
      rows.push_back(drain_row(
          "events -> segments, contact.updated (20k)", url,
          [](Database&) { return std::make_shared<SegmentSubscriber>(); }, 2,
          {.type = "contact.updated",
           .payload = R"({"changes":{"name":{"old":"A","new":"B"},"tags":{"old":[],"new":["x"]}}})",
           .first_subject = 1}));
    }
    rows.push_back(latency_row(url, 1000, o));
  }
  return rows;
}

}  // namespace sb::bench
