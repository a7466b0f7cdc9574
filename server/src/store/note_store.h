// Notes on a contact. The body is Markdown source, stored verbatim; clients render it
// with raw HTML disabled (docs/contacts.md). Adding a note writes a timeline entry and a
// note.added event in the same transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"
#include "model/contact_attachments.h"
#include "store/event_store.h"
#include "store/timeline_store.h"

namespace soci {
class session;
}

namespace sb {

class NoteStore {
 public:
  explicit NoteStore(const Dialect& dialect)
      : dialect_(dialect), events_(dialect), timeline_(dialect) {}

  static constexpr std::size_t kMaxBodyBytes = 20000;

  Note add(soci::session& s, std::int64_t team_id, std::int64_t contact_id, const std::string& body,
           bool pinned, const Actor& author) const;
  // `for_update`: the row stays locked until the transaction ends (a conditional write
  // compares it with If-Match, then changes it).
  std::optional<Note> get(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                          std::int64_t id, bool for_update = false) const;
  // Pinned first, then newest first (a contact has few notes: no paging).
  std::vector<Note> list(soci::session& s, std::int64_t team_id, std::int64_t contact_id) const;
  Note update(soci::session& s, const Note& note) const;
  bool remove(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
              std::int64_t id) const;

 private:
  Dialect dialect_;
  EventStore events_;
  TimelineStore timeline_;
};

}  // namespace sb
