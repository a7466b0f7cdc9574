// Bench scenarios: each starts what it measures, runs the load, and returns table rows.
#pragma once

#include <string>
#include <vector>

#include "load_generator.h"

namespace sb::bench {

struct Row {
  std::string scenario;
  std::string backend;
  int clients = 0;
  LoadResult load;
  double peak_rss_mb = 0;
  double ratio = 0;       // throughput / reference throughput; 0 = none
  std::string reference;  // what `ratio` divides by
};

struct BenchOptions {
  std::string server;    // switchboard binary
  std::string baseline;  // sb_bench_baseline binary
  int clients = 8;
  std::chrono::milliseconds duration{5000};
  bool with_pg = true;
  std::string only;  // run only the scenario group with this name ("http", "contacts")
};

// Issue 2: HTTP overhead (trivial handler, /health, /v1/me) on both backends.
std::vector<Row> run_http_scenarios(const BenchOptions& options);
// Issue 3: 100k contacts, get-by-id and filtered lists on both backends, pgbench -S.
std::vector<Row> run_contact_scenarios(const BenchOptions& options);
// Issue 6: dispatcher throughput (events drained per second), both backends.
std::vector<Row> run_event_scenarios(const BenchOptions& options);
// Issue 5: chat ingestion over HTTP (single messages and batches of 50, 8 and 32 clients)
// on both backends, against pgbench single-row inserts at the same client counts.
std::vector<Row> run_capture_scenarios(const BenchOptions& options);
// Issue 7: Lua workflows, no-op and round-robin: the engine alone, the runner in process,
// and end to end through the dispatcher, on both backends.
std::vector<Row> run_workflow_scenarios(const BenchOptions& options);
// Issue 8: one plugin action call through the ABI (plain C and the C++ SDK), in process.
std::vector<Row> run_plugin_scenarios(const BenchOptions& options);
// Issue 9: automatic segments over 1M contacts / 5M messages on PostgreSQL: count, first
// page, full evaluation of a time-based segment.
std::vector<Row> run_segment_scenarios(const BenchOptions& options);
// Issue 10: a 100k-recipient email campaign into a local SMTP sink, both backends, against
// the sink's own limit (a bare SMTP client loop) measured in the same run.
std::vector<Row> run_campaign_scenarios(const BenchOptions& options);
// Issue 11: a 1M-row CSV import (rows/s, peak RSS) and the export of those contacts as CSV
// and NDJSON through the streaming route (rows/s), both backends.
std::vector<Row> run_import_scenarios(const BenchOptions& options);
// Issue 32: webhook deliveries/s to a loopback receiver (2 workers) and commit -> delivered
// at 200 events/s, both backends.
std::vector<Row> run_webhook_scenarios(const BenchOptions& options);

}  // namespace sb::bench
