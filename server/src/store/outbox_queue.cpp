#include "store/outbox_queue.h"

#include "store/record_service.h"

namespace sb {

std::int64_t queue_outbox_message(soci::session& s, const RecordService& outbox,
                                  const OutboxRequest& q) {
  const EntitySchema& schema = outbox.schema();
  Record r;
  r.team_id = q.team_id;
  r.values.resize(schema.fields.size());
  r.set(schema, "channel", FieldValue(q.channel));
  if (q.contact_id) r.set(schema, "contact_id", FieldValue(*q.contact_id));
  r.set(schema, "recipient", FieldValue(q.recipient));
  if (!q.template_name.empty()) r.set(schema, "template", FieldValue(q.template_name));
  if (!q.body.empty()) r.set(schema, "body", FieldValue(q.body));
  r.set(schema, "data", FieldValue(q.data_json));
  r.set(schema, "status", FieldValue(std::string("queued")));
  r.set(schema, "source", FieldValue(q.source));
  outbox.insert(s, r, WriteContext{});
  return r.id;
}

}  // namespace sb
