// SB_DATABASE_URL parsing: the only place that knows both URL shapes.
#include "store/database_url.h"

#include <algorithm>
#include <cctype>

#include "model/error.h"

namespace sb {
namespace {

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

// postgresql://user:secret@host/db -> postgresql://user:***@host/db
std::string mask_password(std::string_view url) {
  auto scheme_end = url.find("://");
  auto at = url.find('@');
  if (scheme_end == std::string_view::npos || at == std::string_view::npos) return std::string(url);
  auto colon = url.find(':', scheme_end + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

// Adds a libpq parameter unless the operator already set it.
void add_param(std::string& uri, std::string_view key, std::string_view value) {
  if (uri.find(std::string(key) + "=") != std::string::npos) return;
  uri += uri.find('?') == std::string::npos ? '?' : '&';
  uri += key;
  uri += '=';
  uri += value;
}

}  // namespace

DatabaseUrl parse_database_url(std::string_view url, int sqlite_busy_timeout_s) {
  DatabaseUrl out;
  if (starts_with(url, "sqlite:")) {
    std::string_view path = url.substr(7);
    if (starts_with(path, "//")) path.remove_prefix(2);
    if (path.empty()) {
      throw Error(ErrorCode::kConfigInvalid, "sqlite URL has no file path (expected sqlite:PATH)");
    }
    if (path == ":memory:") {
      // Each pooled connection would get its own empty database.
      throw Error(ErrorCode::kConfigInvalid,
                  "sqlite::memory: is not supported: every pooled connection would see a "
                  "different database; use a file path");
    }
    if (std::any_of(path.begin(), path.end(), [](unsigned char c) { return std::isspace(c); })) {
      throw Error(ErrorCode::kConfigInvalid, "sqlite path must not contain whitespace");
    }
    out.backend = Backend::kSqlite;
    out.sqlite_path = std::string(path);
    out.connect_string =
        "db=" + out.sqlite_path + " timeout=" + std::to_string(sqlite_busy_timeout_s);
    out.display = "sqlite:" + out.sqlite_path;
    return out;
  }
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) {
    if (url.find_first_of(" \t\n") != std::string_view::npos) {
      throw Error(ErrorCode::kConfigInvalid, "postgresql URL must not contain whitespace");
    }
    out.backend = Backend::kPostgresql;
    out.connect_string = std::string(url);
    // A dead host must fail a request, not hang it.
    add_param(out.connect_string, "connect_timeout", "5");
    add_param(out.connect_string, "application_name", "switchboard");
    out.display = mask_password(url);
    return out;
  }
  throw Error(
      ErrorCode::kConfigInvalid,
      "unsupported database URL: expected sqlite:PATH or postgresql://user:pass@host:port/db");
}

}  // namespace sb
