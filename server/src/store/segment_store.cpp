#include "store/segment_store.h"

#include <soci/soci.h>

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <limits>
#include <set>

#include "model/clock.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "store/contact_filter_sql.h"
#include "store/contact_store.h"
#include "store/event_store.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr int kMaxReferenceDepth = 5;

struct Builtin {
  const char* key;
  const char* name;
  const char* description;
  const char* rule;
};

// The automatic segments. Their rules are ordinary rules: a team edits the thresholds by
// editing the rule (PATCH), and cannot delete them.
const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> b = {
      {"new", "New", "First contact within 30 days",
       R"({"field":"first_seen","op":"gte","value":"now-30d"})"},
      {"active", "Active", "An interaction within 7 days",
       R"({"field":"last_active","op":"gte","value":"now-7d"})"},
      {"at_risk", "At risk", "No interaction for 60 days or more",
       R"({"field":"last_active","op":"lt","value":"now-60d"})"},
      {"high_value", "High value", "Two or more bookings, or open and won leads worth 1000+",
       R"({"any":[{"field":"bookings_count","op":"gte","value":2},)"
       R"({"field":"lead_value","op":"gte","value":1000}]})"},
      {"frequent_bookers", "Frequent bookers", "Three or more appointments",
       R"({"field":"bookings_count","op":"gte","value":3})"},
      {"need_follow_up", "Need follow-up",
       "A conversation waiting for an answer, or an open ticket without a reply",
       R"({"any":[{"field":"unresolved_conversation","op":"eq","value":true},)"
       R"({"field":"unanswered_ticket","op":"eq","value":true}]})"},
  };
  return b;
}

[[noreturn]] void bad_reference(const std::string& message, std::int64_t id) {
  throw Error(ErrorCode::kInvalidFilter, message, {{"segment", id}});
}

// A number, or digits (the query-string form: ?segment=12).
std::int64_t segment_id_of(const FilterValue& v) {
  double d = 0;
  if (const double* n = std::get_if<double>(&v)) {
    d = *n;
  } else if (const auto* text = std::get_if<std::string>(&v);
             text && !text->empty() && text->size() < 16 &&
             text->find_first_not_of("0123456789") == std::string::npos) {
    d = std::stod(*text);
  }
  if (d < 1 || d != static_cast<double>(static_cast<std::int64_t>(d))) {
    throw Error(ErrorCode::kInvalidFilter, "'segment' takes a segment id", {{"field", "segment"}});
  }
  return static_cast<std::int64_t>(d);
}

std::vector<SegmentInfo> fetch(soci::session& s, const std::string& where, long long team,
                               long long id) {
  std::string rule, name;
  long long seg = 0;
  std::string builtin;
  soci::indicator builtin_ind = soci::i_ok;
  soci::statement st =
      (s.prepare
           << "SELECT id, name, CAST(rule AS TEXT), builtin FROM segments WHERE team_id = :t" +
                  where + " ORDER BY id",
       soci::into(seg), soci::into(name), soci::into(rule), soci::into(builtin, builtin_ind),
       soci::use(team), soci::use(id));
  st.execute();
  std::vector<SegmentInfo> out;
  while (st.fetch()) {
    SegmentInfo info;
    info.id = seg;
    info.name = name;
    if (builtin_ind == soci::i_ok) info.builtin = builtin;
    info.rule = parse_filter_json_text(rule);
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<std::int64_t> ids_of(soci::session& s, const std::string& sql, SqlParams& p) {
  long long id = 0;
  soci::statement st(s);
  st.exchange(soci::into(id));
  p.bind(st);
  std::vector<std::int64_t> out;
  if (execute_once(st, sql)) {
    do {
      out.push_back(id);
    } while (st.fetch());
  }
  return out;
}

}  // namespace

FilterNode SegmentStore::expand(soci::session& s, std::int64_t team_id, const FilterNode& filter,
                                std::int64_t self_id) const {
  std::vector<std::int64_t> path;
  if (self_id > 0) path.push_back(self_id);
  std::function<FilterNode(const FilterNode&)> walk = [&](const FilterNode& n) -> FilterNode {
    if (n.kind != FilterNode::Kind::kCondition) {
      FilterNode out = n;
      out.children.clear();
      for (const auto& c : n.children) out.children.push_back(walk(c));
      return out;
    }
    if (n.field != "segment") return n;
    const std::int64_t id = segment_id_of(n.values.at(0));
    for (std::int64_t seen : path) {
      if (seen == id) bad_reference("segment " + std::to_string(id) + " refers back to itself", id);
    }
    if (static_cast<int>(path.size()) >= kMaxReferenceDepth) {
      bad_reference(
          "segments nest deeper than " + std::to_string(kMaxReferenceDepth) + " references", id);
    }
    auto target = get(s, team_id, id);
    if (!target) bad_reference("no segment " + std::to_string(id) + " in this team", id);
    path.push_back(id);
    FilterNode inner = walk(target->rule);
    path.pop_back();
    if (n.op == "eq") return inner;
    FilterNode negated;
    negated.kind = FilterNode::Kind::kNot;
    negated.children.push_back(std::move(inner));
    return negated;
  };
  return walk(filter);
}

void SegmentStore::ensure_builtin(soci::session& s, std::int64_t team_id) const {
  long long team = team_id, have = 0;
  run_cached(s, "SELECT COUNT(*) FROM segments WHERE team_id = :t AND builtin IS NOT NULL",
             soci::use(team), soci::into(have));
  if (have >= static_cast<long long>(builtins().size())) return;
  long long now = now_ms();
  for (const Builtin& b : builtins()) {
    std::string key = b.key, name = b.name, description = b.description, rule = b.rule;
    // A team's own segment of the same name wins: the built-in one is skipped.
    run_cached(s,
               "INSERT INTO segments (team_id, name, description, rule, builtin, created_at, "
               "updated_at) VALUES (:t, :n, :d, " +
                   dialect_.json_param("r") + ", :b, :c, :u) ON CONFLICT DO NOTHING",
               soci::use(team, "t"), soci::use(name, "n"), soci::use(description, "d"),
               soci::use(rule, "r"), soci::use(key, "b"), soci::use(now, "c"), soci::use(now, "u"));
  }
}

std::vector<SegmentInfo> SegmentStore::list(soci::session& s, std::int64_t team_id) const {
  return fetch(s, " AND id > :i", team_id, 0);
}

std::optional<SegmentInfo> SegmentStore::get(soci::session& s, std::int64_t team_id,
                                             std::int64_t id) const {
  auto rows = fetch(s, " AND id = :i", team_id, id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

MembershipChange SegmentStore::refresh(soci::session& s, std::int64_t team_id,
                                       const SegmentInfo& segment,
                                       std::optional<std::int64_t> contact_id) const {
  ContactStore contacts(dialect_);
  MembershipChange change;
  const long long seg = segment.id, now = now_ms();
  // One statement each way, RETURNING the contacts it moved: the events name exactly the
  // rows written, even with writers racing this evaluation.
  {
    SqlParams p;
    std::string sql =
        "INSERT INTO segment_members (team_id, segment_id, contact_id, entered_at) SELECT "
        "c.team_id, " +
        p.add(seg) + ", c.id, " + p.add(now) + " FROM contacts c WHERE " +
        contacts.match_sql(s, team_id, segment.rule, p) +
        (contact_id ? " AND c.id = " + p.add(static_cast<long long>(*contact_id)) +
                          " AND NOT EXISTS (SELECT 1 FROM segment_members m WHERE m.segment_id = " +
                          p.add(seg) + " AND m.contact_id = c.id)"
                    // In full: a hashed subplan, built once. A NOT EXISTS probe here can be
                    // planned as a scan of the table this statement is growing: quadratic.
                    : " AND c.id NOT IN (SELECT m.contact_id FROM segment_members m WHERE "
                      "m.segment_id = " +
                          p.add(seg) + ")") +
        // A concurrent evaluation (the periodic pass, another process) may insert the same
        // row first: skipped, and not RETURNed, so its entered event is written only once.
        " ON CONFLICT DO NOTHING RETURNING contact_id";
    change.entered = ids_of(s, sql, p);
  }
  {
    SqlParams p;
    std::string sql =
        "DELETE FROM segment_members WHERE segment_id = " + p.add(seg) +
        (contact_id ? " AND contact_id = " + p.add(static_cast<long long>(*contact_id)) : "") +
        " AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = segment_members.contact_id AND " +
        contacts.match_sql(s, team_id, segment.rule, p) + ") RETURNING contact_id";
    change.exited = ids_of(s, sql, p);
  }
  if (change.entered.empty() && change.exited.empty()) return change;

  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set("segment_id", segment.id);
  payload.set("segment", segment.name);
  if (segment.builtin) payload.set("builtin", *segment.builtin);
  const std::string payload_json = json_text(payload);
  std::sort(change.entered.begin(), change.entered.end());
  std::sort(change.exited.begin(), change.exited.end());
  // Events built a chunk at a time: a first refresh over 1M imported contacts held all
  // their events at once (230 MB).
  EventStore events(dialect_);
  std::vector<NewEvent> chunk;
  auto emit = [&](const std::vector<std::int64_t>& ids, const char* type) {
    for (std::size_t at = 0; at < ids.size(); at += EventStore::kMaxPerStatement) {
      chunk.clear();
      const std::size_t end = std::min(ids.size(), at + EventStore::kMaxPerStatement);
      for (std::size_t i = at; i < end; ++i) {
        chunk.push_back({team_id, type, "contact", ids[i], payload_json, std::nullopt});
      }
      events.append_many(s, chunk);
    }
  };
  emit(change.entered, "segment.entered");
  emit(change.exited, "segment.exited");
  record_changes(s, team_id, segment.id, change.entered, "entered", now);
  record_changes(s, team_id, segment.id, change.exited, "exited", now);
  return change;
}

void SegmentStore::record_changes(soci::session& s, std::int64_t team_id, std::int64_t segment_id,
                                  const std::vector<std::int64_t>& contact_ids,
                                  const std::string& kind, EpochMs at) const {
  // The ids in chunks, each one statement: the rest bound once per chunk.
  for (std::size_t from = 0; from < contact_ids.size(); from += EventStore::kMaxPerStatement) {
    const std::size_t to = std::min(contact_ids.size(), from + EventStore::kMaxPerStatement);
    std::vector<std::int64_t> chunk(contact_ids.begin() + static_cast<std::ptrdiff_t>(from),
                                    contact_ids.begin() + static_cast<std::ptrdiff_t>(to));
    SqlParams p;
    std::string sql =
        "INSERT INTO segment_changes (team_id, segment_id, contact_id, kind, "
        "changed_at) SELECT c.team_id, " +
        p.add(static_cast<long long>(segment_id)) + ", c.id, " + p.add(kind) + ", " +
        p.add(static_cast<long long>(at)) +
        " FROM contacts c WHERE c.team_id = " + p.add(static_cast<long long>(team_id)) +
        " AND c.id IN (" + p.add_ids(chunk) + ") ORDER BY c.id";
    soci::statement st(s);
    p.bind(st);
    execute_once(st, sql);
  }
}

std::vector<SegmentChange> SegmentStore::history(soci::session& s, std::int64_t team_id,
                                                 std::int64_t segment_id, std::int64_t before_id,
                                                 int limit) const {
  long long team = team_id, seg = segment_id,
            before = before_id > 0 ? before_id : std::numeric_limits<long long>::max();
  int n = limit;
  long long id = 0, contact = 0, at = 0;
  std::string kind;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(contact));
  st.exchange(soci::into(kind));
  st.exchange(soci::into(at));
  st.exchange(soci::use(seg));
  st.exchange(soci::use(team));
  st.exchange(soci::use(before));
  st.exchange(soci::use(n));
  std::vector<SegmentChange> out;
  if (execute_once(st,
                   "SELECT id, contact_id, kind, changed_at FROM segment_changes WHERE "
                   "segment_id = :s AND team_id = :t AND id < :b ORDER BY id DESC LIMIT :n")) {
    do {
      out.push_back({id, contact, kind == "entered", at});
    } while (st.fetch());
  }
  return out;
}

void SegmentStore::refresh_contact(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                                   const std::vector<SegmentInfo>* segments) const {
  long long team = team_id, contact = contact_id, present = 0;
  run_cached(s, "SELECT COUNT(*) FROM contacts WHERE team_id = :t AND id = :c", soci::use(team),
             soci::use(contact), soci::into(present));
  if (present == 0) {
    // Deleted (or merged away): its memberships go without exit events about a contact
    // that no longer exists.
    run_cached(s, "DELETE FROM segment_members WHERE team_id = :t AND contact_id = :c",
               soci::use(team), soci::use(contact));
    return;
  }
  for (const SegmentInfo& seg : segments ? *segments : list(s, team_id)) {
    refresh(s, team_id, seg, contact_id);
  }
}

std::vector<SegmentInfo> SegmentStore::read_by(soci::session& s, std::int64_t team_id,
                                               const std::vector<std::string>& changed) const {
  std::vector<SegmentInfo> out;
  for (SegmentInfo& seg : list(s, team_id)) {
    if (contact_change_can_affect(expand(s, team_id, seg.rule, seg.id), changed)) {
      out.push_back(std::move(seg));
    }
  }
  return out;
}

int SegmentStore::refresh_time_based(soci::session& s, std::int64_t team_id) const {
  int n = 0;
  for (const SegmentInfo& seg : list(s, team_id)) {
    if (!filter_uses_relative_time(expand(s, team_id, seg.rule, seg.id))) continue;
    refresh(s, team_id, seg, std::nullopt);
    ++n;
  }
  return n;
}

std::vector<SegmentInfo> SegmentStore::of_contact(soci::session& s, std::int64_t team_id,
                                                  std::int64_t contact_id) const {
  // One round trip: each segment's rule for this one contact, as a UNION ALL of the
  // segment ids whose rule matches.
  ContactStore contacts(dialect_);
  std::vector<SegmentInfo> all = list(s, team_id);
  std::vector<SegmentInfo> out;
  if (all.empty()) return out;
  SqlParams p;
  std::string sql;
  for (const SegmentInfo& seg : all) {
    if (!sql.empty()) sql += " UNION ALL ";
    sql += "SELECT " + std::to_string(seg.id) + " WHERE EXISTS (SELECT 1 FROM contacts c WHERE " +
           contacts.match_sql(s, team_id, seg.rule, p) +
           " AND c.id = " + p.add(static_cast<long long>(contact_id)) + ")";
  }
  std::vector<std::int64_t> matched = ids_of(s, sql, p);
  for (SegmentInfo& seg : all) {
    if (std::find(matched.begin(), matched.end(), seg.id) != matched.end()) {
      out.push_back(std::move(seg));
    }
  }
  return out;
}

void SegmentStore::before_remove(soci::session& s, std::int64_t team_id, std::int64_t id) const {
  for (const SegmentInfo& other : list(s, team_id)) {
    if (other.id == id) continue;
    std::function<bool(const FilterNode&)> refers = [&](const FilterNode& n) {
      if (n.kind == FilterNode::Kind::kCondition) {
        return n.field == "segment" && segment_id_of(n.values.at(0)) == id;
      }
      for (const auto& c : n.children) {
        if (refers(c)) return true;
      }
      return false;
    };
    if (refers(other.rule)) {
      throw Error(ErrorCode::kConflict,
                  "segment " + std::to_string(other.id) + " '" + other.name +
                      "' refers to this segment; change its rule first",
                  {{"segment", other.id}});
    }
  }
  long long seg = id;
  run_cached(s, "DELETE FROM segment_members WHERE segment_id = :s", soci::use(seg));
  run_cached(s, "DELETE FROM segment_changes WHERE segment_id = :s", soci::use(seg));
}

}  // namespace sb
