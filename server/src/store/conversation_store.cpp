// conversations, messages and contact_identities rows.
#include "store/conversation_store.h"

#include <limits>

#include <soci/soci.h>

#include "model/contact_json.h"
#include "store/json_rows.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr const char* kConversationColumns =
    "c.team_id, c.id, c.agent_id, c.contact_id, c.external_id, c.platform, c.status, "
    "c.close_reason, c.started_at, c.last_message_at, c.ended_at, c.message_count, "
    "c.user_message_count, c.awaiting_since, c.handed_off, c.escalated, c.resolved, c.rating, "
    "c.feedback, c.topics, c.created_at, c.updated_at";

struct ConversationRow {
  long long team = 0, id = 0, agent = 0, contact = 0, started = 0, last = 0, ended = 0,
            messages = 0, user_messages = 0, awaiting = 0, rating = 0, created = 0, updated = 0;
  int handed_off = 0, escalated = 0, resolved = 0;
  std::string external_id, platform, status, close_reason, feedback, topics;
  soci::indicator i_reason = soci::i_null, i_ended = soci::i_null, i_awaiting = soci::i_null,
                  i_rating = soci::i_null, i_feedback = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(team));
    st.exchange(soci::into(id));
    st.exchange(soci::into(agent));
    st.exchange(soci::into(contact));
    st.exchange(soci::into(external_id));
    st.exchange(soci::into(platform));
    st.exchange(soci::into(status));
    st.exchange(soci::into(close_reason, i_reason));
    st.exchange(soci::into(started));
    st.exchange(soci::into(last));
    st.exchange(soci::into(ended, i_ended));
    st.exchange(soci::into(messages));
    st.exchange(soci::into(user_messages));
    st.exchange(soci::into(awaiting, i_awaiting));
    st.exchange(soci::into(handed_off));
    st.exchange(soci::into(escalated));
    st.exchange(soci::into(resolved));
    st.exchange(soci::into(rating, i_rating));
    st.exchange(soci::into(feedback, i_feedback));
    st.exchange(soci::into(topics));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
  }
  Conversation value() const {
    Conversation c;
    c.team_id = team;
    c.id = id;
    c.agent_id = agent;
    c.contact_id = contact;
    c.external_id = external_id;
    c.platform = platform;
    c.status = status;
    if (i_reason == soci::i_ok) c.close_reason = close_reason;
    c.started_at = started;
    c.last_message_at = last;
    if (i_ended == soci::i_ok) c.ended_at = ended;
    c.message_count = messages;
    c.user_message_count = user_messages;
    if (i_awaiting == soci::i_ok) c.awaiting_since = awaiting;
    c.handed_off = handed_off != 0;
    c.escalated = escalated != 0;
    c.resolved = resolved != 0;
    if (i_rating == soci::i_ok) c.rating = rating;
    if (i_feedback == soci::i_ok) c.feedback = feedback;
    c.topics = parse_string_array(topics);
    c.created_at = created;
    c.updated_at = updated;
    return c;
  }
};

template <class Row, class Out, class Bind>
void fetch_all(soci::session& s, const std::string& sql, Bind&& bind_params,
               std::vector<Out>& out) {
  Row row;
  soci::statement st(s);
  row.bind(st);
  bind_params(st);
  if (!execute_once(st, sql)) return;
  do {
    out.push_back(row.value());
  } while (st.fetch());
}

constexpr const char* kMessageColumns =
    "m.team_id, m.id, m.agent_id, m.conversation_id, m.contact_id, m.conversation_ref, "
    "m.external_id, m.kind, m.role, m.text, m.sent_at, m.sentiment, m.sentiment_score, "
    "m.attachments, m.data, m.captured, m.created_at";

struct MessageRow {
  long long team = 0, id = 0, agent = 0, conversation = 0, contact = 0, sent = 0, created = 0;
  std::string ref, external_id, kind, role, text, sentiment, attachments, data, captured;
  double score = 0;
  soci::indicator i_sentiment = soci::i_null, i_score = soci::i_null;

  void bind(soci::statement& st) {
    st.exchange(soci::into(team));
    st.exchange(soci::into(id));
    st.exchange(soci::into(agent));
    st.exchange(soci::into(conversation));
    st.exchange(soci::into(contact));
    st.exchange(soci::into(ref));
    st.exchange(soci::into(external_id));
    st.exchange(soci::into(kind));
    st.exchange(soci::into(role));
    st.exchange(soci::into(text));
    st.exchange(soci::into(sent));
    st.exchange(soci::into(sentiment, i_sentiment));
    st.exchange(soci::into(score, i_score));
    st.exchange(soci::into(attachments));
    st.exchange(soci::into(data));
    st.exchange(soci::into(captured));
    st.exchange(soci::into(created));
  }
  ChatMessage value() const {
    ChatMessage m;
    m.team_id = team;
    m.id = id;
    m.agent_id = agent;
    m.conversation_id = conversation;
    m.contact_id = contact;
    m.conversation_ref = ref;
    m.external_id = external_id;
    m.kind = kind;
    m.role = role;
    m.text = text;
    m.sent_at = sent;
    if (i_sentiment == soci::i_ok) m.sentiment = sentiment;
    if (i_score == soci::i_ok) m.sentiment_score = score;
    m.attachments_json = attachments;
    m.data_json = data;
    m.captured_json = captured;
    m.created_at = created;
    return m;
  }
};

}  // namespace

std::optional<AgentCaptureContext> ConversationStore::agent_context(soci::session& s,
                                                                    std::int64_t team_id,
                                                                    std::int64_t agent_id) const {
  AgentCaptureContext ctx;
  long long team = team_id, agent = agent_id;
  int tracking = 0;
  soci::indicator settings_ind = soci::i_null;
  s << "SELECT a.customer_tracking, a.platforms, (SELECT ts.value FROM team_settings ts WHERE "
       "ts.team_id = a.team_id AND ts.key = 'capture') FROM agents a WHERE a.team_id = :t AND "
       "a.id = :a",
      soci::use(team, "t"), soci::use(agent, "a"), soci::into(tracking),
      soci::into(ctx.platforms_json), soci::into(ctx.settings_json, settings_ind);
  if (!s.got_data()) return std::nullopt;
  ctx.customer_tracking = tracking != 0;
  if (settings_ind != soci::i_ok) ctx.settings_json.clear();
  return ctx;
}

std::vector<ChatMessage> ConversationStore::find_messages(
    soci::session& s, std::int64_t team_id, std::int64_t agent_id,
    const std::vector<MessageKey>& keys) const {
  std::vector<ChatMessage> out;
  if (keys.empty()) return out;
  JsonRows rows;
  for (const auto& [ref, ext] : keys) rows.row().add("ref", ref).add("ext", ext);
  std::string text = rows.text();
  long long team = team_id, agent = agent_id;
  std::string sql =
      std::string("SELECT ") + kMessageColumns + " FROM " +
      json_rows_source(dialect_, "rows", {{"ref", RowType::kText}, {"ext", RowType::kText}}) +
      // CROSS JOIN: SQLite keeps the rows outer and probes the index (without
      // statistics it would scan the agent's messages instead).
      " CROSS JOIN messages m WHERE m.team_id = :t AND m.agent_id = :a AND "
      "m.conversation_ref = r.ref AND m.external_id = r.ext";
  fetch_all<MessageRow>(
      s, sql,
      [&](soci::statement& st) {
        st.exchange(soci::use(text, "rows"));
        st.exchange(soci::use(team, "t"));
        st.exchange(soci::use(agent, "a"));
      },
      out);
  return out;
}

std::map<IdentityKey, std::int64_t> ConversationStore::resolve_identities(
    soci::session& s, std::int64_t team_id, const std::vector<IdentityKey>& keys) const {
  std::map<IdentityKey, std::int64_t> out;
  if (keys.empty()) return out;
  JsonRows rows;
  for (const auto& [platform, ext] : keys) rows.row().add("p", platform).add("x", ext);
  std::string text = rows.text();
  long long team = team_id, contact = 0;
  std::string platform, ext;
  soci::indicator ind = soci::i_null;
  soci::statement st(s);
  st.exchange(soci::into(platform));
  st.exchange(soci::into(ext));
  st.exchange(soci::into(contact, ind));
  st.exchange(soci::use(text, "rows"));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(team, "t2"));  // a name bound once per occurrence
  std::string sql =
      "SELECT r.p, r.x, COALESCE(i.contact_id, (SELECT MIN(c.id) FROM contacts c WHERE "
      "c.team_id = :t2 AND c.platform = r.p AND c.external_id = r.x)) FROM " +
      json_rows_source(dialect_, "rows", {{"p", RowType::kText}, {"x", RowType::kText}}) +
      " LEFT JOIN contact_identities i ON i.team_id = :t AND i.platform = r.p AND "
      "i.external_id = r.x";
  if (!execute_once(st, sql)) return out;
  do {
    if (ind == soci::i_ok) out[{platform, ext}] = contact;
  } while (st.fetch());
  return out;
}

std::map<std::string, std::int64_t> ConversationStore::contacts_by(
    soci::session& s, std::int64_t team_id, const std::string& column,
    const std::vector<std::string>& values) const {
  std::map<std::string, std::int64_t> out;
  if (values.empty()) return out;
  const std::string col = column == "email" ? "email" : "phone";  // never caller text in SQL
  JsonRows rows;
  for (const auto& v : values) rows.row().add("v", v);
  std::string text = rows.text();
  long long team = team_id, contact = 0;
  std::string value;
  soci::statement st(s);
  st.exchange(soci::into(value));
  st.exchange(soci::into(contact));
  st.exchange(soci::use(text, "rows"));
  st.exchange(soci::use(team, "t"));
  std::string sql = "SELECT c." + col + ", MIN(c.id) FROM " +
                    json_rows_source(dialect_, "rows", {{"v", RowType::kText}}) +
                    " CROSS JOIN contacts c WHERE c.team_id = :t AND c." + col +
                    " = r.v GROUP BY c." + col;
  if (!execute_once(st, sql)) return out;
  do {
    out[value] = contact;
  } while (st.fetch());
  return out;
}

void ConversationStore::add_identity(soci::session& s, std::int64_t team_id, const IdentityKey& key,
                                     std::int64_t contact_id) const {
  long long team = team_id, contact = contact_id;
  EpochMs now = now_ms();
  run_cached(
      s,
      "INSERT INTO contact_identities (team_id, platform, external_id, contact_id, created_at) "
      "VALUES (:t, :p, :x, :c, :now) ON CONFLICT (team_id, platform, external_id) DO UPDATE SET "
      "contact_id = excluded.contact_id",
      soci::use(team, "t"), soci::use(key.first, "p"), soci::use(key.second, "x"),
      soci::use(contact, "c"), soci::use(now, "now"));
}

void ConversationStore::move_identities(soci::session& s, std::int64_t team_id,
                                        std::int64_t from_id, std::int64_t to_id) const {
  long long team = team_id, from = from_id, to = to_id;
  run_cached(
      s, "UPDATE contact_identities SET contact_id = :to WHERE team_id = :t AND contact_id = :from",
      soci::use(to, "to"), soci::use(team, "t"), soci::use(from, "from"));
}

std::vector<Conversation> ConversationStore::open_conversations(
    soci::session& s, std::int64_t team_id, std::int64_t agent_id,
    const std::vector<std::string>& refs) const {
  std::vector<Conversation> out;
  if (refs.empty()) return out;
  JsonRows rows;
  for (const auto& r : refs) rows.row().add("ref", r);
  std::string text = rows.text();
  long long team = team_id, agent = agent_id;
  std::string sql = std::string("SELECT ") + kConversationColumns +
                    " FROM conversations c WHERE "
                    "c.team_id = :t AND c.agent_id = :a AND c.status = 'open' AND c.external_id IN "
                    "(SELECT r.ref FROM " +
                    json_rows_source(dialect_, "rows", {{"ref", RowType::kText}}) +
                    ") ORDER BY c.id" + std::string(dialect_.for_update());
  fetch_all<ConversationRow>(
      s, sql,
      [&](soci::statement& st) {
        st.exchange(soci::use(text, "rows"));
        st.exchange(soci::use(team, "t"));
        st.exchange(soci::use(agent, "a"));
      },
      out);
  return out;
}

std::optional<Conversation> ConversationStore::get(soci::session& s, std::int64_t team_id,
                                                   std::int64_t id, bool for_update) const {
  std::vector<Conversation> out;
  long long team = team_id, conv = id;
  std::string sql = std::string("SELECT ") + kConversationColumns +
                    " FROM conversations c WHERE c.team_id = :t AND c.id = :id" +
                    std::string(for_update ? dialect_.for_update() : "");
  fetch_all<ConversationRow>(
      s, sql,
      [&](soci::statement& st) {
        st.exchange(soci::use(team, "t"));
        st.exchange(soci::use(conv, "id"));
      },
      out);
  if (out.empty()) return std::nullopt;
  return out.front();
}

void ConversationStore::insert_conversation(soci::session& s, Conversation& c) const {
  long long team = c.team_id, agent = c.agent_id, contact = c.contact_id, id = 0;
  EpochMs now = now_ms();
  c.created_at = c.updated_at = now;
  run_cached(
      s,
      "INSERT INTO conversations (team_id, agent_id, contact_id, external_id, platform, status, "
      "started_at, last_message_at, created_at, updated_at) VALUES (:t, :a, :c, :x, :p, 'open', "
      ":started, :last, :created, :updated) RETURNING id",
      soci::use(team, "t"), soci::use(agent, "a"), soci::use(contact, "c"),
      soci::use(c.external_id, "x"), soci::use(c.platform, "p"), soci::use(c.started_at, "started"),
      soci::use(c.last_message_at, "last"), soci::use(c.created_at, "created"),
      soci::use(c.updated_at, "updated"), soci::into(id));
  c.id = id;
}

void ConversationStore::save_conversations(soci::session& s,
                                           const std::vector<Conversation>& conversations) const {
  if (conversations.empty()) return;
  JsonRows rows;
  EpochMs now = now_ms();
  for (const Conversation& c : conversations) {
    rows.row()
        .add("team_id", c.team_id)
        .add("id", c.id)
        .add("status", std::string_view(c.status))
        .add("close_reason", c.close_reason)
        .add("last_message_at", c.last_message_at)
        .add("ended_at", c.ended_at)
        .add("message_count", c.message_count)
        .add("user_message_count", c.user_message_count)
        .add("awaiting_since", c.awaiting_since)
        .add("handed_off", static_cast<std::int64_t>(c.handed_off))
        .add("escalated", static_cast<std::int64_t>(c.escalated))
        .add("resolved", static_cast<std::int64_t>(c.resolved))
        .add("rating", c.rating)
        .add("feedback", c.feedback)
        .add_json("topics", json_text(*string_array(c.topics)));
  }
  std::string text = rows.text();
  std::string source = json_rows_source(dialect_, "rows",
                                        {{"team_id", RowType::kInt},
                                         {"id", RowType::kInt},
                                         {"status", RowType::kText},
                                         {"close_reason", RowType::kText},
                                         {"last_message_at", RowType::kInt},
                                         {"ended_at", RowType::kInt},
                                         {"message_count", RowType::kInt},
                                         {"user_message_count", RowType::kInt},
                                         {"awaiting_since", RowType::kInt},
                                         {"handed_off", RowType::kInt},
                                         {"escalated", RowType::kInt},
                                         {"resolved", RowType::kInt},
                                         {"rating", RowType::kInt},
                                         {"feedback", RowType::kText},
                                         {"topics", RowType::kJson}});
  run_cached(
      s,
      "UPDATE conversations SET status = r.status, close_reason = r.close_reason, "
      "last_message_at = r.last_message_at, ended_at = r.ended_at, message_count = "
      "r.message_count, user_message_count = r.user_message_count, awaiting_since = "
      "r.awaiting_since, handed_off = r.handed_off, escalated = r.escalated, resolved = "
      "r.resolved, rating = r.rating, feedback = r.feedback, topics = r.topics, updated_at = :now "
      "FROM " +
          source + " WHERE conversations.team_id = r.team_id AND conversations.id = r.id",
      soci::use(text, "rows"), soci::use(now, "now"));
}

void ConversationStore::insert_messages(soci::session& s,
                                        std::vector<ChatMessage>& messages) const {
  if (messages.empty()) return;
  JsonRows rows;
  EpochMs now = now_ms();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const ChatMessage& m = messages[i];
    rows.row()
        .add("seq", static_cast<std::int64_t>(i))
        .add("team_id", m.team_id)
        .add("agent_id", m.agent_id)
        .add("conversation_id", m.conversation_id)
        .add("contact_id", m.contact_id)
        .add("ref", std::string_view(m.conversation_ref))
        .add("ext", std::string_view(m.external_id))
        .add("kind", std::string_view(m.kind))
        .add("role", std::string_view(m.role))
        .add("text", std::string_view(m.text))
        .add("sent_at", m.sent_at)
        .add("sentiment", m.sentiment);
    if (m.sentiment_score) {
      rows.add("score", *m.sentiment_score);
    } else {
      rows.add_null("score");
    }
    rows.add_json("attachments", m.attachments_json)
        .add_json("data", m.data_json)
        .add_json("captured", m.captured_json);
  }
  std::string text = rows.text();
  std::string source = json_rows_source(dialect_, "rows",
                                        {{"seq", RowType::kInt},
                                         {"team_id", RowType::kInt},
                                         {"agent_id", RowType::kInt},
                                         {"conversation_id", RowType::kInt},
                                         {"contact_id", RowType::kInt},
                                         {"ref", RowType::kText},
                                         {"ext", RowType::kText},
                                         {"kind", RowType::kText},
                                         {"role", RowType::kText},
                                         {"text", RowType::kText},
                                         {"sent_at", RowType::kInt},
                                         {"sentiment", RowType::kText},
                                         {"score", RowType::kReal},
                                         {"attachments", RowType::kJson},
                                         {"data", RowType::kJson},
                                         {"captured", RowType::kJson}});
  long long id = 0;
  std::string ref, ext;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(ref));
  st.exchange(soci::into(ext));
  st.exchange(soci::use(text, "rows"));
  st.exchange(soci::use(now, "now"));
  std::string sql =
      "INSERT INTO messages (team_id, agent_id, conversation_id, contact_id, conversation_ref, "
      "external_id, kind, role, text, sent_at, sentiment, sentiment_score, attachments, data, "
      "captured, created_at) SELECT r.team_id, r.agent_id, r.conversation_id, r.contact_id, r.ref, "
      "r.ext, r.kind, r.role, r.text, r.sent_at, r.sentiment, r.score, r.attachments, r.data, "
      "r.captured, :now FROM " +
      source + " ORDER BY r.seq RETURNING id, conversation_ref, external_id";
  std::map<MessageKey, std::int64_t> ids;
  if (execute_once(st, sql)) {
    do {
      ids[{ref, ext}] = id;
    } while (st.fetch());
  }
  for (ChatMessage& m : messages) {
    m.id = ids[{m.conversation_ref, m.external_id}];
    m.created_at = now;
  }
}

std::vector<Conversation> ConversationStore::idle_conversations(soci::session& s, EpochMs now,
                                                                int limit) const {
  std::vector<Conversation> out;
  long long lim = limit;
  // The partial index serves "open, oldest activity first"; the agent's idle time is
  // checked per row (at least one minute, so anything newer than a minute never qualifies).
  std::string sql = std::string("SELECT ") + kConversationColumns +
                    " FROM conversations c JOIN agents a ON a.team_id = c.team_id AND a.id = "
                    "c.agent_id WHERE c.status = 'open' AND c.last_message_at < :cutoff AND "
                    "c.last_message_at + a.idle_minutes * 60000 <= :now ORDER BY "
                    "c.last_message_at LIMIT :lim";
  EpochMs cutoff = now - 60000;
  fetch_all<ConversationRow>(
      s, sql,
      [&](soci::statement& st) {
        st.exchange(soci::use(cutoff, "cutoff"));
        st.exchange(soci::use(now, "now"));
        st.exchange(soci::use(lim, "lim"));
      },
      out);
  return out;
}

std::vector<Conversation> ConversationStore::recent_for_contact(soci::session& s,
                                                                std::int64_t team_id,
                                                                std::int64_t contact_id,
                                                                int limit) const {
  std::vector<Conversation> out;
  long long team = team_id, contact = contact_id, lim = limit;
  std::string sql = std::string("SELECT ") + kConversationColumns +
                    " FROM conversations c WHERE c.team_id = :t AND c.contact_id = :c ORDER BY "
                    "c.id DESC LIMIT :lim";
  fetch_all<ConversationRow>(
      s, sql,
      [&](soci::statement& st) {
        st.exchange(soci::use(team, "t"));
        st.exchange(soci::use(contact, "c"));
        st.exchange(soci::use(lim, "lim"));
      },
      out);
  return out;
}

bool ConversationStore::agent_knows_contact(soci::session& s, std::int64_t team_id,
                                            std::int64_t agent_id, std::int64_t contact_id) const {
  long long team = team_id, agent = agent_id, contact = contact_id;
  int one = 0;
  s << "SELECT 1 FROM conversations WHERE team_id = :t AND agent_id = :a AND contact_id = :c "
       "LIMIT 1",
      soci::use(team, "t"), soci::use(agent, "a"), soci::use(contact, "c"), soci::into(one);
  return s.got_data();
}

std::vector<ChatMessage> ConversationStore::transcript(soci::session& s, std::int64_t team_id,
                                                       std::int64_t conversation_id,
                                                       std::int64_t cursor_id, int limit,
                                                       bool newest_first) const {
  std::vector<ChatMessage> out;
  long long team = team_id, conv = conversation_id, lim = limit;
  long long after =
      newest_first && cursor_id == 0 ? std::numeric_limits<long long>::max() : cursor_id;
  std::string sql = std::string("SELECT ") + kMessageColumns +
                    " FROM messages m WHERE m.team_id = :t AND m.conversation_id = :c AND m.id " +
                    (newest_first ? "< :after ORDER BY m.id DESC" : "> :after ORDER BY m.id") +
                    " LIMIT :lim";
  fetch_all<MessageRow>(
      s, sql,
      [&](soci::statement& st) {
        st.exchange(soci::use(team, "t"));
        st.exchange(soci::use(conv, "c"));
        st.exchange(soci::use(after, "after"));
        st.exchange(soci::use(lim, "lim"));
      },
      out);
  return out;
}

std::string ConversationStore::match_text(const std::string& words) const {
  if (dialect_.backend() == Backend::kPostgresql) return words;
  // FTS5 query syntax (AND, NEAR, column filters, quotes) must not reach MATCH from users:
  // every word becomes a quoted string, which FTS5 reads as a plain token sequence.
  std::string out;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    std::string quoted = "\"";
    for (char c : word) {
      if (c == '"')
        quoted += "\"\"";
      else
        quoted += c;
    }
    out += (out.empty() ? "" : " ") + quoted + "\"";
    word.clear();
  };
  for (char c : words) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

std::string ConversationStore::contacts_matching_sql(const std::string& contact_id_expr,
                                                     const std::string& team_expr,
                                                     const std::string& query_param) const {
  return contact_id_expr +
         " IN (SELECT mm.contact_id FROM messages mm WHERE mm.team_id = " + team_expr + " AND " +
         match_condition("mm", query_param) + ")";
}

std::string ConversationStore::match_condition(const std::string& alias,
                                               const std::string& query_param) const {
  if (dialect_.backend() == Backend::kPostgresql) {
    return alias + ".search @@ plainto_tsquery('simple', " + query_param + ")";
  }
  return alias + ".id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH " + query_param +
         ")";
}

std::vector<ChatMessage> ConversationStore::search(soci::session& s, std::int64_t team_id,
                                                   const MessageSearch& q) const {
  std::vector<ChatMessage> out;
  std::string match = match_text(q.query);
  if (match.empty()) return out;
  long long team = team_id, before = q.before_id > 0 ? q.before_id : INT64_MAX, lim = q.limit;
  long long agent = q.agent_id.value_or(0), contact = q.contact_id.value_or(0),
            conv = q.conversation_id.value_or(0);
  std::string sql = std::string("SELECT ") + kMessageColumns + " FROM messages m WHERE " +
                    match_condition("m", ":q") + " AND m.team_id = :t AND m.id < :before";
  if (q.agent_id) sql += " AND m.agent_id = :agent";
  if (q.contact_id) sql += " AND m.contact_id = :contact";
  if (q.conversation_id) sql += " AND m.conversation_id = :conv";
  sql += " ORDER BY m.id DESC LIMIT :lim";
  fetch_all<MessageRow>(
      s, sql,
      [&](soci::statement& st) {
        st.exchange(soci::use(match, "q"));
        st.exchange(soci::use(team, "t"));
        st.exchange(soci::use(before, "before"));
        if (q.agent_id) st.exchange(soci::use(agent, "agent"));
        if (q.contact_id) st.exchange(soci::use(contact, "contact"));
        if (q.conversation_id) st.exchange(soci::use(conv, "conv"));
        st.exchange(soci::use(lim, "lim"));
      },
      out);
  return out;
}

}  // namespace sb
