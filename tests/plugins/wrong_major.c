/* Built for a future major API: the host must refuse it. */
#include <switchboard/plugin.h>

static sb_status act(sb_call* call, const char* in, size_t len, void* user) {
  (void)call, (void)in, (void)len, (void)user;
  return SB_OK;
}

int sb_plugin_init(const sb_host_api* host, sb_plugin* self) {
  self->api_major = SB_PLUGIN_API_MAJOR + 98;
  self->api_minor = 0;
  self->name = "wrong_major";
  sb_action_def def = {sizeof(sb_action_def), "act", "", 0, act, 0};
  host->register_action(self, &def);
  return 0;
}
