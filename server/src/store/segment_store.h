// Segments: saved contact rules, the automatic ones every team has, references between
// segments (expanded with a cycle check), and membership kept in segment_members so that
// changes become segment.entered / segment.exited events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"
#include "model/contact_filter.h"
#include "store/dialect.h"

namespace soci {
class session;
}

namespace sb {

struct SegmentInfo {
  std::int64_t id = 0;
  std::string name;
  std::optional<std::string> builtin;
  FilterNode rule;
};

// One line of a segment's history: a contact entered it or left it.
struct SegmentChange {
  std::int64_t id = 0;
  std::int64_t contact_id = 0;
  bool entered = false;
  EpochMs at = 0;
};

struct MembershipChange {
  std::vector<std::int64_t> entered, exited;
};

class SegmentStore {
 public:
  explicit SegmentStore(const Dialect& dialect) : dialect_(dialect) {}

  // Replaces every `segment` condition with the referenced segment's rule (eq) or its
  // negation (ne), recursively. A missing segment or a cycle (through `self_id` too: the
  // segment being saved) is an invalid_filter error naming the segment.
  FilterNode expand(soci::session& s, std::int64_t team_id, const FilterNode& filter,
                    std::int64_t self_id = 0) const;

  // Inserts the automatic segments the team lacks (New, Active, At risk, High value,
  // Frequent bookers, Need follow-up). Idempotent.
  void ensure_builtin(soci::session& s, std::int64_t team_id) const;

  std::vector<SegmentInfo> list(soci::session& s, std::int64_t team_id) const;
  std::optional<SegmentInfo> get(soci::session& s, std::int64_t team_id, std::int64_t id) const;

  // Brings segment_members up to date with the rule (for one contact, or all) and appends
  // segment.entered / segment.exited for each difference, in the caller's transaction.
  MembershipChange refresh(soci::session& s, std::int64_t team_id, const SegmentInfo& segment,
                           std::optional<std::int64_t> contact_id) const;
  // Every segment of the team for one contact (after a change to it), or only `segments`
  // when given; a contact that is gone leaves its segments silently.
  void refresh_contact(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                       const std::vector<SegmentInfo>* segments = nullptr) const;
  // The team's segments whose rules read one of `changed` (the fields a contact update
  // changed): the only ones the update can move. Read first, so an update that moves none
  // costs no write transaction.
  std::vector<SegmentInfo> read_by(soci::session& s, std::int64_t team_id,
                                   const std::vector<std::string>& changed) const;
  // Segments whose rules read the clock (now-30d), in full: what time alone changes.
  int refresh_time_based(soci::session& s, std::int64_t team_id) const;

  // The segments a contact matches now (each rule evaluated for that one contact).
  std::vector<SegmentInfo> of_contact(soci::session& s, std::int64_t team_id,
                                      std::int64_t contact_id) const;
  // Newest first, ids below `before_id` (0: from the newest), at most `limit`.
  std::vector<SegmentChange> history(soci::session& s, std::int64_t team_id,
                                     std::int64_t segment_id, std::int64_t before_id,
                                     int limit) const;
  // Drops a deleted segment's members and history; refuses (409) while another segment refers to
  // it.
  void before_remove(soci::session& s, std::int64_t team_id, std::int64_t id) const;

 private:
  void record_changes(soci::session& s, std::int64_t team_id, std::int64_t segment_id,
                      const std::vector<std::int64_t>& contact_ids, const std::string& kind,
                      EpochMs at) const;
  const Dialect& dialect_;
};

}  // namespace sb
