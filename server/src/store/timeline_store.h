// The contact timeline: one row per change that matters, written in the transaction of the
// change (created, field changes with old -> new, notes, files, merges), read newest first.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/actor.h"
#include "model/clock.h"

namespace soci {
class session;
}

namespace sb {

class Dialect;

struct TimelineEntry {
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  std::string kind;       // created, field_changed, note_added, file_added, merged, unmerged, ...
  std::string data_json;  // kind-specific object
  ActorRef actor;
  EpochMs created_at = 0;
};

class TimelineStore {
 public:
  explicit TimelineStore(const Dialect& dialect) : dialect_(dialect) {}

  std::int64_t add(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                   const std::string& kind, const std::string& data_json, const Actor& actor) const;
  struct NewEntry {
    std::int64_t contact_id = 0;
    std::string kind, data_json;
  };
  // Many entries of one team in one statement (no actor), ids ascending in the given order.
  void add_many(soci::session& s, std::int64_t team_id, const std::vector<NewEntry>& entries) const;
  // Entries with id < before_id (0: from the newest), newest first.
  std::vector<TimelineEntry> list(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                                  std::int64_t before_id, int limit) const;

 private:
  const Dialect& dialect_;
};

}  // namespace sb
