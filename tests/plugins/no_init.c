/* A shared library that is not a plugin: no sb_plugin_init. */
int not_a_plugin(void) { return 42; }
