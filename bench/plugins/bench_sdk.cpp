// Bench plugin, C++ SDK: bench_sdk.echo parses its input and writes it back, the cost a
// typical plugin.hpp action adds on top of the ABI crossing.
#include <switchboard/plugin.hpp>

SWITCHBOARD_PLUGIN(plugin) {
  plugin.describe("bench_sdk", "1", "bench: input back as the result (C++ SDK)");
  plugin.action(
      "echo", "input as result",
      [](switchboard::Call&, const switchboard::Json& input) { return input; }, SB_FLAG_READS_ONLY);
}
