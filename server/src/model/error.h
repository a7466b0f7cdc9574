// The one exception type of the server and its catalogue of stable error codes.
// Layers throw sb::Error; the HTTP edge maps it to a status and {"error":{...}}; the CLI
// prints it. The external message goes to clients, the internal one only to logs.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sb {

// Codes are part of the public API: never rename or reuse one, only add.
enum class ErrorCode {
  kBadRequest,            // 400 request is malformed in a way other codes do not name
  kInvalidJson,           // 400 body is not valid JSON
  kUnauthorized,          // 401 no, malformed, unknown or revoked credentials
  kForbidden,             // 403 authenticated, but the role is too low
  kNotFound,              // 404 no such route or resource in this team
  kMethodNotAllowed,      // 405 route exists, method does not
  kConflict,              // 409 unique identity already taken, version mismatch
  kPayloadTooLarge,       // 413 body over the configured limit
  kUnsupportedMediaType,  // 415 body is not application/json
  kValidationFailed,      // 422 well-formed JSON, but a field is wrong
  kRateLimited,           // 429 too many requests for this key
  kInternal,              // 500 a bug; details only in the log
  kUnavailable,           // 503 database unreachable or pool exhausted
  kConfigInvalid,         // start-up: a configuration value is wrong
  kMigrationFailed,       // start-up: schema cannot be brought up to date
  kPreconditionFailed,    // 412 If-Match names a version that is no longer current
  kInvalidFilter,         // 400 unknown filter field or operator, or a malformed value
};

int http_status(ErrorCode code);
// For logs, never for clients: the message and, for an sb::Error with one, its internal
// cause ("database unavailable (commit: server closed the connection...)").
std::string log_text(const std::exception& e);
std::string_view error_code_name(ErrorCode code);

using DetailValue = std::variant<std::string, std::int64_t>;
struct ErrorDetail {
  std::string key;
  DetailValue value;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::vector<ErrorDetail> details = {},
        std::string internal = {});

  ErrorCode code() const { return code_; }
  const std::vector<ErrorDetail>& details() const { return details_; }
  // What only operators may see (SQL text, paths); empty when the message says all.
  const std::string& internal() const { return internal_; }

  // The seconds a client should wait before trying again, sent as Retry-After (and shown in
  // the body's details as retry_after_s).
  Error& with_retry_after(std::int64_t seconds);
  const std::optional<std::int64_t>& retry_after_s() const { return retry_after_s_; }
  // The methods a resource allows, sent as Allow with a 405 (and in details as allowed).
  Error& with_allow(std::string methods);
  const std::string& allow() const { return allow_; }

  // Shorthands for the most frequent shapes.
  static Error validation(std::string field, std::string reason);
  static Error not_found(std::string_view what, std::int64_t id);

 private:
  ErrorCode code_;
  std::vector<ErrorDetail> details_;
  std::string internal_;
  std::optional<std::int64_t> retry_after_s_;
  std::string allow_;
};

}  // namespace sb
