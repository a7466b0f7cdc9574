// Request bodies: strict JSON syntax check with a precise error position, then typed,
// allow-listed field access so unknown or mistyped fields fail with 422 naming the field.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "model/json_syntax.h"
#include "model/patch.h"

namespace sb {

// Throws Error(kInvalidJson) with line/column details, or Error(kValidationFailed) when the
// top level is not an object.
Poco::JSON::Object::Ptr parse_json_object(std::string_view body);

// The value as a 64-bit integer; nullopt when it is not an integer or does not fit. Poco
// keeps integers above INT64_MAX as unsigned, isInteger() is true for them, and
// convert<std::int64_t>() throws (a 500 where the client deserves a 422): read every
// untrusted JSON integer through this.
std::optional<std::int64_t> json_int64(const Poco::Dynamic::Var& v);

class JsonFields {
 public:
  explicit JsonFields(Poco::JSON::Object::Ptr object) : object_(std::move(object)) {}

  std::string required_string(const std::string& key, std::size_t max_len);
  std::optional<std::string> optional_string(const std::string& key, std::size_t max_len);
  std::string required_enum(const std::string& key,
                            std::initializer_list<std::string_view> allowed);
  std::optional<std::int64_t> optional_int(const std::string& key, std::int64_t min,
                                           std::int64_t max);
  std::optional<bool> optional_bool(const std::string& key);

  // Partial-update readers: leave `out` absent when the key is missing, set it to null for
  // JSON null, else to the checked value.
  void read(const std::string& key, Patch<std::string>& out, std::size_t max_len);
  void read(const std::string& key, Patch<std::vector<std::string>>& out, std::size_t max_items);
  void read(const std::string& key, Patch<double>& out);
  void read(const std::string& key, Patch<std::int64_t>& out);
  void read(const std::string& key, Patch<std::map<std::string, std::string>>& out);
  // An ISO-8601 time (or null).
  void read_time(const std::string& key, Patch<std::int64_t>& out);
  // Any JSON object, kept as its JSON text.
  void read_object(const std::string& key, Patch<std::string>& out);
  std::vector<std::string> string_array(const std::string& key, std::size_t max_items);
  std::optional<Poco::JSON::Object::Ptr> optional_object(const std::string& key);
  // An array of 1..max_items positive integer ids.
  std::optional<std::vector<std::int64_t>> optional_id_array(const std::string& key,
                                                             std::size_t max_items);

  // Marks keys read by other means (ids that may be strings or numbers, ...) as known.
  void allow(std::initializer_list<std::string> keys) { known_.insert(keys.begin(), keys.end()); }

  // Fails with 422 on the first field no accessor asked for.
  void reject_unknown() const;
  // Same, naming the field as "<prefix>.<key>" with `reason` (nested objects).
  void reject_unknown_as(const std::string& prefix, const std::string& reason) const;

 private:
  bool present(const std::string& key);
  Poco::JSON::Object::Ptr object_;
  std::set<std::string> known_;
};

}  // namespace sb
