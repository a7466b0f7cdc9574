// Campaign scenarios (issue 10): a 100k-recipient email campaign sent by the campaign
// runner into a local SMTP sink (the tests' aiosmtpd server, counting only), on SQLite and
// PostgreSQL (durable), against the sink's own limit measured in the same run by a bare client loop
// (the SMTP transport alone, same connection count, same message size). Peak RSS is this process's
// high-water mark during the campaign (reset before it starts).
#include <soci/soci.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include "bench_support.h"
#include "campaigns/campaign_runner.h"
#include "channels/messenger.h"
#include "channels/mime_message.h"
#include "scenarios.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/team_store.h"
#include "support/pg_cluster.h"
#include "support/smtp_sink.h"
#include "support/test_backend.h"

namespace sb::bench {
namespace {

constexpr int kRecipients = 100000;
const int kWorkers =
    std::getenv("SB_BENCH_SMTP_WORKERS") ? std::atoi(std::getenv("SB_BENCH_SMTP_WORKERS")) : 8;

// The sink's own limit: the transport alone, kWorkers threads, messages like the campaign's.
Row bare_loop(int port) {
  channels::SmtpTransport smtp(channels::parse_smtp_url(
      "smtp://127.0.0.1:" + std::to_string(port) + "?connections=" + std::to_string(kWorkers)));
  channels::EmailContent e;
  e.from_address = "news@bench.test";
  e.to_address = "c1@bench.test";
  e.subject = "Hi c1, our spring offer";
  e.text = "Hello c1, code SPRING";
  e.html = "<p>Hello c1, code SPRING</p><a href=\"https://shop.test/offer\">Shop</a>";
  const std::string mime = channels::build_mime(e, now_ms(), "bench1");
  const int total = kRecipients / 2;
  std::atomic<int> next{0}, errors{0};
  auto started = std::chrono::steady_clock::now();
  std::vector<std::jthread> pool;
  for (int w = 0; w < kWorkers; ++w) {
    pool.emplace_back([&] {
      while (next++ < total) {
        if (smtp.send("news@bench.test", "c1@bench.test", mime).kind !=
            channels::SendOutcome::Kind::kSent) {
          ++errors;
        }
      }
    });
  }
  pool.clear();
  Row row{"smtp sink limit: bare client loop", "-", kWorkers};
  row.load.requests = static_cast<std::uint64_t>(total);
  row.load.errors = static_cast<std::uint64_t>(errors.load());
  row.load.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return row;
}

Row campaign(const std::string& backend, const std::string& url, int port, double sink_limit) {
  DatabaseOptions opts;
  opts.url = url;
  opts.pool_size = kWorkers + 4;
  Database db(opts);
  migrate(db);
  auto team = provision_team(db, "bench", std::nullopt, true);
  const long long team_id = team ? team->team.id : 1;
  const std::string series =
      db.dialect().backend() == Backend::kPostgresql
          ? "SELECT g FROM generate_series(1, " + std::to_string(kRecipients) + ") g"
          : "WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < " +
                std::to_string(kRecipients) + ") SELECT g FROM s";
  db.write([&](soci::session& s) {
    s << "INSERT INTO contacts (team_id, source, platform, status, name, email, first_seen, "
         "last_active, created_at, updated_at) SELECT " +
             std::to_string(team_id) +
             ", 'api', 'web', 'new', 'c' || g, 'c' || g || '@bench.test', 0, 0, 0, 0 FROM (" +
             series + ") x";
    long long now = now_ms();
    s << "INSERT INTO message_templates (team_id, name, channel, subject, html, text, "
         "created_at, updated_at) VALUES (:t, 'offer', 'email', 'Hi {{contact.name}}, our spring "
         "offer', '<p>Hello {{contact.name}}, code SPRING</p><a "
         "href=\"https://shop.test/offer\">Shop</a>', 'Hello {{contact.name}}, code SPRING', :n, "
         ":n2)",
        soci::use(team_id, "t"), soci::use(now, "n"), soci::use(now, "n2");
    s << "INSERT INTO campaigns (team_id, name, channel, template_id, filter, status, "
         "created_at, updated_at) SELECT :t, 'spring', 'email', id, '{}', 'scheduled', :n, :n2 "
         "FROM message_templates WHERE team_id = :t2",
        soci::use(team_id, "t"), soci::use(now, "n"), soci::use(now, "n2"),
        soci::use(team_id, "t2");
  });
  channels::MessengerOptions mo;
  mo.smtp_url =
      "smtp://127.0.0.1:" + std::to_string(port) + "?connections=" + std::to_string(kWorkers);
  mo.public_url = "https://crm.bench.test";
  channels::Messenger messenger(db, mo, nullptr);
  campaigns::CampaignOptions co;
  co.workers = kWorkers;
  campaigns::CampaignRunner runner(db, messenger, co);
  reset_self_peak_rss();
  auto started = std::chrono::steady_clock::now();
  runner.run_due();  // materialise, then send to the end
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  long long sent = 0;
  db.read([&](soci::session& s) {
    s << "SELECT COUNT(*) FROM campaign_recipients WHERE status = 'sent'", soci::into(sent);
  });
  Row row{"campaign 100k recipients (email, tracked)", backend, kWorkers};
  row.load.requests = static_cast<std::uint64_t>(sent);
  row.load.errors = static_cast<std::uint64_t>(kRecipients - sent);
  row.load.seconds = seconds;
  row.peak_rss_mb = self_peak_rss_mb();
  row.ratio = sink_limit > 0 ? row.load.throughput() / sink_limit : 0;
  row.reference = "smtp sink limit";
  std::cerr << "  " << backend << ": " << sent << " sent in " << seconds << " s" << std::endl;
  return row;
}

}  // namespace

std::vector<Row> run_campaign_scenarios(const BenchOptions& o) {
  std::vector<Row> rows;
  test::SmtpSink sink("", /*discard=*/true);
  rows.push_back(bare_loop(sink.port()));
  const double limit = rows.back().load.throughput();
  {
    test::TempDir dir;
    rows.push_back(campaign("sqlite", "sqlite:" + dir.path() + "/bench.db", sink.port(), limit));
  }
  if (o.with_pg) {
    test::PgCluster cluster;
    cluster.start(/*durable=*/true);
    test::pg_exec(cluster.url("postgres"), "CREATE DATABASE campaigns");
    rows.push_back(campaign("postgresql", cluster.url("campaigns"), sink.port(), limit));
  }
  return rows;
}

}  // namespace sb::bench
