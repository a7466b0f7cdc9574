// What receives events: workflows and plugins will implement this. A subscriber names
// itself, says which event types it wants, and handles one event at a time.
#pragma once

#include <functional>
#include <string>
#include <string_view>

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
};

}  // namespace sb
