// Status codes and stable names of the error catalogue.
#include "model/error.h"

namespace sb {

std::string log_text(const std::exception& e) {
  const auto* error = dynamic_cast<const Error*>(&e);
  if (!error || error->internal().empty()) return e.what();
  return std::string(e.what()) + " (" + error->internal() + ")";
}

int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kInvalidJson:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPreconditionFailed:
      return 412;
    case ErrorCode::kInvalidFilter:
      return 400;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUnsupportedMediaType:
      return 415;
    case ErrorCode::kValidationFailed:
      return 422;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
    case ErrorCode::kConfigInvalid:
    case ErrorCode::kMigrationFailed:
      return 500;
  }
  return 500;
}

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
      return "bad_request";
    case ErrorCode::kInvalidJson:
      return "invalid_json";
    case ErrorCode::kUnauthorized:
      return "unauthorized";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kMethodNotAllowed:
      return "method_not_allowed";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kPayloadTooLarge:
      return "payload_too_large";
    case ErrorCode::kUnsupportedMediaType:
      return "unsupported_media_type";
    case ErrorCode::kValidationFailed:
      return "validation_failed";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kInternal:
      return "internal";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kConfigInvalid:
      return "config_invalid";
    case ErrorCode::kMigrationFailed:
      return "migration_failed";
    case ErrorCode::kPreconditionFailed:
      return "precondition_failed";
    case ErrorCode::kInvalidFilter:
      return "invalid_filter";
  }
  return "internal";
}

Error::Error(ErrorCode code, std::string message, std::vector<ErrorDetail> details,
             std::string internal)
    : std::runtime_error(std::move(message)),
      code_(code),
      details_(std::move(details)),
      internal_(std::move(internal)) {}

Error& Error::with_retry_after(std::int64_t seconds) {
  retry_after_s_ = seconds;
  details_.push_back({"retry_after_s", seconds});
  return *this;
}

Error& Error::with_allow(std::string methods) {
  details_.push_back({"allowed", methods});
  allow_ = std::move(methods);
  return *this;
}

Error Error::validation(std::string field, std::string reason) {
  std::string message = "invalid field '" + field + "': " + reason;
  return Error(ErrorCode::kValidationFailed, std::move(message),
               {{"field", std::move(field)}, {"reason", std::move(reason)}});
}

Error Error::not_found(std::string_view what, std::int64_t id) {
  return Error(ErrorCode::kNotFound, std::string(what) + " not found", {{"id", id}});
}

}  // namespace sb
