// Erasure of one contact, table by table, in one transaction.
#include "store/contact_erasure.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include "model/contact_json.h"
#include "model/error.h"
#include "model/hash.h"
#include "store/audit_store.h"
#include "store/contact_filter_sql.h"
#include "store/contact_store.h"
#include "store/dialect.h"
#include "store/messaging_store.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr const char* kSecretName = "erasure";

// Runs `sql` with :t (team) and :c (contact) bound; the rows it touched.
long long run(soci::session& s, const std::string& sql, std::int64_t team_id,
              std::int64_t contact_id) {
  long long team = team_id, contact = contact_id;
  soci::statement st(s);
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(contact, "c"));
  execute_once(st, sql);
  return st.get_affected_rows();
}

std::string digest(const std::string& secret, std::int64_t team_id, const std::string& kind,
                   const std::string& value) {
  // The team is part of the input: the same address erased in two teams gives two digests.
  return base64url(hmac_sha256(secret, std::to_string(team_id) + "\n" + kind + "\n" + value));
}

}  // namespace

ErasureReport ContactEraser::erase(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                                   ConversationErasure conversations, const Actor& actor,
                                   const std::string& origin, const std::string& request_id) const {
  auto contact = contacts_.get(s, team_id, contact_id, true);
  if (!contact) throw Error::not_found("contact", contact_id);
  ErasureReport report;

  // 1. What stays: a keyed hash of each address, nothing readable.
  std::string secret = MessagingStore(dialect_).install_secret(s, kSecretName);
  long long team = team_id, now = now_ms();
  for (const auto& [kind, value] :
       {std::pair<std::string, std::optional<std::string>>{"email", contact->email},
        {"phone", contact->phone}}) {
    if (!value) continue;
    std::string d = digest(secret, team_id, kind, *value);
    run_cached(
        s,
        "INSERT INTO erased_identities (team_id, kind, digest, erased_at) VALUES (:t, :k, :d, "
        ":at) ON CONFLICT DO NOTHING",
        soci::use(team, "t"), soci::use(kind, "k"), soci::use(d, "d"), soci::use(now, "at"));
  }

  // 2. Event payloads about the person (their own events, their conversations' events, any
  // payload naming them) keep only ids. Before the conversations go: their ids are needed.
  std::string scrubbed = "{\"id\":" + std::to_string(contact_id) +
                         ",\"contact_id\":" + std::to_string(contact_id) + ",\"erased\":true}";
  {
    long long c1 = contact_id, c2 = contact_id, t2 = team_id;
    std::string c3_text = std::to_string(contact_id);
    long long c3 = contact_id;
    const bool pg = dialect_.backend() == Backend::kPostgresql;
    std::string sql = "UPDATE events SET payload = " + dialect_.json_param("p") +
                      " WHERE team_id = :t AND ((subject_type = 'contact' AND subject_id = :c1) "
                      "OR (subject_type = 'conversation' AND subject_id IN (SELECT id FROM "
                      "conversations WHERE team_id = :t2 AND contact_id = :c2)) OR " +
                      (pg ? std::string("payload ->> 'contact_id' = :c3")
                          : std::string("json_extract(payload, '$.contact_id') = :c3")) +
                      ")";
    soci::statement st(s);
    st.exchange(soci::use(scrubbed, "p"));
    st.exchange(soci::use(team, "t"));
    st.exchange(soci::use(c1, "c1"));
    st.exchange(soci::use(t2, "t2"));
    st.exchange(soci::use(c2, "c2"));
    if (pg) {
      st.exchange(soci::use(c3_text, "c3"));
    } else {
      st.exchange(soci::use(c3, "c3"));
    }
    execute_once(st, sql);
    report.anonymised["events"] = st.get_affected_rows();
  }

  // 3. Conversations: the team's policy.
  if (conversations == ConversationErasure::kDelete) {
    report.removed["messages"] =
        run(s, "DELETE FROM messages WHERE team_id = :t AND contact_id = :c", team_id, contact_id);
    report.removed["conversations"] = run(
        s, "DELETE FROM conversations WHERE team_id = :t AND contact_id = :c", team_id, contact_id);
  } else {
    report.anonymised["messages"] =
        run(s,
            "UPDATE messages SET text = '', attachments = " +
                std::string(dialect_.backend() == Backend::kPostgresql
                                ? "'[]'::jsonb, data = '{}'::jsonb, captured = '{}'::jsonb"
                                : "'[]', data = '{}', captured = '{}'") +
                " WHERE team_id = :t AND contact_id = :c",
            team_id, contact_id);
    report.anonymised["conversations"] =
        run(s, "UPDATE conversations SET feedback = NULL WHERE team_id = :t AND contact_id = :c",
            team_id, contact_id);
  }

  // 4. What was about the person goes.
  {
    std::string sha;
    soci::statement st(s);
    long long t = team_id, c = contact_id;
    st.exchange(soci::into(sha));
    st.exchange(soci::use(t, "t"));
    st.exchange(soci::use(c, "c"));
    if (execute_once(st,
                     "SELECT sha256 FROM contact_files WHERE team_id = :t AND contact_id = :c")) {
      do {
        report.file_digests.push_back(sha);
      } while (st.fetch());
    }
  }
  for (const char* table :
       {"contact_notes", "contact_files", "timeline_entries", "form_submissions", "appointments",
        "workflow_timers", "segment_members", "segment_changes", "sequence_enrollments",
        "contact_suppressions", "notifications"}) {
    report.removed[table] =
        run(s, std::string("DELETE FROM ") + table + " WHERE team_id = :t AND contact_id = :c",
            team_id, contact_id);
  }
  // Merge snapshots hold the person's earlier values (two statements: a name is bound once).
  report.removed["merge_journal"] =
      run(s, "DELETE FROM merge_journal WHERE team_id = :t AND survivor_id = :c", team_id,
          contact_id) +
      run(s, "DELETE FROM merge_journal WHERE team_id = :t AND duplicate_id = :c", team_id,
          contact_id);
  // Messages to them: the address and content go; pending ones are never sent.
  report.anonymised["outbox_messages"] = run(
      s,
      "UPDATE outbox_messages SET recipient = '', body = NULL, data = " +
          std::string(dialect_.backend() == Backend::kPostgresql ? "'{}'::jsonb" : "'{}'") +
          ", status = CASE WHEN status IN ('queued', 'deferred') THEN 'skipped' ELSE status END, "
          "reason = CASE WHEN status IN ('queued', 'deferred') THEN 'erased' ELSE reason END "
          "WHERE team_id = :t AND contact_id = :c",
      team_id, contact_id);
  report.anonymised["campaign_recipients"] =
      run(s,
          "UPDATE campaign_recipients SET address = NULL, status = CASE WHEN status = 'pending' "
          "THEN 'skipped' ELSE status END, reason = CASE WHEN status = 'pending' THEN 'erased' "
          "ELSE reason END WHERE team_id = :t AND contact_id = :c",
          team_id, contact_id);
  // Business records stay, without the link to the person.
  report.anonymised["tickets"] =
      run(s, "UPDATE tickets SET contact_id = NULL WHERE team_id = :t AND contact_id = :c", team_id,
          contact_id);

  // 5. The profile itself (and its chat identities, so a new chat starts a fresh contact).
  contacts_.remove(s, team_id, contact_id, actor, /*erased=*/true);
  report.removed["contacts"] = 1;

  Poco::JSON::Object removed, anonymised, detail(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [k, v] : report.removed) removed.set(k, v);
  for (const auto& [k, v] : report.anonymised) anonymised.set(k, v);
  detail.set("removed", removed);
  detail.set("anonymised", anonymised);
  detail.set("conversations",
             conversations == ConversationErasure::kDelete ? "deleted" : "anonymised");
  AuditStore(dialect_).append(
      s, {.team_id = team_id,
          .actor_type = actor.user_id  ? "user"
                        : actor.key_id ? "api_key"
                                       : "system",
          .actor_id = actor.user_id  ? std::optional(std::to_string(*actor.user_id))
                      : actor.key_id ? std::optional(std::to_string(*actor.key_id))
                                     : std::nullopt,
          .action = "contact.erase",
          .subject_type = "contact",
          .subject_id = contact_id,
          .origin = origin.empty() ? std::nullopt : std::optional(origin),
          .request_id = request_id.empty() ? std::nullopt : std::optional(request_id),
          .detail_json = json_text(detail)});
  return report;
}

std::set<std::string> erased_addresses(soci::session& s, std::int64_t team_id,
                                       const std::string& kind,
                                       const std::vector<std::string>& values) {
  std::set<std::string> out;
  if (values.empty()) return out;
  std::string secret;
  soci::indicator ind = soci::i_null;
  const std::string name = kSecretName;
  run_cached(s, "SELECT value FROM install_secrets WHERE name = :n", soci::use(name, "n"),
             soci::into(secret, ind));
  if (ind != soci::i_ok) return out;  // nobody was ever erased here
  std::map<std::string, std::string> by_digest;
  SqlParams p;
  std::string list;
  for (const std::string& v : values) {
    auto [it, fresh] = by_digest.emplace(digest(secret, team_id, kind, v), v);
    if (fresh) list += (list.empty() ? "" : ", ") + p.add(it->first);
  }
  std::string sql = "SELECT digest FROM erased_identities WHERE team_id = " +
                    p.add(static_cast<long long>(team_id)) + " AND kind = " + p.add(kind) +
                    " AND digest IN (" + list + ")";
  std::string found;
  soci::statement st(s);
  st.exchange(soci::into(found));
  p.bind(st);
  if (execute_once(st, sql)) {
    do {
      out.insert(by_digest[found]);
    } while (st.fetch());
  }
  return out;
}

long long ContactEraser::blob_references(soci::session& s, const std::string& sha256) const {
  long long n = 0;
  run_cached(s, "SELECT COUNT(*) FROM contact_files WHERE sha256 = :h", soci::use(sha256, "h"),
             soci::into(n));
  return n;
}

}  // namespace sb
