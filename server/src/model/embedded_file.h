// A text file compiled into the binary (migrations, the OpenAPI document).
#pragma once

#include <span>
#include <string_view>

namespace sb {

struct EmbeddedFile {
  std::string_view path;  // relative to its source folder, e.g. "sqlite/001_foundation.sql"
  std::string_view content;
};

}  // namespace sb
