// The outbox as a queue: claiming due events under a lease (one per subject at a time, in
// order), recording deliveries per subscriber, finishing with done / retry / dead, timers
// with dedupe keys, side-effect keys, and the queries the operations routes need.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "store/event_store.h"

namespace soci {
class session;
}

namespace sb {

struct Delivery {
  std::string subscriber;
  std::string status;  // done | retry | dead
  int attempts = 0;
  std::string last_error;
  std::int64_t duration_us = 0;
  EpochMs updated_at = 0;
};

struct EventFilter {
  std::optional<std::string> type;
  std::optional<std::string> status;
  std::optional<std::string> subject_type;
  std::optional<std::int64_t> subject_id;
};

struct QueueStats {
  std::int64_t pending = 0;  // due or waiting for a retry
  std::int64_t dead = 0;
  EpochMs oldest_due = 0;  // available_at of the oldest due pending event; 0 if none
};

class EventQueueStore {
 public:
  explicit EventQueueStore(const Dialect& dialect) : dialect_(dialect) {}

  // Leases up to `limit` due events to `owner` until now + lease_ms and counts the attempt.
  // An event is due when pending, available, unleased (or its lease expired), and no older
  // event of the same subject is still in flight: one subject's events go in order.
  std::vector<StoredEvent> claim(soci::session& s, const std::string& owner, EpochMs now,
                                 EpochMs lease_ms, int limit) const;
  // Lets the current transaction commit without waiting for the WAL flush (PostgreSQL).
  // Only for queue bookkeeping (leases, deliveries, done marks): losing it in a crash means
  // a redelivery, which at-least-once delivery and once() already absorb; never for effects.
  void relax_commit(soci::session& s) const;
  // States of every delivery of these events: (event id, subscriber) -> status.
  // `events` are (team id, event id) pairs.
  std::map<std::pair<std::int64_t, std::string>, std::string> delivery_states(
      soci::session& s, const std::vector<std::pair<std::int64_t, std::int64_t>>& events) const;
  // Records many deliveries in one statement ((team, event, delivery) triples).
  void record_deliveries(
      soci::session& s,
      const std::vector<std::tuple<std::int64_t, std::int64_t, Delivery>>& rows) const;
  // Marks many events done in one statement.
  void finish_done(soci::session& s,
                   const std::vector<std::pair<std::int64_t, std::int64_t>>& events) const;
  // The event leaves the queue as done or dead, or comes back at `retry_at`.
  void finish(soci::session& s, std::int64_t team_id, std::int64_t event_id,
              const std::string& status, std::optional<EpochMs> retry_at,
              const std::string& error) const;

  // A future event; a second schedule with the same dedupe key is a no-op (returns nullopt).
  std::optional<std::int64_t> schedule(soci::session& s, const NewEvent& event,
                                       const std::string& dedupe_key) const;
  bool cancel(soci::session& s, std::int64_t team_id, const std::string& dedupe_key) const;
  // Frees a dedupe key for a new event: cancels its pending event and clears the key on
  // events already handled or in flight.
  void release_key(soci::session& s, std::int64_t team_id, const std::string& dedupe_key) const;
  // Deletes up to `limit` done events created before `cutoff` (all teams) and their
  // delivery rows. Returns the events deleted.
  std::int64_t prune(soci::session& s, EpochMs cutoff, int limit) const;

  // Inserts the key; false when it exists (the effect already happened).
  bool claim_effect(soci::session& s, std::int64_t team_id, const std::string& key) const;
  bool has_effect(soci::session& s, std::int64_t team_id, const std::string& key) const;

  std::vector<StoredEvent> list(soci::session& s, std::int64_t team_id, const EventFilter& filter,
                                std::int64_t before_id, int limit) const;
  std::optional<StoredEvent> get(soci::session& s, std::int64_t team_id, std::int64_t id) const;
  // Events of the team with id > after_id that are due, oldest first (the live stream).
  std::vector<StoredEvent> after(soci::session& s, std::int64_t team_id, std::int64_t after_id,
                                 EpochMs now, int limit) const;
  // The newest event id of the team (0 when none).
  std::int64_t newest_id(soci::session& s, std::int64_t team_id) const;
  std::vector<Delivery> deliveries(soci::session& s, std::int64_t team_id,
                                   std::int64_t event_id) const;
  // A dead event back to pending, its dead deliveries retried. False unless it was dead.
  bool replay(soci::session& s, std::int64_t team_id, std::int64_t id) const;
  QueueStats stats(soci::session& s, EpochMs now) const;

 private:
  const Dialect& dialect_;
};

}  // namespace sb
