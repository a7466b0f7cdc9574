#include "store/messaging_store.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include <algorithm>

#include "model/contact_json.h"
#include "model/hash.h"
#include "store/contact_filter_sql.h"
#include "store/dialect.h"
#include "store/event_store.h"
#include "store/statement.h"
#include "store/statement_cache.h"
#include "store/timeline_store.h"

namespace sb {
bool MessagingStore::suppress(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                              const std::string& channel, const std::string& reason,
                              const std::optional<std::string>& note) const {
  long long team = team_id, contact = contact_id, now = now_ms();
  std::string note_text = note.value_or("");
  soci::indicator note_ind = note ? soci::i_ok : soci::i_null;
  // Read first to know whether the entry is new; the upsert keeps concurrent adds safe.
  long long existed = 0;
  run_cached(s,
             "SELECT COUNT(*) FROM contact_suppressions WHERE team_id = :t AND contact_id = :c AND "
             "channel = :ch",
             soci::use(team, "t"), soci::use(contact, "c"), soci::use(channel, "ch"),
             soci::into(existed));
  run_cached(
      s,
      "INSERT INTO contact_suppressions (team_id, contact_id, channel, reason, note, created_at) "
      "VALUES (:t, :c, :ch, :r, :n, :now) ON CONFLICT (team_id, contact_id, channel) DO UPDATE "
      "SET reason = excluded.reason, note = excluded.note",
      soci::use(team, "t"), soci::use(contact, "c"), soci::use(channel, "ch"),
      soci::use(reason, "r"), soci::use(note_text, note_ind, "n"), soci::use(now, "now"));
  if (existed > 0) return false;
  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set("channel", channel);
  payload.set("reason", reason);
  contact_event(s, team_id, contact_id, "contact.suppressed", json_text(payload));
  return true;
}

bool MessagingStore::unsuppress(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                                const std::string& channel) const {
  long long team = team_id, contact = contact_id;
  soci::statement st = (s.prepare << "DELETE FROM contact_suppressions WHERE team_id = :t AND "
                                     "contact_id = :c AND channel = :ch",
                        soci::use(team, "t"), soci::use(contact, "c"), soci::use(channel, "ch"));
  st.execute(true);
  if (st.get_affected_rows() == 0) return false;
  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set("channel", channel);
  contact_event(s, team_id, contact_id, "contact.unsuppressed", json_text(payload));
  return true;
}

std::vector<Suppression> MessagingStore::suppressions(soci::session& s, std::int64_t team_id,
                                                      std::int64_t contact_id) const {
  long long team = team_id, contact = contact_id, created = 0;
  Suppression row;
  std::string note;
  soci::indicator note_ind;
  soci::statement st(s);
  st.exchange(soci::into(row.channel));
  st.exchange(soci::into(row.reason));
  st.exchange(soci::into(note, note_ind));
  st.exchange(soci::into(created));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(contact, "c"));
  std::vector<Suppression> out;
  if (execute_once(st,
                   "SELECT channel, reason, note, created_at FROM contact_suppressions WHERE "
                   "team_id = :t AND contact_id = :c ORDER BY channel")) {
    do {
      row.contact_id = contact_id;
      row.note = note_ind == soci::i_ok ? std::optional<std::string>(note) : std::nullopt;
      row.created_at = created;
      out.push_back(row);
    } while (st.fetch());
  }
  return out;
}

std::map<std::int64_t, std::string> MessagingStore::suppressed(
    soci::session& s, std::int64_t team_id, const std::string& channel,
    const std::vector<std::int64_t>& contact_ids) const {
  std::map<std::int64_t, std::string> out;
  if (contact_ids.empty()) return out;
  SqlParams p;
  std::string sql = "SELECT contact_id, reason FROM contact_suppressions WHERE team_id = " +
                    p.add(static_cast<long long>(team_id)) + " AND channel IN (" + p.add(channel) +
                    ", 'all') AND contact_id IN (" + p.add_ids(contact_ids) + ")";
  long long id = 0;
  std::string reason;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(reason));
  p.bind(st);
  if (execute_once(st, sql)) {
    do {
      out.emplace(id, reason);
    } while (st.fetch());
  }
  return out;
}

std::map<std::int64_t, std::int64_t> MessagingStore::sends_since(
    soci::session& s, std::int64_t team_id, const std::vector<std::int64_t>& contact_ids,
    EpochMs since) const {
  std::map<std::int64_t, std::int64_t> out;
  if (contact_ids.empty()) return out;
  for (const char* table : {"outbox_messages", "campaign_recipients"}) {
    SqlParams p;
    std::string sql = std::string("SELECT contact_id, COUNT(*) FROM ") + table +
                      " WHERE team_id = " + p.add(static_cast<long long>(team_id)) +
                      " AND contact_id IN (" + p.add_ids(contact_ids) +
                      ") AND sent_at >= " + p.add(static_cast<long long>(since)) +
                      " GROUP BY contact_id";
    long long id = 0, n = 0;
    soci::statement st(s);
    st.exchange(soci::into(id));
    st.exchange(soci::into(n));
    p.bind(st);
    if (execute_once(st, sql)) {
      do {
        out[id] += n;
      } while (st.fetch());
    }
  }
  return out;
}

EpochMs MessagingStore::last_inbound_at(soci::session& s, std::int64_t team_id,
                                        std::int64_t contact_id) const {
  long long team = team_id, contact = contact_id, chat = 0, sms = 0;
  soci::indicator chat_ind = soci::i_null, sms_ind = soci::i_null;
  run_cached(s,
             "SELECT MAX(created_at) FROM messages WHERE team_id = :t AND contact_id = :c AND "
             "role = 'user'",
             soci::into(chat, chat_ind), soci::use(team, "t"), soci::use(contact, "c"));
  run_cached(
      s,
      "SELECT MAX(created_at) FROM timeline_entries WHERE team_id = :t AND contact_id = :c AND "
      "kind = 'sms.received'",
      soci::into(sms, sms_ind), soci::use(team, "t"), soci::use(contact, "c"));
  return std::max(chat_ind == soci::i_ok ? chat : 0LL, sms_ind == soci::i_ok ? sms : 0LL);
}

void MessagingStore::contact_event(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                                   const std::string& type, const std::string& payload_json) const {
  EventStore(dialect_).append(s,
                              {team_id, type, "contact", contact_id, payload_json, std::nullopt});
  TimelineStore(dialect_).add(s, team_id, contact_id, type, payload_json, Actor::none());
}

void MessagingStore::contact_events(soci::session& s, std::int64_t team_id,
                                    const std::vector<ContactEvent>& events) const {
  std::vector<NewEvent> bus;
  std::vector<TimelineStore::NewEntry> timeline;
  bus.reserve(events.size());
  timeline.reserve(events.size());
  for (const ContactEvent& e : events) {
    bus.push_back({team_id, e.type, "contact", e.contact_id, e.payload_json, std::nullopt});
    timeline.push_back({e.contact_id, e.type, e.payload_json});
  }
  EventStore(dialect_).append_many(s, bus);
  TimelineStore(dialect_).add_many(s, team_id, timeline);
}

void MessagingStore::set_outbox_status(soci::session& s, std::int64_t team_id, std::int64_t id,
                                       const std::string& status, const std::string& reason,
                                       bool retry) const {
  long long team = team_id, row = id, now = now_ms();
  soci::indicator reason_ind = reason.empty() ? soci::i_null : soci::i_ok;
  run_cached(s,
             std::string("UPDATE outbox_messages SET status = :s, reason = :r, updated_at = :now") +
                 (retry ? ", attempts = attempts + 1" : "") + " WHERE team_id = :t AND id = :id",
             soci::use(status, "s"), soci::use(reason, reason_ind, "r"), soci::use(now, "now"),
             soci::use(team, "t"), soci::use(row, "id"));
}

void MessagingStore::set_outbox_sent(soci::session& s, std::int64_t team_id, std::int64_t id,
                                     const std::string& message_id, EpochMs at) const {
  long long team = team_id, row = id, when = at;
  run_cached(
      s,
      "UPDATE outbox_messages SET status = 'sent', reason = NULL, message_id = :m, sent_at = "
      ":at, updated_at = :at2 WHERE team_id = :t AND id = :id",
      soci::use(message_id, "m"), soci::use(when, "at"), soci::use(when, "at2"),
      soci::use(team, "t"), soci::use(row, "id"));
}

bool MessagingStore::mark_outbox_engagement(soci::session& s, std::int64_t team_id, std::int64_t id,
                                            const std::string& column, EpochMs at) const {
  if (column != "opened_at" && column != "clicked_at") return false;
  long long team = team_id, row = id, when = at;
  soci::statement st =
      (s.prepare << "UPDATE outbox_messages SET " + column +
                        " = :at WHERE team_id = :t AND id = :id AND " + column + " IS NULL",
       soci::use(when, "at"), soci::use(team, "t"), soci::use(row, "id"));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

std::optional<std::pair<std::int64_t, std::int64_t>> MessagingStore::outbox_by_message_id(
    soci::session& s, const std::string& message_id) const {
  long long team = 0, id = 0;
  soci::indicator ind = soci::i_null;
  run_cached(s, "SELECT team_id, id FROM outbox_messages WHERE message_id = :m",
             soci::use(message_id), soci::into(team, ind), soci::into(id));
  if (ind != soci::i_ok) return std::nullopt;
  return std::make_pair(static_cast<std::int64_t>(team), static_cast<std::int64_t>(id));
}

std::optional<std::int64_t> MessagingStore::contact_by_phone(soci::session& s, std::int64_t team_id,
                                                             const std::string& phone) const {
  long long team = team_id, id = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT id FROM contacts WHERE team_id = :t AND phone = :p ORDER BY last_active DESC, id "
       "DESC LIMIT 1",
      soci::use(team, "t"), soci::use(phone, "p"), soci::into(id, ind);
  if (ind != soci::i_ok || !s.got_data()) return std::nullopt;
  return id;
}

std::string MessagingStore::install_secret(soci::session& s, const std::string& name) const {
  std::string fresh = random_hex(32);
  run_cached(
      s, "INSERT INTO install_secrets (name, value) VALUES (:n, :v) ON CONFLICT (name) DO NOTHING",
      soci::use(name, "n"), soci::use(fresh, "v"));
  std::string value;
  run_cached(s, "SELECT value FROM install_secrets WHERE name = :n", soci::use(name),
             soci::into(value));
  return value;
}

}  // namespace sb
