// Reversible merges. A merge fills the survivor's empty fields from the duplicate, unions
// its lists, moves notes, files and timeline, removes the duplicate, and keeps a journal of
// all of it; unmerge (within the retention window) restores both contacts as they were,
// keeping edits made to the survivor since where they do not collide.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/actor.h"
#include "model/contact.h"
#include "store/contact_store.h"

namespace soci {
class session;
}

namespace sb {

struct MergeResult {
  Contact survivor;
  std::int64_t merge_id = 0;
  std::int64_t duplicate_id = 0;
  std::vector<std::string> filled;  // survivor fields the merge changed
};

struct UnmergeResult {
  Contact survivor;
  Contact restored;
};

class ContactMerger {
 public:
  explicit ContactMerger(const ContactStore& contacts) : contacts_(contacts) {}

  static constexpr EpochMs kDefaultRetentionMs = 30LL * 24 * 3600 * 1000;

  // 404 when either is not in the team, 422 for the same id, 409 when both carry a
  // different platform identity and `force` is false.
  MergeResult merge(soci::session& s, std::int64_t team_id, std::int64_t survivor_id,
                    std::int64_t duplicate_id, bool force, const Actor& actor,
                    EpochMs retention_ms = kDefaultRetentionMs) const;
  // `merge_id` 0: the newest merge into this survivor that is not undone. 404 without one;
  // 409 when undone already, past retention, or the duplicate's identity is taken now.
  UnmergeResult unmerge(soci::session& s, std::int64_t team_id, std::int64_t survivor_id,
                        std::int64_t merge_id, const Actor& actor) const;

 private:
  const ContactStore& contacts_;
};

}  // namespace sb
