/* Built against a newer minor API than the host's: refused. */
#include <switchboard/plugin.h>

int sb_plugin_init(const sb_host_api* host, sb_plugin* self) {
  (void)host;
  self->api_major = SB_PLUGIN_API_MAJOR;
  self->api_minor = SB_PLUGIN_API_MINOR + 1;
  self->name = "newer_minor";
  return 0;
}
