// The contact: everyone a team talks to. Plain values, the allowed enum values, and the
// patch shape used by create, update, bulk and merge (absent vs. explicit null).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/clock.h"
#include "model/patch.h"

namespace sb {

struct Contact {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::string source;    // chat|form|manual|import|api, set once
  std::string platform;  // web|whatsapp|telegram|facebook|zalo|other
  std::optional<std::string> external_id;
  std::optional<std::string> name;
  std::optional<std::string> email;  // lower-case
  std::optional<std::string> phone;  // E.164
  std::string status;
  std::optional<std::string> purchase_intent;  // browsing|comparing|ready_to_buy
  std::vector<std::string> interests;
  std::vector<std::string> traits;  // at most 5
  std::optional<std::string> needs;
  std::vector<std::string> tags;
  std::optional<std::int64_t> owner_id;
  std::optional<std::int64_t> account_id;  // the company (accounts) the contact works for
  std::optional<std::string> stage;
  std::optional<std::string> sentiment;  // positive|neutral|negative
  double score = 0;
  std::map<std::string, std::string> metadata;
  std::string custom_json = "{}";  // custom field values: a JSON object keyed by field key
  EpochMs first_seen = 0;
  EpochMs last_active = 0;
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
  int version = 1;
  // Chat capture: provenance of captured values ({field: {source, confidence, ...}}; a
  // field without an entry was set by a person) and behaviour aggregates.
  std::string field_sources_json = "{}";
  std::int64_t message_count = 0;
  std::int64_t conversation_count = 0;
  std::optional<std::string> last_channel;
  std::string behaviour_json = "{}";
};

struct ContactPatch {
  Patch<std::string> source, platform, external_id, name, email, phone, status, purchase_intent,
      needs, stage, sentiment;
  Patch<std::vector<std::string>> interests, traits, tags;
  Patch<std::int64_t> owner_id, account_id;
  Patch<double> score;
  Patch<std::map<std::string, std::string>> metadata;
  Patch<std::string> custom_json;  // a JSON object of custom values; null values remove keys
  Patch<EpochMs> first_seen, last_active;
  // Set only by capture (with the provenance of what it writes). Absent on a person's
  // write, which then marks the fields it changes as set by a person.
  Patch<std::string> field_sources;
};

namespace contact_enums {
inline const std::vector<std::string_view> kSources = {"chat", "form", "manual", "import", "api"};
inline const std::vector<std::string_view> kPlatforms = {"web",      "whatsapp", "telegram",
                                                         "facebook", "zalo",     "other"};
inline const std::vector<std::string_view> kIntents = {"browsing", "comparing", "ready_to_buy"};
inline const std::vector<std::string_view> kSentiments = {"positive", "neutral", "negative"};
inline const std::vector<std::string> kDefaultStatuses = {"new",      "active",   "qualified",
                                                          "customer", "inactive", "blocked"};
}  // namespace contact_enums

// Limits that every entry point (API, capture, import) shares.
namespace contact_limits {
constexpr std::size_t kMaxTraits = 5;
constexpr std::size_t kMaxListItems = 100;  // tags, interests
constexpr std::size_t kMaxListItemBytes = 100;
constexpr std::size_t kMaxTextBytes = 200;  // name, stage, external_id
constexpr std::size_t kMaxNeedsBytes = 5000;
constexpr std::size_t kMaxMetadataKeys = 100;
constexpr std::size_t kMaxMetadataKeyBytes = 64;
constexpr std::size_t kMaxMetadataValueBytes = 1000;
}  // namespace contact_limits

}  // namespace sb
