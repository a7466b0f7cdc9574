// Segment scenarios (issue 9), PostgreSQL only: 1M contacts and 5M messages (plus 300k
// appointments, 100k tickets, 100k leads), then for each automatic segment the live count
// and the first page, and a full membership evaluation of a time-based one. Rows: req/s =
// operations/s; the per-operation time and PostgreSQL's plan shape go to stderr.
#include <soci/soci.h>

#include <chrono>
#include <iostream>

#include "scenarios.h"
#include "store/contact_store.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/segment_store.h"
#include "store/team_store.h"
#include "support/pg_cluster.h"

namespace sb::bench {
namespace {

constexpr long long kContacts = 1000000;
constexpr long long kMessages = 5000000;

// Through libpq directly: the server's sessions cap statements at 30 s.
void load(const std::string& url) {
  auto started = std::chrono::steady_clock::now();
  const std::vector<std::string> statements = {
      // Times spread over ~400 days before now, so New/Active/At risk each hold a share.
      std::string(
          "INSERT INTO contacts (team_id, source, platform, status, name, first_seen, "
          "last_active, created_at, updated_at) SELECT 1, 'api', 'web', 'new', 'c' || g, "
          "now_ms - (g % 400) * 86400000::bigint, now_ms - (g % 97) * 86400000::bigint, 0, 0 FROM "
          "generate_series(1, " +
          std::to_string(kContacts) +
          ") g, (SELECT (extract(epoch FROM now()) * 1000)::bigint AS now_ms) t"),
      std::string(
          "INSERT INTO messages (team_id, agent_id, conversation_id, contact_id, conversation_ref, "
          "external_id, role, text, sent_at, created_at) SELECT 1, 1, g / 5, 1 + (g % " +
          std::to_string(kContacts) +
          "), 'r' || (g / 5), 'm' || g, 'user', 'hello', 0, 0 FROM "
          "generate_series(1, " +
          std::to_string(kMessages) + ") g"),
      std::string(
          "INSERT INTO appointments (team_id, contact_id, service, starts_at, ends_at, time_zone, "
          "status, booked_at, created_at, updated_at) SELECT 1, 1 + (g % 150000), 's', 0, 1, "
          "'UTC', "
          "CASE WHEN g % 10 = 0 THEN 'no_show' ELSE 'completed' END, 0, 0, 0 FROM "
          "generate_series(1, 300000) g"),
      std::string(
          "INSERT INTO tickets (team_id, subject, contact_id, status, priority, created_at, "
          "updated_at) SELECT 1, 't', 1 + (g * 7 % " +
          std::to_string(kContacts) +
          "), CASE WHEN g % 3 = 0 THEN 'open' ELSE 'closed' END, 'normal', 0, 0 FROM "
          "generate_series(1, 100000) g"),
      std::string("INSERT INTO leads (team_id, contact_id, pipeline_id, stage_id, value, currency, "
                  "status, created_at, updated_at) SELECT 1, 1 + (g * 13 % " +
                  std::to_string(kContacts) +
                  "), 1, 1, (g % 50) * 100, 'EUR', 'open', 0, 0 FROM generate_series(1, 100000) g"),
      "ANALYZE"};
  for (const auto& sql : statements) test::pg_exec(url, sql);

  std::cerr << "  loaded 1M contacts, 5M messages, 300k appointments, 100k tickets, 100k leads in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()
            << " s" << std::endl;
}

template <class Fn>
Row timed(const std::string& name, Fn&& fn) {
  auto started = std::chrono::steady_clock::now();
  fn();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Row row{name, "postgresql", 1};
  row.load.requests = 1;
  row.load.seconds = seconds;
  row.load.p50_ms = row.load.p99_ms = seconds * 1000;
  std::cerr << "  " << name << ": " << seconds * 1000 << " ms" << std::endl;
  return row;
}

}  // namespace

std::vector<Row> run_segment_scenarios(const BenchOptions& o) {
  std::vector<Row> rows;
  if (!o.with_pg) return rows;
  test::PgCluster cluster;
  cluster.start(/*durable=*/true);
  test::pg_exec(cluster.url("postgres"), "CREATE DATABASE segments");
  DatabaseOptions opts;
  opts.url = cluster.url("segments");
  Database db(opts);
  migrate(db);
  provision_team(db, "bench", std::nullopt, true);
  load(cluster.url("segments"));
  SegmentStore segments(db.dialect());
  ContactStore contacts(db.dialect());
  auto all = db.read([&](soci::session& s) { return segments.list(s, 1); });
  for (const SegmentInfo& seg : all) {
    long long n = 0;
    rows.push_back(timed("segment " + *seg.builtin + ": count", [&] {
      n = db.read([&](soci::session& s) { return contacts.count(s, 1, seg.rule); });
    }));
    std::cerr << "    count = " << n << std::endl;
    rows.push_back(timed("segment " + *seg.builtin + ": first page (50)", [&] {
      db.read([&](soci::session& s) {
        return contacts.list(s, 1, seg.rule, ContactSort{}, std::nullopt, 50).contacts.size();
      });
    }));
    auto plan = db.read(
        [&](soci::session& s) { return contacts.explain_list(s, 1, seg.rule, ContactSort{}, 50); });
    for (const auto& line : plan) {
      if (line.find("Scan") != std::string::npos || line.find("Join") != std::string::npos) {
        std::cerr << "      plan: " << line << std::endl;
      }
    }
  }
  for (const SegmentInfo& seg : all) {
    if (*seg.builtin != "at_risk") continue;
    MembershipChange change;
    rows.push_back(timed("segment at_risk: full evaluation (first)", [&] {
      change =
          db.write([&](soci::session& s) { return segments.refresh(s, 1, seg, std::nullopt); });
    }));
    std::cerr << "    entered " << change.entered.size() << std::endl;
    rows.push_back(timed("segment at_risk: full evaluation (no change)", [&] {
      change =
          db.write([&](soci::session& s) { return segments.refresh(s, 1, seg, std::nullopt); });
    }));
  }
  return rows;
}

}  // namespace sb::bench
