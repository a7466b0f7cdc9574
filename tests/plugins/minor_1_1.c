/* Built against the frozen API 1.1 header (tests/plugins/abi_1_1): its sb_provider_def has
 * `status` but ends before `session_window_s`. A 1.2 host must read its status function and
 * give it no session window. */
#include <string.h>
#include <switchboard/plugin.h>

#if SB_PLUGIN_API_MINOR != 1
#error "minor_1_1 must be compiled against the API 1.1 header"
#endif

static const sb_host_api* g_host;

static sb_status send(sb_call* call, const char* message, size_t len, void* user) {
  (void)message;
  (void)len;
  (void)user;
  static const char out[] = "{\"provider_id\":\"v11-1\",\"status\":\"sent\"}";
  g_host->set_result(call, out, strlen(out));
  return SB_OK;
}

static sb_status status(sb_call* call, const char* message, size_t len, void* user) {
  (void)message;
  (void)len;
  (void)user;
  static const char out[] = "{\"provider_id\":\"v11-1\",\"status\":\"delivered\"}";
  g_host->set_result(call, out, strlen(out));
  return SB_OK;
}

int sb_plugin_init(const sb_host_api* host, sb_plugin* self) {
  g_host = host;
  self->api_major = SB_PLUGIN_API_MAJOR;
  self->api_minor = SB_PLUGIN_API_MINOR;
  self->name = "minor_1_1";
  self->version = "1.1.0";
  self->description = "built for API 1.1";
  sb_provider_def provider = {sizeof(sb_provider_def), "sms", "v11", 0, &send, NULL, &status};
  return host->register_provider(self, &provider);
}
