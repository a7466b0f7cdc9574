#include "store/campaign_store.h"

#include <Poco/JSON/Object.h>
#include <soci/soci.h>

#include <set>

#include "model/contact_json.h"
#include "store/contact_filter_sql.h"
#include "store/dialect.h"
#include "store/event_store.h"
#include "store/json_rows.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {

std::vector<CampaignRef> CampaignStore::due(soci::session& s, EpochMs now, int limit) const {
  long long when = now, team = 0, id = 0;
  soci::statement st(s);
  st.exchange(soci::into(team));
  st.exchange(soci::into(id));
  st.exchange(soci::use(when, "now"));
  st.exchange(soci::use(when, "now2"));
  st.exchange(soci::use(limit, "l"));
  std::vector<CampaignRef> out;
  if (execute_once(st,
                   "SELECT team_id, id FROM campaigns WHERE ((status = 'scheduled' AND "
                   "(scheduled_at IS NULL OR scheduled_at <= :now)) OR status = 'sending') AND "
                   "(lease_until IS NULL OR lease_until < :now2) ORDER BY id LIMIT :l")) {
    do {
      out.push_back({team, id});
    } while (st.fetch());
  }
  return out;
}

bool CampaignStore::lease(soci::session& s, const CampaignRef& c, const std::string& owner,
                          EpochMs now, EpochMs until) const {
  long long team = c.team_id, id = c.id, n = now, u = until;
  soci::statement st =
      (s.prepare << "UPDATE campaigns SET lease_owner = :o, lease_until = :u WHERE team_id = :t "
                    "AND id = :id AND (lease_owner IS NULL OR lease_owner = :o2 OR lease_until "
                    "IS NULL OR lease_until < :now)",
       soci::use(owner, "o"), soci::use(u, "u"), soci::use(team, "t"), soci::use(id, "id"),
       soci::use(owner, "o2"), soci::use(n, "now"));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

void CampaignStore::release(soci::session& s, const CampaignRef& c,
                            const std::string& owner) const {
  long long team = c.team_id, id = c.id;
  run_cached(
      s,
      "UPDATE campaigns SET lease_owner = NULL, lease_until = NULL WHERE team_id = :t AND id = "
      ":id AND lease_owner = :o",
      soci::use(team, "t"), soci::use(id, "id"), soci::use(owner, "o"));
}

std::string CampaignStore::status(soci::session& s, const CampaignRef& c) const {
  long long team = c.team_id, id = c.id;
  std::string status;
  soci::indicator ind = soci::i_null;
  run_cached(s, "SELECT status FROM campaigns WHERE team_id = :t AND id = :id",
             soci::use(team, "t"), soci::use(id, "id"), soci::into(status, ind));
  return ind == soci::i_ok ? status : "";
}

bool CampaignStore::set_status(soci::session& s, const CampaignRef& c, const std::string& status,
                               const std::vector<std::string>& from) const {
  SqlParams p;
  const long long now = now_ms();
  std::string sql =
      "UPDATE campaigns SET status = " + p.add(status) + ", updated_at = " + p.add(now);
  if (status == "sending") sql += ", started_at = COALESCE(started_at, " + p.add(now) + ")";
  if (status == "completed" || status == "cancelled") sql += ", completed_at = " + p.add(now);
  sql += " WHERE team_id = " + p.add(static_cast<long long>(c.team_id)) +
         " AND id = " + p.add(static_cast<long long>(c.id));
  if (!from.empty()) {
    std::string list;
    for (const std::string& f : from) list += (list.empty() ? "" : ", ") + p.add(f);
    sql += " AND status IN (" + list + ")";
  }
  soci::statement st(s);
  p.bind(st);
  execute_once(st, sql);
  if (st.get_affected_rows() == 0) return false;
  std::string type = status == "sending"     ? "campaign.started"
                     : status == "completed" ? "campaign.completed"
                                             : "";
  if (type.empty()) return true;
  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set("campaign_id", c.id);
  payload.set("status", status);
  if (status == "completed") {
    CampaignStats st = stats(s, c);
    payload.set("targeted", st.targeted);
    payload.set("sent", st.sent);
    payload.set("failed", st.failed);
    payload.set("skipped", st.skipped);
  }
  EventStore(dialect_).append(
      s, {c.team_id, type, "campaign", c.id, json_text(payload), std::nullopt});
  return true;
}

void CampaignStore::skip_pending(soci::session& s, const CampaignRef& c,
                                 const std::string& reason) const {
  long long team = c.team_id, id = c.id;
  run_cached(
      s,
      "UPDATE campaign_recipients SET status = 'skipped', reason = :r WHERE team_id = :t AND "
      "campaign_id = :c AND status = 'pending'",
      soci::use(reason, "r"), soci::use(team, "t"), soci::use(id, "c"));
}

std::int64_t CampaignStore::materialise(soci::session& s, const CampaignRef& c,
                                        const std::string& channel, const std::string& match_sql,
                                        SqlParams& p) const {
  const std::string address = channel == "sms" ? "c.phone" : "c.email";
  const std::string team = p.add(static_cast<long long>(c.team_id)), ch = p.add(channel);
  // The reason a contact is skipped from the start; NULL: to send.
  const std::string reason =
      "CASE WHEN " + address + " IS NULL OR " + address +
      " = '' THEN 'no_address' WHEN "
      "c.status = 'blocked' THEN 'blocked' ELSE (SELECT 'do_not_contact:' || MIN(x.reason) FROM "
      "contact_suppressions x WHERE x.team_id = " +
      team +
      " AND x.contact_id = c.id AND "
      "x.channel IN (" +
      ch + ", 'all')) END";
  std::string sql =
      "INSERT INTO campaign_recipients (team_id, campaign_id, contact_id, status, reason, "
      "address) SELECT c.team_id, " +
      p.add(static_cast<long long>(c.id)) + ", c.id, 'pending', " + reason + ", " + address +
      " FROM contacts c WHERE " + match_sql + " ON CONFLICT DO NOTHING";
  soci::statement st(s);
  p.bind(st);
  execute_once(st, sql);
  std::int64_t added = st.get_affected_rows();
  long long team_id = c.team_id, id = c.id;
  run_cached(
      s,
      "UPDATE campaign_recipients SET status = 'skipped' WHERE campaign_id = :c AND team_id = :t "
      "AND status = 'pending' AND reason IS NOT NULL",
      soci::use(id, "c"), soci::use(team_id, "t"));
  return added;
}

std::vector<std::int64_t> CampaignStore::pending(soci::session& s, const CampaignRef& c,
                                                 std::int64_t after, EpochMs now, int limit) const {
  long long id = c.id, from = after, when = now, contact = 0;
  soci::statement st(s);
  st.exchange(soci::into(contact));
  st.exchange(soci::use(id, "c"));
  st.exchange(soci::use(from, "a"));
  st.exchange(soci::use(when, "now"));
  st.exchange(soci::use(limit, "l"));
  std::vector<std::int64_t> out;
  if (execute_once(st,
                   "SELECT contact_id FROM campaign_recipients WHERE campaign_id = :c AND status = "
                   "'pending' AND contact_id > :a AND (not_before IS NULL OR not_before <= :now) "
                   "ORDER BY contact_id LIMIT :l")) {
    do {
      out.push_back(contact);
    } while (st.fetch());
  }
  return out;
}

std::int64_t CampaignStore::count_status(soci::session& s, const CampaignRef& c,
                                         const std::string& status) const {
  long long id = c.id, n = 0;
  run_cached(s, "SELECT COUNT(*) FROM campaign_recipients WHERE campaign_id = :c AND status = :s",
             soci::use(id, "c"), soci::use(status, "s"), soci::into(n));
  return n;
}

std::map<std::int64_t, int> CampaignStore::attempts(
    soci::session& s, const CampaignRef& c, const std::vector<std::int64_t>& contacts) const {
  std::map<std::int64_t, int> out;
  if (contacts.empty()) return out;
  SqlParams p;
  const std::string list = p.add_ids(contacts);
  std::string sql = "SELECT contact_id, attempts FROM campaign_recipients WHERE campaign_id = " +
                    p.add(static_cast<long long>(c.id)) + " AND contact_id IN (" + list + ")";
  long long contact = 0;
  int n = 0;
  soci::statement st(s);
  st.exchange(soci::into(contact));
  st.exchange(soci::into(n));
  p.bind(st);
  if (execute_once(st, sql)) {
    do {
      out[contact] = n;
    } while (st.fetch());
  }
  return out;
}

void CampaignStore::refresh_statistics(soci::session& s) const {
  if (dialect_.backend() == Backend::kPostgresql) s << "ANALYZE campaign_recipients";
}

std::vector<bool> CampaignStore::move(soci::session& s, const CampaignRef& c,
                                      const std::vector<RecipientMove>& moves, EpochMs now) const {
  std::vector<bool> applied(moves.size(), false);
  if (moves.empty()) return applied;
  long long id = c.id, when = now;
  // The claim rule, shared by both statements: nothing moves a sent row, and only one
  // sender moves a row to sending.
  const std::string claimable =
      " AND campaign_recipients.status <> 'sent' AND (campaign_recipients.status <> 'sending' "
      "OR ";
  if (dialect_.backend() == Backend::kSqlite) {
    // In process, a statement costs no round trip, and SQLite's planner scans the whole
    // table for an UPDATE ... FROM json_each (measured: minutes for 100k recipients).
    long long contact = 0, not_before = 0, attempted = 0;
    std::string status, reason;
    soci::indicator reason_ind = soci::i_null, nb_ind = soci::i_null;
    soci::statement st =
        (s.prepare << "UPDATE campaign_recipients SET status = :s, reason = :r, not_before = :nb, "
                      "attempts = attempts + :a, sent_at = CASE WHEN :s2 = 'sent' THEN :now ELSE "
                      "sent_at END WHERE campaign_id = :c AND contact_id = :ct" +
                          claimable + ":s3 <> 'sending')",
         soci::use(status, "s"), soci::use(reason, reason_ind, "r"),
         soci::use(not_before, nb_ind, "nb"), soci::use(attempted, "a"), soci::use(status, "s2"),
         soci::use(when, "now"), soci::use(id, "c"), soci::use(contact, "ct"),
         soci::use(status, "s3"));
    for (std::size_t i = 0; i < moves.size(); ++i) {
      const RecipientMove& m = moves[i];
      status = m.status;
      reason = m.reason;
      reason_ind = m.reason.empty() ? soci::i_null : soci::i_ok;
      not_before = m.not_before;
      nb_ind = m.not_before ? soci::i_ok : soci::i_null;
      attempted = m.attempted ? 1 : 0;
      contact = m.contact_id;
      st.execute(true);
      applied[i] = st.get_affected_rows() > 0;
    }
    return applied;
  }
  // PostgreSQL: one statement for the whole batch, so a group commit costs one round trip.
  // A concurrent sender's UPDATE of the same row waits for this one and then finds it sent.
  JsonRows rows;
  for (const RecipientMove& m : moves) {
    rows.row()
        .add("contact_id", m.contact_id)
        .add("status", m.status)
        .add("reason", m.reason.empty() ? std::optional<std::string>() : m.reason)
        .add("not_before", m.not_before ? std::optional<std::int64_t>(m.not_before)
                                        : std::optional<std::int64_t>())
        .add("attempted", static_cast<std::int64_t>(m.attempted ? 1 : 0));
  }
  std::string text = rows.text();
  std::string source = json_rows_source(dialect_, "rows",
                                        {{"contact_id", RowType::kInt},
                                         {"status", RowType::kText},
                                         {"reason", RowType::kText},
                                         {"not_before", RowType::kInt},
                                         {"attempted", RowType::kInt}});
  std::vector<long long> moved(moves.size());
  run_cached(
      s,
      "UPDATE campaign_recipients SET status = r.status, reason = r.reason, not_before = "
      "r.not_before, attempts = attempts + r.attempted, sent_at = CASE WHEN r.status = 'sent' "
      "THEN :now ELSE sent_at END FROM " +
          source +
          " WHERE campaign_recipients.campaign_id = :c AND "
          "campaign_recipients.contact_id = r.contact_id" +
          claimable + "r.status <> 'sending') RETURNING campaign_recipients.contact_id",
      soci::use(text, "rows"), soci::use(when, "now"), soci::use(id, "c"), soci::into(moved));
  std::set<long long> done(moved.begin(), moved.end());
  for (std::size_t i = 0; i < moves.size(); ++i) applied[i] = done.count(moves[i].contact_id) > 0;
  return applied;
}

bool CampaignStore::mark_engagement(soci::session& s, const CampaignRef& c, std::int64_t contact_id,
                                    const std::string& column, EpochMs at) const {
  if (column != "opened_at" && column != "clicked_at" && column != "unsubscribed_at") return false;
  long long team = c.team_id, id = c.id, contact = contact_id, when = at;
  soci::statement st =
      (s.prepare << "UPDATE campaign_recipients SET " + column +
                        " = :at WHERE team_id = :t AND campaign_id = :c AND "
                        "contact_id = :ct AND " +
                        column + " IS NULL",
       soci::use(when, "at"), soci::use(team, "t"), soci::use(id, "c"), soci::use(contact, "ct"));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

CampaignStats CampaignStore::stats(soci::session& s, const CampaignRef& c) const {
  CampaignStats out;
  long long team = c.team_id, id = c.id, n = 0;
  std::string status, reason;
  soci::indicator reason_ind;
  {
    soci::statement st(s);
    st.exchange(soci::into(status));
    st.exchange(soci::into(reason, reason_ind));
    st.exchange(soci::into(n));
    st.exchange(soci::use(team, "t"));
    st.exchange(soci::use(id, "c"));
    if (execute_once(st,
                     "SELECT status, reason, COUNT(*) FROM campaign_recipients WHERE team_id = :t "
                     "AND campaign_id = :c GROUP BY status, reason")) {
      do {
        out.targeted += n;
        std::string why = reason_ind == soci::i_ok ? reason : "";
        if (status == "sent") {
          out.sent += n;
        } else if (status == "failed") {
          out.failed += n;
          out.failed_by_reason[why.empty() ? "unknown" : why] += n;
        } else if (status == "skipped") {
          out.skipped += n;
          out.skipped_by_reason[why.empty() ? "unknown" : why] += n;
        } else {
          out.pending += n;  // pending, and sending (an SMS provider call in flight)
        }
      } while (st.fetch());
    }
  }
  long long opened = 0, clicked = 0, unsubscribed = 0;
  run_cached(s,
             "SELECT COUNT(opened_at), COUNT(clicked_at), COUNT(unsubscribed_at) FROM "
             "campaign_recipients WHERE team_id = :t AND campaign_id = :c",
             soci::use(team, "t"), soci::use(id, "c"), soci::into(opened), soci::into(clicked),
             soci::into(unsubscribed));
  out.opened = opened;
  out.clicked = clicked;
  out.unsubscribed = unsubscribed;
  return out;
}

std::vector<CampaignRecipient> CampaignStore::recipients(soci::session& s, const CampaignRef& c,
                                                         const std::string& status,
                                                         std::int64_t after, int limit) const {
  SqlParams p;
  std::string sql =
      "SELECT contact_id, status, reason, address, attempts, sent_at, opened_at, clicked_at, "
      "unsubscribed_at FROM campaign_recipients WHERE team_id = " +
      p.add(static_cast<long long>(c.team_id)) +
      " AND campaign_id = " + p.add(static_cast<long long>(c.id)) + " AND contact_id > " +
      p.add(static_cast<long long>(after));
  if (!status.empty()) sql += " AND status = " + p.add(status);
  sql += " ORDER BY contact_id LIMIT " + p.add(limit);
  CampaignRecipient row;
  long long id = 0;
  std::string reason, address;
  long long times[4] = {0, 0, 0, 0};
  soci::indicator reason_ind = soci::i_null, address_ind = soci::i_null;
  soci::indicator time_ind[4] = {soci::i_null, soci::i_null, soci::i_null, soci::i_null};
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(row.status));
  st.exchange(soci::into(reason, reason_ind));
  st.exchange(soci::into(address, address_ind));
  st.exchange(soci::into(row.attempts));
  for (int i = 0; i < 4; ++i) st.exchange(soci::into(times[i], time_ind[i]));
  p.bind(st);
  std::vector<CampaignRecipient> out;
  if (execute_once(st, sql)) {
    do {
      CampaignRecipient r = row;
      r.id = id;
      r.reason = reason_ind == soci::i_ok ? std::optional<std::string>(reason) : std::nullopt;
      r.address = address_ind == soci::i_ok ? std::optional<std::string>(address) : std::nullopt;
      std::optional<EpochMs>* targets[4] = {&r.sent_at, &r.opened_at, &r.clicked_at,
                                            &r.unsubscribed_at};
      for (int i = 0; i < 4; ++i) {
        if (time_ind[i] == soci::i_ok) *targets[i] = times[i];
      }
      out.push_back(std::move(r));
    } while (st.fetch());
  }
  return out;
}

}  // namespace sb
