// Provenance of contact values: which extractor (or bot, or person) set a field, with
// what confidence, from which message, when. The rule capture follows lives here too: a
// value a person set is never overwritten by capture.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/actor.h"
#include "model/clock.h"
#include "model/contact.h"

namespace sb {

struct FieldSource {
  std::string source;  // extractor name, "bot", or "user" (a person through the API)
  double confidence = 1;
  std::optional<std::int64_t> message_id;
  std::optional<std::int64_t> key_id;   // the API key of a person's write
  std::optional<std::int64_t> user_id;  // or the signed-in person
  EpochMs at = 0;
};

class FieldSources {
 public:
  static FieldSources parse(const std::string& json);
  std::string to_json_text() const;
  Poco::JSON::Object to_json() const;

  const FieldSource* find(const std::string& field) const;
  void set(const std::string& field, FieldSource source);

  // Whether capture may write `field` whose current value is `has_value`: an empty field
  // always; a captured one when the new confidence is at least the old; a person's never.
  bool capture_may_set(const std::string& field, bool has_value, double confidence) const;

  // Marks the fields a person's write changed (custom.<key> and metadata.<key> per key).
  void mark_person_edits(const Contact& before, const Contact& after,
                         const std::vector<std::string>& changed, const Actor& actor, EpochMs now);

 private:
  std::vector<std::pair<std::string, FieldSource>> entries_;  // sorted by field
};

}  // namespace sb
