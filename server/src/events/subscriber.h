// What receives events: workflows, plugins, segments, messaging and webhooks implement this.
// A subscriber names itself, says which event types it wants, and handles one event at a
// time or, if it asks, a claimed batch's events together.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/event_store.h"

namespace soci {
class session;
}

namespace sb {

class Database;

enum class HandleResult { kOk, kRetry, kFail };

struct Outcome {
  HandleResult result = HandleResult::kOk;
  std::string reason;  // for retry and fail
  static Outcome ok() { return {}; }
  static Outcome retry(std::string why) { return {HandleResult::kRetry, std::move(why)}; }
  static Outcome fail(std::string why) { return {HandleResult::kFail, std::move(why)}; }
};

// Given to a subscriber for one delivery. Valid only during handle().
class DeliveryContext {
 public:
  DeliveryContext(Database& db, const StoredEvent& event, std::string_view subscriber)
      : db_(db), event_(event), subscriber_(subscriber) {}

  Database& db() { return db_; }
  const StoredEvent& event() const { return event_; }

  // Runs `effect` at most once per key for this subscriber, across retries, redeliveries
  // and processes: the key row and the effect's own writes commit in one transaction.
  // Returns false when the key was used before (the effect already happened). A commit
  // whose answer was lost is looked up first (Database::write_resolved), so `true` means
  // committed and an exception means not committed, or commit_outcome_unknown().
  bool once(const std::string& key, const std::function<void(soci::session&)>& effect);
  // once()'s key, taken inside the caller's transaction (a subscriber handling a batch in
  // one): false when it was taken before. For effects that are only rows, such a
  // transaction may commit without waiting for the WAL flush (EventQueueStore::
  // relax_commit): a crash may lose it, but then it loses the bus's later done mark too
  // (commits reach the WAL in order), so the event comes again and the rows are rewritten.
  bool claim(soci::session& s, const std::string& key);

 private:
  Database& db_;
  const StoredEvent& event_;
  std::string subscriber_;
};

bool event_type_matches(std::string_view pattern, std::string_view type);

class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // Stable name: deliveries and effect keys are recorded under it.
  virtual std::string name() const = 0;
  // Exact type, "prefix.*" or "*".
  virtual std::string pattern() const = 0;
  // Whether this subscriber gets an event of `type` (a delivery row is kept for each one it
  // gets). The pattern by default; a subscriber of a few unrelated types lists them here.
  virtual bool wants(std::string_view type) const { return event_type_matches(pattern(), type); }
  // Exceptions count as a retry with the exception's message.
  virtual Outcome handle(const StoredEvent& event, DeliveryContext& context) = 0;

  // Whether the bus hands this subscriber a claimed batch's events together
  // (handle_batch) instead of one at a time: for a subscriber whose cost per event is
  // mostly its own transactions, which a batch can share.
  virtual bool takes_batches() const { return false; }
  // The events of one claimed batch this subscriber is to handle, in id order, each with
  // its context; one outcome per event, in the same order. They are of distinct subjects
  // (the bus hands out one event per subject at a time). An exception retries them all.
  virtual std::vector<Outcome> handle_batch(std::span<DeliveryContext> contexts) {
    std::vector<Outcome> out;
    for (DeliveryContext& c : contexts) out.push_back(handle(c.event(), c));
    return out;
  }
};

}  // namespace sb
