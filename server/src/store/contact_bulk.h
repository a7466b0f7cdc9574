// Bulk actions on contacts: set status/intent/owner/stage and add/remove tags, on a list of
// ids or on everything a filter matches. One transaction per chunk of contacts, so a huge
// selection neither holds one giant transaction nor loses a finished chunk; every changed
// contact gets the same timeline entries and events as a single update.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/actor.h"
#include "model/contact.h"
#include "model/contact_filter.h"

namespace sb {

class Database;
class ContactStore;

struct BulkAction {
  ContactPatch set;  // only status, purchase_intent, owner_id, stage
  std::vector<std::string> add_tags;
  std::vector<std::string> remove_tags;
};

struct BulkFailure {
  std::int64_t id = 0;
  std::string code;
  std::string message;
};

struct BulkResult {
  std::int64_t matched = 0;
  std::int64_t updated = 0;
  std::int64_t unchanged = 0;
  std::vector<BulkFailure> failed;  // ids given that do not exist, per-contact conflicts
};

constexpr std::size_t kBulkMaxIds = 1000;
constexpr int kBulkChunk = 200;

// Validates the action once (422 before anything changes), then applies it.
BulkResult run_bulk(Database& db, const ContactStore& contacts, std::int64_t team_id,
                    const BulkAction& action, const std::vector<std::int64_t>* ids,
                    const FilterNode* filter, const Actor& actor);

}  // namespace sb
