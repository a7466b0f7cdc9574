/* Bench plugin, plain C: bench_raw.echo hands its input back untouched, so a call measures
 * the host's plumbing and the ABI crossing alone. */
#include <switchboard/plugin.h>

static const sb_host_api* g_host;

static sb_status echo(sb_call* call, const char* input, size_t len, void* user) {
  (void)user;
  g_host->set_result(call, input, len);
  return SB_OK;
}

int sb_plugin_init(const sb_host_api* host, sb_plugin* self) {
  g_host = host;
  self->api_major = SB_PLUGIN_API_MAJOR;
  self->api_minor = SB_PLUGIN_API_MINOR;
  self->name = "bench_raw";
  self->version = "1";
  self->description = "bench: input back as the result (C)";
  sb_action_def def = {sizeof(sb_action_def), "echo", "input as result",
                       SB_FLAG_READS_ONLY,    &echo,  0};
  return host->register_action(self, &def);
}
