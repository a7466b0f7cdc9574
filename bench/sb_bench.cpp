// ./dev bench entry point: runs every scenario and prints one table.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

#include "model/error.h"
#include "scenarios.h"

int run(int argc, char** argv) {
  sb::bench::BenchOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(64);
      }
      return argv[++i];
    };
    if (a == "--server") {
      o.server = next();
    } else if (a == "--baseline") {
      o.baseline = next();
    } else if (a == "--clients") {
      o.clients = std::stoi(next());
    } else if (a == "--seconds") {
      o.duration = std::chrono::milliseconds(static_cast<long>(std::stod(next()) * 1000));
    } else if (a == "--only") {
      o.only = next();
    } else if (a == "--no-pg") {
      o.with_pg = false;
    } else {
      std::cerr
          << "usage: sb_bench --server BIN --baseline BIN [--clients N] [--seconds S] "
             "[--only http|contacts|events|webhooks|capture|workflows|plugins|segments|campaigns|"
             "imports] "
             "[--no-pg]\n";
      return 64;
    }
  }
  if (o.server.empty() || o.baseline.empty()) {
    std::cerr << "sb_bench: --server and --baseline are required\n";
    return 64;
  }
  std::cerr << "running scenarios (" << o.clients << " clients, " << o.duration.count() / 1000.0
            << " s each)..." << std::endl;
  // Scenario groups in the order they run; --only picks one.
  using Group = std::vector<sb::bench::Row> (*)(const sb::bench::BenchOptions&);
  const std::vector<std::pair<std::string, Group>> groups = {
      {"http", &sb::bench::run_http_scenarios},
      {"events", &sb::bench::run_event_scenarios},
      {"webhooks", &sb::bench::run_webhook_scenarios},
      {"capture", &sb::bench::run_capture_scenarios},
      {"workflows", &sb::bench::run_workflow_scenarios},
      {"plugins", &sb::bench::run_plugin_scenarios},
      {"segments", &sb::bench::run_segment_scenarios},
      {"campaigns", &sb::bench::run_campaign_scenarios},
      {"imports", &sb::bench::run_import_scenarios},
      {"contacts", &sb::bench::run_contact_scenarios},
  };
  std::vector<sb::bench::Row> rows;
  for (const auto& [name, run] : groups) {
    if (!o.only.empty() && o.only != name) continue;
    auto more = run(o);
    rows.insert(rows.end(), more.begin(), more.end());
  }
  std::printf("\n%-44s %-11s %7s %10s %8s %8s %8s %7s %6s  %s\n", "scenario", "backend", "clients",
              "req/s", "p50 ms", "p99 ms", "RSS MB", "errors", "ratio", "ratio of");
  std::printf("%s\n", std::string(136, '-').c_str());
  for (const auto& r : rows) {
    if (r.clients == 0) {
      std::printf("%-44s %-11s %7s %10s %8s %8s %8.1f %7s %6s\n", r.scenario.c_str(),
                  r.backend.c_str(), "-", "-", "-", "-", r.peak_rss_mb, "-", "-");
      continue;
    }
    char ratio[16] = "-";
    if (r.ratio > 0) std::snprintf(ratio, sizeof ratio, "%.2f", r.ratio);
    std::printf("%-44s %-11s %7d %10.0f %8.3f %8.3f %8.1f %7llu %6s  %s\n", r.scenario.c_str(),
                r.backend.c_str(), r.clients, r.load.throughput(), r.load.p50_ms, r.load.p99_ms,
                r.peak_rss_mb, static_cast<unsigned long long>(r.load.errors), ratio,
                r.reference.c_str());
  }
  std::printf(
      "\nRSS MB: peak (VmHWM) of the server process after the scenario; idle row: VmRSS.\n"
      "pgbench row: req/s is pgbench's tps, p50 its average latency.\n"
      "Targets: GET /v1/me >= 0.5x the trivial handler at 8 clients, idle RSS < 30 MB (issue 2);\n"
      "GET /v1/contacts/{id} on PostgreSQL >= 0.5x pgbench -S, p99 < 5 ms at 1000 req/s (issue "
      "3);\n"
      "events on PostgreSQL >= 20k/s to a no-op subscriber, >= 5k/s to a contact-updating one,\n"
      "commit -> handling p99 < 50 ms at 1000 events/s (issue 6). Event rows: req/s = events/s.\n"
      "Workflows (issue 7): no-op engine run < 5 us (us/run = 1e6 / req/s, one thread);\n"
      "round-robin >= 5k events/s end to end on PostgreSQL.\n"
      "Plugins (issue 8): one action call through the ABI < 1 us (ns/call = 1e9 / req/s).\n"
      "Segments (issue 9): each count < 1 s over 1M contacts on PostgreSQL (p50 = the time).\n");
  return 0;
}

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const sb::Error& e) {
    std::cerr << "sb_bench: " << e.what() << (e.internal().empty() ? "" : ": " + e.internal())
              << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "sb_bench: " << e.what() << std::endl;
  }
  return 1;
}
