/* Registers the same action twice and ignores the refusal: the host refuses the plugin. */
#include <switchboard/plugin.h>

static sb_status act(sb_call* call, const char* in, size_t len, void* user) {
  (void)call, (void)in, (void)len, (void)user;
  return SB_OK;
}

int sb_plugin_init(const sb_host_api* host, sb_plugin* self) {
  self->api_major = SB_PLUGIN_API_MAJOR;
  self->api_minor = SB_PLUGIN_API_MINOR;
  self->name = "duplicate";
  sb_action_def def = {sizeof(sb_action_def), "same", "", 0, act, 0};
  host->register_action(self, &def);
  host->register_action(self, &def);
  return 0;
}
