// File attachments of a contact: the metadata rows (the bytes live in the BlobStore).
// Adding one writes a timeline entry and a file.added event in the same transaction.
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

class FileStore {
 public:
  explicit FileStore(const Dialect& dialect) : events_(dialect), timeline_(dialect) {}

  ContactFile add(soci::session& s, ContactFile file) const;
  std::optional<ContactFile> get(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                                 std::int64_t id) const;
  std::vector<ContactFile> list(soci::session& s, std::int64_t team_id,
                                std::int64_t contact_id) const;
  bool remove(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
              std::int64_t id) const;

 private:
  EventStore events_;
  TimelineStore timeline_;
};

}  // namespace sb
