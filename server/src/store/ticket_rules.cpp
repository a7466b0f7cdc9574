// Ticket SLA and lifecycle rules.
#include "store/ticket_rules.h"

#include <soci/soci.h>

#include <algorithm>

#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/record_json.h"
#include "model/sla.h"
#include "store/database.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

bool is_closed(const std::string& status) {
  return status == "resolved" || status == "closed";
}

std::optional<Record> default_policy(soci::session& s, const Dialect& dialect,
                                     std::int64_t team_id) {
  RecordStore store(dialect);
  RecordQuery q;
  q.filters.push_back({crm::sla_policy().index("is_default"), {std::int64_t{1}}});
  q.limit = 1;
  auto rows = store.list(s, crm::sla_policy(), team_id, q);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

// Due times of `ticket` under `policy`, counted from its creation.
void apply_policy(Record& t, const Record& policy, std::vector<int>& changed) {
  const auto& ts = crm::ticket();
  const auto& ps = crm::sla_policy();
  auto targets = parse_sla_targets(policy.text_or(ps, "targets", "{}"));
  auto hours = parse_business_hours(policy.text_or(ps, "business_hours", "null"));
  const BusinessHours* bh = hours ? &*hours : nullptr;
  SlaTarget target;
  if (auto it = targets.find(t.text_or(ts, "priority", "normal")); it != targets.end())
    target = it->second;
  EpochMs start = t.created_at ? t.created_at : now_ms();
  t.set(ts, "sla_policy_id", policy.id);
  if (t.is_null(ts, "first_responded_at")) {
    t.set(ts, "first_response_due_at",
          target.first_response_minutes
              ? FieldValue{add_business_minutes(start, *target.first_response_minutes, bh)}
              : FieldValue{});
  }
  if (t.is_null(ts, "resolved_at")) {
    t.set(ts, "resolve_due_at",
          target.resolution_minutes
              ? FieldValue{add_business_minutes(start, *target.resolution_minutes, bh)}
              : FieldValue{});
  }
  for (auto f : {"sla_policy_id", "first_response_due_at", "resolve_due_at"})
    mark_changed(changed, ts, f);
}

}  // namespace

void TicketHooks::before_write(soci::session& s, const Record* before, Record& after,
                               std::vector<int>& changed, const WriteContext&) const {
  const auto& ts = crm::ticket();
  if (!before || was_changed(changed, ts, "priority")) {
    if (!before) after.created_at = now_ms();
    if (auto policy = default_policy(s, tickets_.store().dialect(), after.team_id))
      apply_policy(after, *policy, changed);
  }
  std::string status = after.text_or(ts, "status", "open");
  bool was_closed = before && is_closed(before->text_or(ts, "status", "open"));
  if (is_closed(status) && after.is_null(ts, "resolved_at")) {
    after.set(ts, "resolved_at", now_ms());
    mark_changed(changed, ts, "resolved_at");
  } else if (!is_closed(status) && was_closed) {
    after.set(ts, "resolved_at", FieldValue{});  // reopened
    mark_changed(changed, ts, "resolved_at");
  }
}

void TicketHooks::after_write(soci::session& s, const Record* before, const Record& after,
                              const std::vector<int>& changed, const WriteContext&) const {
  const auto& ts = crm::ticket();
  bool assigned =
      !after.is_null(ts, "assignee_id") && (!before || was_changed(changed, ts, "assignee_id"));
  if (assigned) {
    Poco::JSON::Object extra;
    extra.set("previous_assignee_id",
              before ? field_to_json(ts.field("assignee_id"), before->at(ts, "assignee_id"))
                     : Poco::Dynamic::Var());
    tickets_.emit(s, after, "assigned", &extra);
  }
  if (after.text_or(ts, "status", "") == "resolved" &&
      (!before || was_changed(changed, ts, "status")))
    tickets_.emit(s, after, "resolved");
}

void SlaPolicyHooks::before_write(soci::session& s, const Record*, Record& after, std::vector<int>&,
                                  const WriteContext&) const {
  if (after.int_or(crm::sla_policy(), "is_default", 0) != 1) return;
  store_.clear_default(s, crm::sla_policy(), after.team_id, after.id);
}

void SlaPolicyHooks::before_remove(soci::session& s, const Record& r) const {
  // Tickets keep their due times; they just no longer name the policy.
  long long team = r.team_id, id = r.id;
  run_cached(s,
             "UPDATE tickets SET sla_policy_id = NULL WHERE team_id = :t AND sla_policy_id = :id",
             soci::use(team), soci::use(id));
}

void CommentHooks::before_write(soci::session&, const Record* before, Record& after,
                                std::vector<int>& changed, const WriteContext& ctx) const {
  if (before) return;
  if (ctx.actor.key_id) {
    after.set(crm::comment(), "author_key_id", *ctx.actor.key_id);
    mark_changed(changed, crm::comment(), "author_key_id");
  }
  // A signed-in person writes as themselves unless they named another author.
  if (ctx.actor.user_id && after.is_null(crm::comment(), "author_user_id")) {
    after.set(crm::comment(), "author_user_id", *ctx.actor.user_id);
    mark_changed(changed, crm::comment(), "author_user_id");
  }
}

void CommentHooks::after_write(soci::session& s, const Record* before, const Record& after,
                               const std::vector<int>&, const WriteContext& ctx) const {
  const auto& cs = crm::comment();
  const auto& ts = crm::ticket();
  // The first public reply from the team is the ticket's first response.
  if (before || after.int_or(cs, "internal", 0) != 0) return;
  std::int64_t ticket_id = after.int_or(cs, "ticket_id", 0);
  Record ticket = tickets_.require(s, after.team_id, ticket_id, 0, true);
  if (!ticket.is_null(ts, "first_responded_at")) return;
  Record next = ticket;
  next.set(ts, "first_responded_at", now_ms());
  tickets_.save(s, ticket, next, {ts.index("first_responded_at")}, ctx);
}

int scan_sla_breaches(soci::session& s, const RecordService& tickets, EpochMs now, int limit) {
  std::vector<std::pair<long long, long long>> due;
  {
    long long team = 0, id = 0, at = now, lim = limit;
    soci::statement st(s);
    st.exchange(soci::into(team));
    st.exchange(soci::into(id));
    st.exchange(soci::use(at, "now"));
    st.exchange(soci::use(lim, "lim"));
    if (execute_once(st,
                     "SELECT team_id, id FROM tickets WHERE sla_breached = 0 AND status IN "
                     "('open', 'pending') AND ((first_responded_at IS NULL AND "
                     "first_response_due_at <= :now) OR (resolved_at IS NULL AND resolve_due_at "
                     "<= :now)) ORDER BY id LIMIT :lim")) {
      do due.emplace_back(team, id);
      while (st.fetch());
    }
  }
  const auto& ts = crm::ticket();
  int flagged = 0;
  for (const auto& [team, id] : due) {
    auto ticket = tickets.store().get(s, ts, team, id, true);
    if (!ticket || ticket->int_or(ts, "sla_breached", 0) == 1) continue;  // another process won
    bool first = ticket->is_null(ts, "first_responded_at") &&
                 ticket->int_or(ts, "first_response_due_at", INT64_MAX) <= now;
    Record next = *ticket;
    next.set(ts, "sla_breached", std::int64_t{1});
    tickets.save(s, *ticket, next, {ts.index("sla_breached")}, {});
    Poco::JSON::Object extra(Poco::JSON_PRESERVE_KEY_ORDER);
    extra.set("breach", first ? "first_response" : "resolution");
    extra.set("due_at", format_iso8601(ticket->int_or(
                            ts, first ? "first_response_due_at" : "resolve_due_at", now)));
    tickets.emit(s, next, "sla_breached", &extra);
    ++flagged;
  }
  return flagged;
}

int scan_sla_breaches(Database& db, EpochMs now, int limit) {
  struct Tickets {
    explicit Tickets(const Dialect& d) : service(crm::ticket(), d, &hooks), hooks(service) {}
    RecordService service;
    TicketHooks hooks;
  } tickets(db.dialect());
  return db.write(
      [&](soci::session& s) { return scan_sla_breaches(s, tickets.service, now, limit); });
}

void create_default_sla_policy(soci::session& s, const Dialect& dialect, std::int64_t team_id) {
  RecordStore store(dialect);
  Record p;
  p.team_id = team_id;
  p.values = {std::string("Standard"), std::int64_t{1},
              std::string("{\"urgent\":{\"first_response_minutes\":60,\"resolution_minutes\":240},"
                          "\"high\":{\"first_response_minutes\":240,\"resolution_minutes\":1440},"
                          "\"normal\":{\"first_response_minutes\":480,\"resolution_minutes\":2880},"
                          "\"low\":{\"first_response_minutes\":1440,\"resolution_minutes\":4320}}"),
              FieldValue{}};
  store.insert(s, crm::sla_policy(), p);
}

}  // namespace sb
