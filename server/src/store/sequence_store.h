// Sequence enrolments: one row per sequence and contact that moves step by step on
// "sequence.step_due" events due at next_at, so a restart loses no step and a replayed
// event of an earlier step or run changes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"

namespace soci {
class session;
}

namespace sb {

class Dialect;

inline constexpr const char* kSequenceStepEvent = "sequence.step_due";

struct Enrollment {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::int64_t sequence_id = 0;
  std::int64_t contact_id = 0;
  int run = 1;                     // 1 + how many times the contact was enrolled again
  std::string status;              // active | completed | exited
  int step = 0;                    // the next step to send
  std::optional<EpochMs> next_at;  // null while active: waiting for a paused sequence
  std::optional<std::string> exit_reason;
  std::string source;
  EpochMs enrolled_at = 0;
  EpochMs updated_at = 0;
  std::optional<EpochMs> finished_at;
};

struct SequenceStats {
  std::int64_t enrolled = 0, active = 0, completed = 0, exited = 0;
  std::map<std::string, std::int64_t> exited_by_reason;
  std::map<std::string, std::int64_t> messages_by_status;  // of the messages steps queued
};

class SequenceStore {
 public:
  explicit SequenceStore(const Dialect& dialect) : dialect_(dialect) {}

  // Enrols a contact (again, when an earlier run finished) and schedules the first step.
  // 404 for an unknown sequence or contact, 409 when the sequence is archived. Returns the
  // enrolment and whether it is new (false: the contact is already active in it).
  std::pair<Enrollment, bool> enroll(soci::session& s, std::int64_t team_id,
                                     std::int64_t sequence_id, std::int64_t contact_id,
                                     const std::string& source) const;
  std::optional<Enrollment> get(soci::session& s, std::int64_t team_id, std::int64_t id,
                                bool for_update = false) const;
  std::optional<Enrollment> find(soci::session& s, std::int64_t team_id, std::int64_t sequence_id,
                                 std::int64_t contact_id) const;
  // A contact's active enrolments, each with its sequence's exit conditions (JSON).
  std::vector<std::pair<Enrollment, std::string>> active_for_contact(soci::session& s,
                                                                     std::int64_t team_id,
                                                                     std::int64_t contact_id) const;
  // Pages by id; `status` empty for all.
  std::vector<Enrollment> list(soci::session& s, std::int64_t team_id,
                               std::optional<std::int64_t> sequence_id,
                               std::optional<std::int64_t> contact_id, const std::string& status,
                               std::int64_t after_id, int limit) const;

  // active -> exited with `reason` and a sequence.exited event; false when not active.
  bool exit(soci::session& s, const Enrollment& e, const std::string& reason) const;
  // After step `e.step` was queued: schedules the next one `delay_ms` from now, or
  // completes the enrolment (sequence.completed) when `last`.
  void advance(soci::session& s, const Enrollment& e, bool last, std::int64_t delay_ms) const;
  // The step is due while its sequence is paused: it waits for resume_waiting().
  void wait(soci::session& s, const Enrollment& e) const;
  // Schedules every waiting step of a sequence that is active again; returns how many.
  std::int64_t resume_waiting(soci::session& s, std::int64_t team_id,
                              std::int64_t sequence_id) const;
  // The first of `segment_ids` (sorted) the contact is a member of, 0 when none.
  std::int64_t member_of_any(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                             const std::vector<std::int64_t>& segment_ids) const;
  SequenceStats stats(soci::session& s, std::int64_t team_id, std::int64_t sequence_id) const;
  void remove_all(soci::session& s, std::int64_t team_id, std::int64_t sequence_id) const;

 private:
  void schedule_step(soci::session& s, const Enrollment& e, EpochMs due) const;
  void event(soci::session& s, const Enrollment& e, const std::string& type,
             const std::string& reason) const;
  const Dialect& dialect_;
};

}  // namespace sb
