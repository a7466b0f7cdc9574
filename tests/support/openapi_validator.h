// Checks real responses against docs/api/openapi.json: the operation exists, the status is
// declared, every API header the server sent is declared, and the body matches the
// response schema (OpenAPI 3.0 Schema Objects; objects with `properties` are closed unless
// they say otherwise, so an undeclared property fails).
#pragma once

#include <Poco/JSON/Object.h>

#include <atomic>
#include <map>
#include <string>
#include <vector>

namespace sb::test {

class OpenApiValidator {
 public:
  explicit OpenApiValidator(const std::string& document_text);

  // The checked-in document, loaded once (SB_SOURCE_DIR/docs/api/openapi.json).
  static const OpenApiValidator& project();

  // Problems with one exchange; empty when it matches the document. `target` may carry a
  // query string; `headers` have lower-case names.
  std::vector<std::string> check(const std::string& method, const std::string& target, int status,
                                 const std::map<std::string, std::string>& headers,
                                 const std::string& body) const;

  // The operation ("get /v1/contacts/{id}") a request reaches, "" when none.
  std::string operation_of(const std::string& method, const std::string& path) const;

  // Schema problems of a JSON value ("" prefix = the body).
  std::vector<std::string> validate(const Poco::Dynamic::Var& value,
                                    const Poco::JSON::Object::Ptr& schema) const;

  // How many responses check() has passed and failed in this process.
  static std::atomic<long>& validated();
  static std::atomic<long>& failed();

 private:
  Poco::JSON::Object::Ptr resolve(Poco::JSON::Object::Ptr o) const;
  void validate_into(const Poco::Dynamic::Var& value, Poco::JSON::Object::Ptr schema,
                     const std::string& at, std::vector<std::string>& problems) const;
  // Property names an object schema declares (through allOf too); false if it is open.
  bool closed_properties(Poco::JSON::Object::Ptr schema, std::vector<std::string>& names) const;

  Poco::JSON::Object::Ptr doc_;
  std::vector<std::string> templates_;  // the document's paths
};

// Whether API tests validate every response (on unless TEST_OPENAPI_VALIDATE=0).
bool openapi_validation_enabled();

}  // namespace sb::test
