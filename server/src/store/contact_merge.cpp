// Merge and unmerge with a journal.
#include "store/contact_merge.h"
#include "store/statement.h"

#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <algorithm>
#include <set>

#include "model/contact_json.h"
#include "model/error.h"
#include "store/contact_filter_sql.h"
#include "store/conversation_store.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

// Child tables whose rows follow a contact through a merge.
constexpr const char* kChildTables[] = {"contact_notes", "contact_files", "timeline_entries",
                                        "conversations", "messages"};

std::vector<long long> child_ids(soci::session& s, const char* table, long long team,
                                 long long contact) {
  std::vector<long long> out;
  long long id = 0;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::use(team));
  st.exchange(soci::use(contact));
  if (execute_once(st, std::string("SELECT id FROM ") + table +
                           " WHERE team_id = :t AND contact_id = :c ORDER BY id")) {
    do {
      out.push_back(id);
    } while (st.fetch());
  }
  return out;
}

// Moves a contact's child rows to another contact: all of them, or only `only_ids`.
void move_children(soci::session& s, const char* table, long long team, long long from,
                   long long to, const std::vector<long long>* only_ids) {
  if (only_ids && only_ids->empty()) return;
  SqlParams p;
  std::string sql = std::string("UPDATE ") + table + " SET contact_id = " + p.add(to) +
                    " WHERE team_id = " + p.add(team) + " AND contact_id = " + p.add(from);
  if (only_ids) {
    std::string in;
    for (long long id : *only_ids) in += (in.empty() ? "" : ", ") + p.add(id);
    sql += " AND id IN (" + in + ")";
  }
  soci::statement st(s);
  p.bind(st);
  execute_once(st, sql);
}

template <class T>
bool fill(std::optional<T>& target, const std::optional<T>& from) {
  if (target || !from) return false;
  target = from;
  return true;
}

bool union_into(std::vector<std::string>& target, const std::vector<std::string>& from,
                std::size_t cap) {
  bool changed = false;
  for (const auto& item : from) {
    if (target.size() >= cap) break;
    if (std::find(target.begin(), target.end(), item) == target.end()) {
      target.push_back(item);
      changed = true;
    }
  }
  return changed;
}

Poco::JSON::Object::Ptr parse_object(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr ids_json(const std::vector<long long>& ids) {
  Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
  for (long long id : ids) a->add(id);
  return a;
}

}  // namespace

MergeResult ContactMerger::merge(soci::session& s, std::int64_t team_id, std::int64_t survivor_id,
                                 std::int64_t duplicate_id, bool force, const Actor& actor,
                                 EpochMs retention_ms) const {
  if (survivor_id == duplicate_id)
    throw Error::validation("duplicate_id", "cannot merge a contact into itself");
  const Contact survivor = contacts_.require(s, team_id, survivor_id, true);
  const Contact dup = contacts_.require(s, team_id, duplicate_id, true);
  bool both_identified = survivor.external_id && dup.external_id;
  if (both_identified && !force &&
      (survivor.platform != dup.platform || *survivor.external_id != *dup.external_id)) {
    throw Error(ErrorCode::kConflict,
                "both contacts carry a different verified identity (platform + external_id); "
                "merging keeps only the survivor's. Send \"force\": true to merge anyway",
                {{"field", std::string("duplicate_id")}});
  }

  Contact merged = survivor;
  std::vector<std::string> filled;
  auto note = [&](bool changed, const char* f) {
    if (changed) filled.push_back(f);
  };
  if (!merged.external_id && dup.external_id) {
    merged.platform = dup.platform;
    merged.external_id = dup.external_id;
    filled.push_back("platform");
    filled.push_back("external_id");
  }
  note(fill(merged.name, dup.name), "name");
  note(fill(merged.email, dup.email), "email");
  note(fill(merged.phone, dup.phone), "phone");
  note(fill(merged.purchase_intent, dup.purchase_intent), "purchase_intent");
  note(fill(merged.needs, dup.needs), "needs");
  note(fill(merged.owner_id, dup.owner_id), "owner_id");
  note(fill(merged.account_id, dup.account_id), "account_id");
  note(fill(merged.stage, dup.stage), "stage");
  note(fill(merged.sentiment, dup.sentiment), "sentiment");
  note(union_into(merged.tags, dup.tags, contact_limits::kMaxListItems), "tags");
  note(union_into(merged.interests, dup.interests, contact_limits::kMaxListItems), "interests");
  note(union_into(merged.traits, dup.traits, contact_limits::kMaxTraits), "traits");
  bool meta = false;
  for (const auto& [k, v] : dup.metadata) {
    if (merged.metadata.size() < contact_limits::kMaxMetadataKeys &&
        merged.metadata.emplace(k, v).second)
      meta = true;
  }
  note(meta, "metadata");
  auto custom = parse_object(merged.custom_json);
  bool custom_changed = false;
  // Held in a name: a temporary in the range-for would die before the loop ran (C++20),
  // and with it the only reference to the parsed object (AddressSanitizer found it).
  const auto dup_custom = parse_object(dup.custom_json);
  for (const auto& [k, v] : *dup_custom) {
    if (!custom->has(k)) {
      custom->set(k, v);
      custom_changed = true;
    }
  }
  if (custom_changed) {
    Poco::JSON::Object sorted;
    for (const auto& [k, v] : *custom) sorted.set(k, v);
    merged.custom_json = json_text(sorted);
    filled.push_back("custom_fields");
  }
  if (dup.first_seen < merged.first_seen) {
    merged.first_seen = dup.first_seen;
    filled.push_back("first_seen");
  }
  if (dup.last_active > merged.last_active) {
    merged.last_active = dup.last_active;
    filled.push_back("last_active");
  }
  if (dup.score > merged.score) {
    merged.score = dup.score;
    filled.push_back("score");
  }

  long long team = team_id, from = duplicate_id, to = survivor_id;
  Poco::JSON::Object moved(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const char* table : kChildTables) {
    moved.set(table, ids_json(child_ids(s, table, team, from)));
    move_children(s, table, team, from, to, nullptr);
  }
  ConversationStore(contacts_.dialect()).move_identities(s, team_id, duplicate_id, survivor_id);
  merged.message_count += dup.message_count;
  merged.conversation_count += dup.conversation_count;
  run_cached(s, "DELETE FROM contacts WHERE team_id = :t AND id = :id", soci::use(team),
             soci::use(from));
  merged.version = survivor.version + 1;
  merged.updated_at = now_ms();
  contacts_.overwrite_row(s, merged);  // always: the version records the merge
  contacts_.save_activity(s, {merged});

  Poco::JSON::Object journal(Poco::JSON_PRESERVE_KEY_ORDER);
  journal.set("survivor_before", contact_to_json(survivor));
  journal.set("survivor_after", contact_to_json(merged));
  journal.set("duplicate", contact_to_json(dup));
  journal.set("filled", string_array(filled));
  journal.set("moved", moved);
  std::string journal_text = json_text(journal);
  EpochMs now = now_ms(), expires = now + retention_ms;
  long long merge_id = 0, sid = survivor_id;
  run_cached(s,
             "INSERT INTO merge_journal (team_id, survivor_id, duplicate_id, journal, created_at, "
             "expires_at) "
             "VALUES (:t, :s, :d, " +
                 contacts_.dialect().json_param("j") + ", :c, :e) RETURNING id",
             soci::use(team, "t"), soci::use(sid, "s"), soci::use(from, "d"),
             soci::use(journal_text, "j"), soci::use(now, "c"), soci::use(expires, "e"),
             soci::into(merge_id));

  Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
  entry.set("merge_id", merge_id);
  entry.set("duplicate_id", duplicate_id);
  entry.set("filled", string_array(filled));
  contacts_.timeline().add(s, team_id, survivor_id, "merged", json_text(entry), actor);
  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set("id", survivor_id);
  payload.set("merge_id", merge_id);
  payload.set("duplicate_id", duplicate_id);
  payload.set("filled", string_array(filled));
  payload.set("contact", contact_to_json(merged));
  contacts_.events().append(s, {.team_id = team_id,
                                .type = "contact.merged",
                                .subject_type = "contact",
                                .subject_id = survivor_id,
                                .payload_json = json_text(payload)});
  return MergeResult{merged, merge_id, duplicate_id, filled};
}

UnmergeResult ContactMerger::unmerge(soci::session& s, std::int64_t team_id,
                                     std::int64_t survivor_id, std::int64_t merge_id,
                                     const Actor& actor) const {
  long long team = team_id, sid = survivor_id, mid = merge_id, expires = 0, undone = 0,
            found_id = 0;
  std::string journal_text;
  soci::indicator undone_ind;
  std::string sql =
      "SELECT id, journal, expires_at, undone_at FROM merge_journal WHERE team_id = :t AND "
      "survivor_id = :s";
  if (merge_id > 0) {
    run_cached(s, sql + " AND id = :m", soci::use(team, "t"), soci::use(sid, "s"),
               soci::use(mid, "m"), soci::into(found_id), soci::into(journal_text),
               soci::into(expires), soci::into(undone, undone_ind));
  } else {
    s << sql + " AND undone_at IS NULL ORDER BY id DESC LIMIT 1", soci::use(team, "t"),
        soci::use(sid, "s"), soci::into(found_id), soci::into(journal_text), soci::into(expires),
        soci::into(undone, undone_ind);
  }
  if (!s.got_data())
    throw Error(ErrorCode::kNotFound, "no merge into this contact to undo", {{"id", survivor_id}});
  if (undone_ind == soci::i_ok)
    throw Error(ErrorCode::kConflict, "this merge was already undone",
                {{"merge_id", static_cast<std::int64_t>(found_id)}});
  if (expires < now_ms()) {
    throw Error(ErrorCode::kConflict,
                "this merge is older than the retention window and can no longer be undone",
                {{"merge_id", static_cast<std::int64_t>(found_id)}});
  }
  const Contact current = contacts_.require(s, team_id, survivor_id, true);

  auto journal = parse_object(journal_text);
  Contact before = contact_from_json(journal->getObject("survivor_before"), team_id);
  Contact after = contact_from_json(journal->getObject("survivor_after"), team_id);
  Contact restored = contact_from_json(journal->getObject("duplicate"), team_id);

  // Undo what the merge filled, unless the survivor was edited since in that field.
  Contact next = current;
  auto revert = [&](auto member) {
    if (next.*member == after.*member) next.*member = before.*member;
  };
  auto revert_list = [&](std::vector<std::string> Contact::*member) {
    std::vector<std::string> kept;
    for (const auto& item : next.*member) {
      bool added =
          std::find((before.*member).begin(), (before.*member).end(), item) ==
              (before.*member).end() &&
          std::find((after.*member).begin(), (after.*member).end(), item) != (after.*member).end();
      if (!added) kept.push_back(item);
    }
    next.*member = kept;
  };
  auto filled = journal->getArray("filled");
  std::set<std::string> filled_set;
  for (std::size_t i = 0; i < filled->size(); ++i)
    filled_set.insert(filled->getElement<std::string>(static_cast<unsigned>(i)));
  auto was = [&](const char* f) { return filled_set.count(f) > 0; };
  if (was("external_id")) {
    if (next.external_id == after.external_id && next.platform == after.platform) {
      next.external_id = before.external_id;
      next.platform = before.platform;
    }
  }
  if (was("name")) revert(&Contact::name);
  if (was("email")) revert(&Contact::email);
  if (was("phone")) revert(&Contact::phone);
  if (was("purchase_intent")) revert(&Contact::purchase_intent);
  if (was("needs")) revert(&Contact::needs);
  if (was("owner_id")) revert(&Contact::owner_id);
  if (was("account_id")) revert(&Contact::account_id);
  if (was("stage")) revert(&Contact::stage);
  if (was("sentiment")) revert(&Contact::sentiment);
  if (was("tags")) revert_list(&Contact::tags);
  if (was("interests")) revert_list(&Contact::interests);
  if (was("traits")) revert_list(&Contact::traits);
  if (was("metadata")) {
    for (const auto& [k, v] : after.metadata) {
      if (!before.metadata.count(k) && next.metadata.count(k) && next.metadata[k] == v)
        next.metadata.erase(k);
    }
  }
  if (was("custom_fields")) {
    auto cur = parse_object(next.custom_json);
    auto b = parse_object(before.custom_json);
    auto a = parse_object(after.custom_json);
    Poco::JSON::Object sorted;
    for (const auto& [k, v] : *cur) {
      bool added = !b->has(k) && a->has(k) && a->get(k).toString() == v.toString();
      if (!added) sorted.set(k, v);
    }
    next.custom_json = json_text(sorted);
  }
  if (was("first_seen")) revert(&Contact::first_seen);
  if (was("last_active")) revert(&Contact::last_active);
  if (was("score")) revert(&Contact::score);
  next.version = current.version + 1;
  next.updated_at = now_ms();
  contacts_.overwrite_row(s, next);

  contacts_.check_identity(s, restored, restored.id);
  restored.version += 1;
  restored.updated_at = now_ms();
  contacts_.insert_row(s, restored);
  auto moved = journal->getObject("moved");
  for (const char* table : kChildTables) {
    std::vector<long long> ids;
    auto arr = moved->getArray(table);
    for (std::size_t i = 0; arr && i < arr->size(); ++i)
      ids.push_back(arr->getElement<long long>(static_cast<unsigned>(i)));
    move_children(s, table, team, survivor_id, restored.id, &ids);
  }
  EpochMs now = now_ms();
  long long jid = found_id;
  run_cached(s, "UPDATE merge_journal SET undone_at = :n WHERE team_id = :t AND id = :id",
             soci::use(now), soci::use(team), soci::use(jid));

  Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
  entry.set("merge_id", found_id);
  entry.set("restored_id", restored.id);
  contacts_.timeline().add(s, team_id, survivor_id, "unmerged", json_text(entry), actor);
  contacts_.timeline().add(s, team_id, restored.id, "unmerged", json_text(entry), actor);
  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set("id", survivor_id);
  payload.set("merge_id", found_id);
  payload.set("restored_id", restored.id);
  contacts_.events().append(s, {.team_id = team_id,
                                .type = "contact.unmerged",
                                .subject_type = "contact",
                                .subject_id = survivor_id,
                                .payload_json = json_text(payload)});
  return UnmergeResult{next, restored};
}

}  // namespace sb
