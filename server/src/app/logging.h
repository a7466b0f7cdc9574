// Process-wide logging: one line per record on stderr, UTC timestamps, written by a
// background thread so request threads never block on the terminal.
#pragma once

#include <string>

namespace sb {

void setup_logging(const std::string& level);

}  // namespace sb
