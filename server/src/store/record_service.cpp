// Generic entity writes with events and timeline.
#include "store/record_service.h"

#include <soci/soci.h>

#include <algorithm>

#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"
#include "model/record_json.h"
#include "model/record_rules.h"
#include "store/write_guard.h"

namespace sb {

bool was_changed(const std::vector<int>& changed, const EntitySchema& schema,
                 std::string_view field) {
  return std::find(changed.begin(), changed.end(), schema.index(field)) != changed.end();
}

void mark_changed(std::vector<int>& changed, const EntitySchema& schema, std::string_view field) {
  if (!was_changed(changed, schema, field)) changed.push_back(schema.index(field));
}

void RecordHooks::before_write(soci::session&, const Record*, Record&, std::vector<int>&,
                               const WriteContext&) const {}
void RecordHooks::after_write(soci::session&, const Record*, const Record&, const std::vector<int>&,
                              const WriteContext&) const {}
void RecordHooks::before_remove(soci::session&, const Record&) const {}
void RecordHooks::decorate(soci::session&, const Record&, Poco::JSON::Object&) const {}

RecordService::RecordService(const EntitySchema& schema, const Dialect& dialect,
                             const RecordHooks* hooks)
    : schema_(schema),
      store_(dialect),
      events_(dialect),
      timeline_(dialect),
      hooks_(hooks ? *hooks : default_hooks_),
      parent_(schema.parent_index()),
      contact_(schema.index("contact_id")) {}

void RecordService::check_parent(soci::session& s, std::int64_t team_id,
                                 std::int64_t parent_id) const {
  if (parent_ < 0) return;
  const FieldSpec& f = schema_.fields[static_cast<std::size_t>(parent_)];
  if (!store_.exists(s, f.ref, team_id, parent_id)) {
    std::string name(f.name.substr(0, f.name.size() - 3));  // "ticket_id" -> "ticket"
    throw Error::not_found(name, parent_id);
  }
}

EventSubject RecordService::subject_of(const Record& r) const {
  if (contact_ >= 0) {
    if (const auto* id = std::get_if<std::int64_t>(&r.values[static_cast<std::size_t>(contact_)]))
      return {"contact", *id};
  }
  if (parent_ >= 0) {
    const FieldSpec& f = schema_.fields[static_cast<std::size_t>(parent_)];
    return {std::string(f.name.substr(0, f.name.size() - 3)),
            std::get<std::int64_t>(r.values[static_cast<std::size_t>(parent_)])};
  }
  return {std::string(schema_.name), r.id};
}

void RecordService::emit(soci::session& s, const Record& r, std::string_view what,
                         const Poco::JSON::Object* extra) const {
  emit_as(s, r, std::string(schema_.name) + "." + std::string(what), extra);
}

void RecordService::emit_as(soci::session& s, const Record& r, const std::string& type,
                            const Poco::JSON::Object* extra) const {
  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set(std::string(schema_.name), record_to_json(schema_, r));
  if (extra) {
    for (const auto& [k, v] : *extra) payload.set(k, v);
  }
  EventSubject subject = subject_of(r);
  events_.append(s, {.team_id = r.team_id,
                     .type = type,
                     .subject_type = subject.type,
                     .subject_id = subject.id,
                     .payload_json = json_text(payload)});
}

Record RecordService::create(soci::session& s, std::int64_t team_id, const RecordInput& input,
                             std::int64_t parent_id, const WriteContext& ctx) const {
  check_parent(s, team_id, parent_id);
  Record r = make_record(schema_, input);
  r.team_id = team_id;
  if (parent_ >= 0) r.values[static_cast<std::size_t>(parent_)] = parent_id;
  insert(s, r, ctx);
  return r;
}

// The admin's before hooks see the record as it would be written and may adjust fields:
// they run before the domain hooks, so derived values (SLA due times) follow adjustments.
void RecordService::guard(soci::session& s, const Record* before, Record& after,
                          std::vector<int>& changed) const {
  const WriteGuard* g = WriteGuard::current();
  std::string op = std::string(schema_.name) + (before ? ".update" : ".create");
  if (!g || !g->wants(after.team_id, op)) return;
  Poco::JSON::Object after_json = to_json(s, after);
  std::optional<Poco::JSON::Object> before_json;
  if (before) before_json = to_json(s, *before);
  ProposedWrite w{op, after.team_id, before_json ? &*before_json : nullptr, &after_json, {}};
  for (int i : changed) w.changed.emplace_back(schema_.fields[static_cast<std::size_t>(i)].name);
  std::string set = g->check(s, w);
  if (set.empty()) return;
  RecordInput input = read_record_input(schema_, *parse_json_object(set),
                                        before ? InputMode::kUpdate : InputMode::kCreate, "set");
  for (int i : apply_record_input(schema_, after, input)) {
    if (std::find(changed.begin(), changed.end(), i) == changed.end()) changed.push_back(i);
  }
}

void RecordService::insert(soci::session& s, Record& r, const WriteContext& ctx) const {
  // Server-built records get the same defaults as created ones for what they leave unset.
  r.values.resize(schema_.fields.size());
  for (std::size_t i = 0; i < schema_.fields.size(); ++i) {
    if (std::holds_alternative<std::monostate>(r.values[i]))
      r.values[i] = schema_.fields[i].fallback;
  }
  std::vector<int> changed;
  guard(s, nullptr, r, changed);
  hooks_.before_write(s, nullptr, r, changed, ctx);
  store_.check_refs(s, schema_, r);
  store_.insert(s, schema_, r);
  emit(s, r, "created");
  if (contact_ >= 0 && r.int_or(schema_, "contact_id", 0) > 0) {
    Poco::JSON::Object entry;
    entry.set("id", r.id);
    timeline_.add(s, r.team_id, r.int_or(schema_, "contact_id", 0),
                  std::string(schema_.name) + "_created", json_text(entry), ctx.actor);
  }
  hooks_.after_write(s, nullptr, r, changed, ctx);
}

Record RecordService::update(soci::session& s, std::int64_t team_id, std::int64_t id,
                             const RecordInput& input, std::int64_t parent_id,
                             const WriteContext& ctx) const {
  Record before = require(s, team_id, id, parent_id, true);
  Record after = before;
  std::vector<int> changed = apply_record_input(schema_, after, input);
  if (changed.empty()) return before;
  return save(s, before, std::move(after), std::move(changed), ctx);
}

Record RecordService::save(soci::session& s, const Record& before, Record after,
                           std::vector<int> changed, const WriteContext& ctx) const {
  guard(s, &before, after, changed);
  hooks_.before_write(s, &before, after, changed, ctx);
  // A hook may have put a field back as it was.
  std::vector<int> real;
  for (int i : changed) {
    auto k = static_cast<std::size_t>(i);
    if (before.values[k] != after.values[k] && std::find(real.begin(), real.end(), i) == real.end())
      real.push_back(i);
  }
  if (real.empty()) return before;
  store_.check_refs(s, schema_, after, real);
  store_.update(s, schema_, after);
  Poco::JSON::Object extra;
  extra.set("changes", record_changes_json(schema_, before, after, real));
  emit(s, after, "updated", &extra);
  if (contact_ >= 0 && after.int_or(schema_, "contact_id", 0) > 0) {
    Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
    entry.set("id", after.id);
    entry.set("changes", record_changes_json(schema_, before, after, real));
    timeline_.add(s, after.team_id, after.int_or(schema_, "contact_id", 0),
                  std::string(schema_.name) + "_updated", json_text(entry), ctx.actor);
  }
  hooks_.after_write(s, &before, after, real, ctx);
  return after;
}

void RecordService::remove(soci::session& s, std::int64_t team_id, std::int64_t id,
                           std::int64_t parent_id, const WriteContext& ctx) const {
  Record r = require(s, team_id, id, parent_id, true);
  hooks_.before_remove(s, r);
  store_.remove(s, schema_, team_id, id);
  emit(s, r, "deleted");
  if (contact_ >= 0 && r.int_or(schema_, "contact_id", 0) > 0) {
    Poco::JSON::Object entry;
    entry.set("id", r.id);
    timeline_.add(s, team_id, r.int_or(schema_, "contact_id", 0),
                  std::string(schema_.name) + "_deleted", json_text(entry), ctx.actor);
  }
}

Record RecordService::require(soci::session& s, std::int64_t team_id, std::int64_t id,
                              std::int64_t parent_id, bool for_update) const {
  if (parent_id > 0) check_parent(s, team_id, parent_id);
  auto r = store_.get(s, schema_, team_id, id, for_update);
  if (!r ||
      (parent_ >= 0 && parent_id > 0 &&
       r->int_or(schema_, schema_.fields[static_cast<std::size_t>(parent_)].name, 0) != parent_id))
    throw Error::not_found(schema_.name, id);
  return std::move(*r);
}

std::vector<Record> RecordService::list(soci::session& s, std::int64_t team_id, RecordQuery query,
                                        std::int64_t parent_id) const {
  if (parent_ >= 0 && parent_id > 0) {
    check_parent(s, team_id, parent_id);
    query.filters.push_back({parent_, {parent_id}});
  }
  return store_.list(s, schema_, team_id, query);
}

Poco::JSON::Object RecordService::to_json(soci::session& s, const Record& r) const {
  Poco::JSON::Object o = record_to_json(schema_, r);
  hooks_.decorate(s, r, o);
  return o;
}

}  // namespace sb
