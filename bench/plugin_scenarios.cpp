// Native plugin scenarios (issue 8): the cost of one action call through the ABI with a
// small JSON payload, for a plain C plugin (host plumbing + crossing) and a plugin.hpp one
// (plus its JSON parse and write). In process, on one thread: there is no I/O to measure.
#include <chrono>
#include <iostream>

#include "plugins/plugin_host.h"
#include "scenarios.h"
#include "store/database.h"
#include "support/test_backend.h"

namespace sb::bench {
namespace {

Row call_row(plugins::PluginHost& host, const std::string& label, const std::string& action,
             int calls) {
  const std::string input = R"({"id":42,"name":"Ana","tags":["vip"]})";
  const plugins::CallScope scope{1, nullptr, nullptr};
  for (int i = 0; i < 1000; ++i) host.call_action(action, scope, input);  // warm
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) {
    auto r = host.call_action(action, scope, input);
    if (!r || r->status != SB_OK || r->result.size() < 10) {
      throw std::runtime_error(action + " failed: " + (r ? r->error : "not loaded"));
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  Row row{label, "-", 1};
  row.load.requests = static_cast<std::uint64_t>(calls);
  row.load.seconds = seconds;
  std::cerr << "  " << action << ": " << seconds * 1e9 / calls << " ns/call" << std::endl;
  return row;
}

}  // namespace

std::vector<Row> run_plugin_scenarios(const BenchOptions&) {
  sb::test::TempDir dir;
  DatabaseOptions opts;
  opts.url = "sqlite:" + dir.path() + "/plugins.db";  // unused by these actions
  Database db(opts);
  plugins::PluginHost host(db, SB_BENCH_PLUGINS_DIR);
  auto set = host.load();
  for (const auto& f : set->failed) std::cerr << "  plugin " << f.file << ": " << f.error << "\n";
  std::vector<Row> rows;
  rows.push_back(
      call_row(host, "plugin action: C ABI echo (38 B JSON)", "bench_raw.echo", 1000000));
  rows.push_back(
      call_row(host, "plugin action: C++ SDK echo (38 B JSON)", "bench_sdk.echo", 1000000));
  return rows;
}

}  // namespace sb::bench
