// The transactional outbox: a change and its event are written in the same transaction.
// Repositories call append() with the session of their write; the dispatcher (events/)
// claims what is due.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"
#include "store/dialect.h"

namespace soci {
class session;
}

namespace sb {

struct NewEvent {
  std::int64_t team_id = 0;
  std::string type;          // "contact.created", ...
  std::string subject_type;  // "contact", "api_key", ... (empty: none)
  std::optional<std::int64_t> subject_id;
  std::string payload_json = "{}";      // a JSON object
  std::optional<EpochMs> available_at;  // default: now (timers set the future)
};

struct StoredEvent {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::string type;
  std::string subject_type;
  std::optional<std::int64_t> subject_id;
  std::string payload_json;
  EpochMs created_at = 0;
  std::string status;
  int attempts = 0;
  EpochMs available_at = 0;
  std::string last_error;
};

class EventStore {
 public:
  explicit EventStore(const Dialect& dialect) : dialect_(dialect) {}

  // Must run inside the caller's write transaction. Returns the event id.
  std::int64_t append(soci::session& s, const NewEvent& event) const;
  // Many events, ids ascending in the given order (how capture keeps a contact's events
  // in order while writing a whole batch in one round trip): one statement per
  // kMaxPerStatement events, which bounds the memory a statement takes.
  void append_many(soci::session& s, const std::vector<NewEvent>& events) const;
  static constexpr std::size_t kMaxPerStatement = 1000;

 private:
  const Dialect& dialect_;
};

}  // namespace sb
