// The write path of a schema-described entity: reference checks, the entity's domain
// rules (RecordHooks), the row, and its outbox events and timeline entries, all in the
// caller's transaction. Events are "<entity>.created|updated|deleted"; hooks add the
// domain ones (lead.stage_changed, ticket.resolved, ...).
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "model/actor.h"
#include "model/record.h"
#include "store/event_store.h"
#include "store/record_store.h"
#include "store/timeline_store.h"

namespace soci {
class session;
}

namespace sb {

struct WriteContext {
  Actor actor;
};

// Hook helpers: whether `field` is among the changed indexes; add it when a hook sets it.
bool was_changed(const std::vector<int>& changed, const EntitySchema& schema,
                 std::string_view field);
void mark_changed(std::vector<int>& changed, const EntitySchema& schema, std::string_view field);

class RecordHooks {
 public:
  virtual ~RecordHooks() = default;
  // Derives fields and checks cross-field rules before the row is written; `before` is
  // null on create. A hook that sets a field adds its index to `changed`.
  virtual void before_write(soci::session& s, const Record* before, Record& after,
                            std::vector<int>& changed, const WriteContext& ctx) const;
  // Runs after the row is written, in the same transaction: domain events, timeline.
  virtual void after_write(soci::session& s, const Record* before, const Record& after,
                           const std::vector<int>& changed, const WriteContext& ctx) const;
  virtual void before_remove(soci::session& s, const Record& record) const;
  // Extra members of the JSON form (a pipeline's stages).
  virtual void decorate(soci::session& s, const Record& record, Poco::JSON::Object& json) const;
};

// Who an event is about: the contact when the record has one (per-contact ordering),
// else the parent resource, else the record itself.
struct EventSubject {
  std::string type;
  std::int64_t id = 0;
};

class RecordService {
 public:
  RecordService(const EntitySchema& schema, const Dialect& dialect,
                const RecordHooks* hooks = nullptr);

  // parent_id: the path's parent for nested resources (0 otherwise); 404 when it is absent.
  Record create(soci::session& s, std::int64_t team_id, const RecordInput& input,
                std::int64_t parent_id, const WriteContext& ctx) const;
  // Writes a record built by the server (read-only fields may be set).
  void insert(soci::session& s, Record& record, const WriteContext& ctx) const;
  // Unchanged input returns the record as it is, with no event.
  Record update(soci::session& s, std::int64_t team_id, std::int64_t id, const RecordInput& input,
                std::int64_t parent_id, const WriteContext& ctx) const;
  // Writes `after` (already changed in `changed`) over `before`: server-side updates.
  Record save(soci::session& s, const Record& before, Record after, std::vector<int> changed,
              const WriteContext& ctx) const;
  void remove(soci::session& s, std::int64_t team_id, std::int64_t id, std::int64_t parent_id,
              const WriteContext& ctx) const;

  Record require(soci::session& s, std::int64_t team_id, std::int64_t id,
                 std::int64_t parent_id = 0, bool for_update = false) const;
  // Lists within the parent when parent_id > 0.
  std::vector<Record> list(soci::session& s, std::int64_t team_id, RecordQuery query,
                           std::int64_t parent_id = 0) const;
  Poco::JSON::Object to_json(soci::session& s, const Record& record) const;

  EventSubject subject_of(const Record& record) const;
  // Appends "<entity>.<what>" with {"<entity>": record, ...extra} for `record`.
  void emit(soci::session& s, const Record& record, std::string_view what,
            const Poco::JSON::Object* extra = nullptr) const;
  // The same with a full event type ("form.submitted").
  void emit_as(soci::session& s, const Record& record, const std::string& type,
               const Poco::JSON::Object* extra = nullptr) const;

  const EntitySchema& schema() const { return schema_; }
  const RecordStore& store() const { return store_; }
  const TimelineStore& timeline() const { return timeline_; }

 private:
  void check_parent(soci::session& s, std::int64_t team_id, std::int64_t parent_id) const;
  void guard(soci::session& s, const Record* before, Record& after,
             std::vector<int>& changed) const;

  const EntitySchema& schema_;
  RecordStore store_;
  EventStore events_;
  TimelineStore timeline_;
  RecordHooks default_hooks_;
  const RecordHooks& hooks_;
  int parent_ = -1;
  int contact_ = -1;
};

}  // namespace sb
