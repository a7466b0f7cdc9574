/* Built against the frozen API 1.0 header (tests/plugins/abi_1_0): the smaller host table
 * and the 1.0 provider struct. A 1.1 host must still load it and call it. */
#include <string.h>
#include <switchboard/plugin.h>

#if SB_PLUGIN_API_MINOR != 0
#error "older_minor must be compiled against the API 1.0 header"
#endif

static const sb_host_api* g_host;

static sb_status ping(sb_call* call, const char* input, size_t len, void* user) {
  (void)input;
  (void)len;
  (void)user;
  static const char out[] = "{\"pong\":true}";
  g_host->set_result(call, out, strlen(out));
  return SB_OK;
}

static sb_status send(sb_call* call, const char* message, size_t len, void* user) {
  (void)message;
  (void)len;
  (void)user;
  static const char out[] = "{\"provider_id\":\"old-1\",\"status\":\"sent\"}";
  g_host->set_result(call, out, strlen(out));
  return SB_OK;
}

int sb_plugin_init(const sb_host_api* host, sb_plugin* self) {
  g_host = host;
  self->api_major = SB_PLUGIN_API_MAJOR;
  self->api_minor = SB_PLUGIN_API_MINOR;
  self->name = "older_minor";
  self->version = "1.0.0";
  self->description = "built for API 1.0";
  sb_action_def action = {sizeof(sb_action_def), "ping", "answers pong", 0, &ping, NULL};
  sb_provider_def provider = {sizeof(sb_provider_def), "sms", "old", 0, &send, NULL};
  return host->register_action(self, &action) || host->register_provider(self, &provider);
}
