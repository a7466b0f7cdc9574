// webhook_subscriptions and webhook_deliveries rows.
#include "store/webhook_store.h"

#include <soci/soci.h>

#include "model/contact_json.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr const char* kSubColumns =
    "SELECT id, url, events, description, enabled, disabled_reason, secret, previous_secret, "
    "previous_until, failing_since, created_at, updated_at FROM webhook_subscriptions ";

struct SubRow {
  long long id = 0, previous_until = 0, failing_since = 0, created = 0, updated = 0;
  std::string url, events, description, reason, secret, previous;
  int enabled = 1;
  soci::indicator reason_ind{}, previous_ind{}, until_ind{}, failing_ind{};
  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(url));
    st.exchange(soci::into(events));
    st.exchange(soci::into(description));
    st.exchange(soci::into(enabled));
    st.exchange(soci::into(reason, reason_ind));
    st.exchange(soci::into(secret));
    st.exchange(soci::into(previous, previous_ind));
    st.exchange(soci::into(previous_until, until_ind));
    st.exchange(soci::into(failing_since, failing_ind));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
  }
  WebhookSubscription value(std::int64_t team_id) const {
    WebhookSubscription w;
    w.team_id = team_id;
    w.id = id;
    w.url = url;
    w.events = parse_string_array(events);
    w.description = description;
    w.enabled = enabled != 0;
    w.secret = secret;
    if (reason_ind == soci::i_ok) w.disabled_reason = reason;
    if (previous_ind == soci::i_ok) w.previous_secret = previous;
    if (until_ind == soci::i_ok) w.previous_until = previous_until;
    if (failing_ind == soci::i_ok) w.failing_since = failing_since;
    w.created_at = created;
    w.updated_at = updated;
    return w;
  }
};

std::vector<WebhookSubscription> subs(soci::session& s, std::int64_t team_id,
                                      const std::string& where, long long id = 0) {
  SubRow row;
  long long team = team_id;
  soci::statement st(s);
  row.bind(st);
  st.exchange(soci::use(team, "t"));
  if (id) st.exchange(soci::use(id, "id"));
  std::vector<WebhookSubscription> out;
  if (execute_once(st, std::string(kSubColumns) + where)) {
    do {
      out.push_back(row.value(team_id));
    } while (st.fetch());
  }
  return out;
}

constexpr const char* kDeliveryColumns =
    "SELECT id, subscription_id, event_id, event_type, message_id, subject, payload, status, "
    "attempts, next_attempt_at, response_status, response_body, latency_ms, last_error, "
    "replay_of, created_at, updated_at, delivered_at FROM webhook_deliveries ";

// Nullable integer columns, bound for reads and writes alike.
struct NullableInt {
  long long value = 0;
  soci::indicator ind = soci::i_null;
  NullableInt() = default;
  explicit NullableInt(std::optional<std::int64_t> v) {
    if (v) value = *v, ind = soci::i_ok;
  }
  std::optional<std::int64_t> get() const {
    return ind == soci::i_ok ? std::optional<std::int64_t>(value) : std::nullopt;
  }
};

struct DeliveryRow {
  long long id = 0, subscription = 0, created = 0, updated = 0;
  NullableInt event, next, status_code, latency, replay, delivered;
  std::string type, message, subject, payload, status, body, error;
  soci::indicator body_ind{}, error_ind{};
  int attempts = 0;
  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(subscription));
    st.exchange(soci::into(event.value, event.ind));
    st.exchange(soci::into(type));
    st.exchange(soci::into(message));
    st.exchange(soci::into(subject));
    st.exchange(soci::into(payload));
    st.exchange(soci::into(status));
    st.exchange(soci::into(attempts));
    st.exchange(soci::into(next.value, next.ind));
    st.exchange(soci::into(status_code.value, status_code.ind));
    st.exchange(soci::into(body, body_ind));
    st.exchange(soci::into(latency.value, latency.ind));
    st.exchange(soci::into(error, error_ind));
    st.exchange(soci::into(replay.value, replay.ind));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
    st.exchange(soci::into(delivered.value, delivered.ind));
  }
  WebhookDelivery value(std::int64_t team_id) const {
    WebhookDelivery d;
    d.team_id = team_id;
    d.id = id;
    d.subscription_id = subscription;
    d.event_id = event.get();
    d.event_type = type;
    d.message_id = message;
    d.subject = subject;
    d.payload = payload;
    d.status = status;
    d.attempts = attempts;
    d.next_attempt_at = next.get();
    if (auto c = status_code.get()) d.response_status = static_cast<int>(*c);
    if (body_ind == soci::i_ok) d.response_body = body;
    d.latency_ms = latency.get();
    if (error_ind == soci::i_ok) d.last_error = error;
    d.replay_of = replay.get();
    d.created_at = created;
    d.updated_at = updated;
    d.delivered_at = delivered.get();
    return d;
  }
};

}  // namespace

WebhookSubscription WebhookStore::create(soci::session& s, WebhookSubscription sub) const {
  sub.created_at = sub.updated_at = now_ms();
  std::string events = json_text(*string_array(sub.events));
  long long team = sub.team_id, id = 0;
  int enabled = sub.enabled;
  run_cached(
      s,
      "INSERT INTO webhook_subscriptions (team_id, url, events, description, enabled, secret, "
      "created_at, updated_at) VALUES (:t, :u, :e, :d, :en, :s, :c, :up) RETURNING id",
      soci::use(team), soci::use(sub.url), soci::use(events), soci::use(sub.description),
      soci::use(enabled), soci::use(sub.secret), soci::use(sub.created_at),
      soci::use(sub.updated_at), soci::into(id));
  sub.id = id;
  return sub;
}

std::optional<WebhookSubscription> WebhookStore::get(soci::session& s, std::int64_t team_id,
                                                     std::int64_t id, bool for_update) const {
  auto rows = subs(
      s, team_id,
      "WHERE team_id = :t AND id = :id" + std::string(for_update ? dialect_.for_update() : ""), id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<WebhookSubscription> WebhookStore::list(soci::session& s, std::int64_t team_id) const {
  return subs(s, team_id, "WHERE team_id = :t ORDER BY id");
}

std::vector<WebhookSubscription> WebhookStore::enabled(soci::session& s,
                                                       std::int64_t team_id) const {
  return subs(s, team_id, "WHERE team_id = :t AND enabled = 1 ORDER BY id");
}

std::vector<std::string> WebhookStore::enabled_patterns(soci::session& s) const {
  std::string events;
  soci::statement st(s);
  st.exchange(soci::into(events));
  std::vector<std::string> out;
  if (execute_once(st, "SELECT DISTINCT events FROM webhook_subscriptions WHERE enabled = 1")) {
    do {
      for (auto& p : parse_string_array(events)) out.push_back(std::move(p));
    } while (st.fetch());
  }
  return out;
}

void WebhookStore::save(soci::session& s, const WebhookSubscription& sub) const {
  std::string events = json_text(*string_array(sub.events));
  long long team = sub.team_id, id = sub.id, now = now_ms();
  int enabled = sub.enabled;
  std::string reason = sub.disabled_reason.value_or("");
  soci::indicator reason_ind = sub.disabled_reason ? soci::i_ok : soci::i_null;
  std::string previous = sub.previous_secret;
  soci::indicator previous_ind = previous.empty() ? soci::i_null : soci::i_ok;
  NullableInt until(sub.previous_secret.empty() ? std::nullopt
                                                : std::optional<std::int64_t>(sub.previous_until));
  NullableInt failing(sub.failing_since);
  run_cached(
      s,
      "UPDATE webhook_subscriptions SET url = :u, events = :e, description = :d, enabled = :en, "
      "disabled_reason = :r, secret = :s, previous_secret = :p, previous_until = :pu, "
      "failing_since = :f, updated_at = :now WHERE team_id = :t AND id = :id",
      soci::use(sub.url, "u"), soci::use(events, "e"), soci::use(sub.description, "d"),
      soci::use(enabled, "en"), soci::use(reason, reason_ind, "r"), soci::use(sub.secret, "s"),
      soci::use(previous, previous_ind, "p"), soci::use(until.value, until.ind, "pu"),
      soci::use(failing.value, failing.ind, "f"), soci::use(now, "now"), soci::use(team, "t"),
      soci::use(id, "id"));
}

bool WebhookStore::remove(soci::session& s, std::int64_t team_id, std::int64_t id) const {
  long long team = team_id, sid = id;
  run_cached(s, "DELETE FROM webhook_deliveries WHERE team_id = :t AND subscription_id = :id",
             soci::use(team), soci::use(sid));
  soci::statement st(s);
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(sid, "id"));
  execute_once(st, "DELETE FROM webhook_subscriptions WHERE team_id = :t AND id = :id");
  return st.get_affected_rows() > 0;
}

std::pair<std::int64_t, std::string> WebhookStore::add_delivery(soci::session& s,
                                                                const WebhookDelivery& d) const {
  long long team = d.team_id, sub = d.subscription_id, id = 0, now = now_ms();
  NullableInt event(d.event_id), replay(d.replay_of);
  std::string status;
  // Every row already there is older than this one: one statement decides. INSERT ...
  // SELECT: the integer parameters are cast (PostgreSQL would take them as text).
  run_cached(
      s,
      "INSERT INTO webhook_deliveries (team_id, subscription_id, event_id, event_type, "
      "message_id, subject, payload, status, attempts, next_attempt_at, replay_of, created_at, "
      "updated_at) SELECT CAST(:t AS BIGINT), CAST(:s AS BIGINT), CAST(:e AS BIGINT), :ty, :m, "
      ":su, :p, CASE WHEN o.has_open THEN 'waiting' ELSE 'pending' END, 0, CASE WHEN "
      "o.has_open THEN NULL ELSE CAST(:now AS BIGINT) END, CAST(:r AS BIGINT), CAST(:now AS "
      "BIGINT), CAST(:now AS BIGINT) FROM (SELECT EXISTS (SELECT 1 FROM webhook_deliveries "
      "WHERE subscription_id = :s AND subject = :su AND status IN ('pending', 'waiting')) AS "
      "has_open) o RETURNING id, status",
      soci::use(team, "t"), soci::use(sub, "s"), soci::use(event.value, event.ind, "e"),
      soci::use(d.event_type, "ty"), soci::use(d.message_id, "m"), soci::use(d.subject, "su"),
      soci::use(d.payload, "p"), soci::use(replay.value, replay.ind, "r"), soci::use(now, "now"),
      soci::into(id), soci::into(status));
  return {id, status};
}

std::optional<WebhookDelivery> WebhookStore::delivery(soci::session& s, std::int64_t team_id,
                                                      std::int64_t id) const {
  DeliveryRow row;
  long long team = team_id, did = id;
  soci::statement st(s);
  row.bind(st);
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(did, "id"));
  if (!execute_once(st, std::string(kDeliveryColumns) + "WHERE team_id = :t AND id = :id"))
    return std::nullopt;
  return row.value(team_id);
}

std::vector<WebhookDelivery> WebhookStore::deliveries(soci::session& s, std::int64_t team_id,
                                                      std::int64_t subscription_id,
                                                      std::int64_t before_id,
                                                      const std::string& status, int limit) const {
  DeliveryRow row;
  long long team = team_id, sub = subscription_id, before = before_id > 0 ? before_id : (1LL << 62);
  soci::statement st(s);
  row.bind(st);
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(sub, "s"));
  st.exchange(soci::use(before, "b"));
  if (!status.empty()) st.exchange(soci::use(status, "st"));
  st.exchange(soci::use(limit, "l"));
  std::vector<WebhookDelivery> out;
  if (execute_once(st, std::string(kDeliveryColumns) +
                           "WHERE team_id = :t AND subscription_id = :s AND id < :b" +
                           (status.empty() ? "" : " AND status = :st") +
                           " ORDER BY id DESC LIMIT :l")) {
    do {
      out.push_back(row.value(team_id));
    } while (st.fetch());
  }
  return out;
}

std::vector<WebhookDelivery> WebhookStore::pending_of_event(soci::session& s, std::int64_t team_id,
                                                            const std::string& subject,
                                                            std::int64_t event_id) const {
  DeliveryRow row;
  long long team = team_id, event = event_id;
  soci::statement st(s);
  row.bind(st);
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(subject, "su"));
  st.exchange(soci::use(event, "e"));
  std::vector<WebhookDelivery> out;
  if (execute_once(st, std::string(kDeliveryColumns) +
                           "WHERE subscription_id IN (SELECT id FROM webhook_subscriptions WHERE "
                           "team_id = :t) AND subject = :su AND status = 'pending' AND "
                           "event_id = :e ORDER BY id")) {
    do {
      out.push_back(row.value(team_id));
    } while (st.fetch());
  }
  return out;
}

void WebhookStore::save_delivery(soci::session& s, const WebhookDelivery& d) const {
  long long team = d.team_id, id = d.id, now = now_ms();
  int attempts = d.attempts;
  NullableInt next(d.next_attempt_at), latency(d.latency_ms), delivered(d.delivered_at);
  NullableInt code(d.response_status ? std::optional<std::int64_t>(*d.response_status)
                                     : std::nullopt);
  soci::indicator error_ind = d.last_error.empty() ? soci::i_null : soci::i_ok;
  soci::indicator body_ind = code.ind;
  run_cached(s,
             "UPDATE webhook_deliveries SET status = :st, attempts = :a, next_attempt_at = :n, "
             "response_status = :c, response_body = :b, latency_ms = :l, last_error = :e, "
             "delivered_at = :dl, updated_at = :now WHERE team_id = :t AND id = :id",
             soci::use(d.status, "st"), soci::use(attempts, "a"),
             soci::use(next.value, next.ind, "n"), soci::use(code.value, code.ind, "c"),
             soci::use(d.response_body, body_ind, "b"), soci::use(latency.value, latency.ind, "l"),
             soci::use(d.last_error, error_ind, "e"),
             soci::use(delivered.value, delivered.ind, "dl"), soci::use(now, "now"),
             soci::use(team, "t"), soci::use(id, "id"));
}

std::int32_t WebhookStore::order_key(std::int64_t subscription_id, const std::string& subject) {
  // FNV-1a: the same in every process and build, unlike std::hash. A collision only makes
  // two subjects wait for each other.
  std::uint32_t h = 2166136261u;
  auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 16777619u;
  };
  for (int i = 0; i < 8; ++i) mix(static_cast<unsigned char>(subscription_id >> (8 * i)));
  for (char c : subject) mix(static_cast<unsigned char>(c));
  return static_cast<std::int32_t>(h);
}

void WebhookStore::lock_subject(soci::session& s, std::int64_t subscription_id,
                                const std::string& subject) const {
  if (dialect_.backend() != Backend::kPostgresql) return;
  constexpr int kOrderLockClass = 0x5762484b;  // "WbHK": apart from the migrations' key
  int key = order_key(subscription_id, subject);
  int lock_class = kOrderLockClass;
  run_cached(s, "SELECT pg_advisory_xact_lock(:c, :k)", soci::use(lock_class), soci::use(key));
}

std::optional<std::int64_t> WebhookStore::next_waiting(soci::session& s,
                                                       std::int64_t subscription_id,
                                                       const std::string& subject) const {
  long long sub = subscription_id, found = 0;
  soci::indicator ind;
  run_cached(s,
             "SELECT MIN(id) FROM webhook_deliveries WHERE subscription_id = :s AND subject = :su "
             "AND status = 'waiting'",
             soci::use(sub), soci::use(subject), soci::into(found, ind));
  if (ind != soci::i_ok) return std::nullopt;
  return found;
}

}  // namespace sb
