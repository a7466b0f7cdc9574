// The switchboard command line: serve, migrate, team create, apikey create, --help.
#pragma once

namespace sb {

// Returns the process exit code: 0 ok, 64 usage error, 78 configuration error,
// 69 database unavailable, 1 anything else.
int run_cli(int argc, char** argv);

}  // namespace sb
