// Analytics queries.
#include "store/analytics_store.h"

#include <soci/soci.h>

#include "model/error.h"
#include "store/json_rows.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

std::string periods_text(const std::vector<CalendarPeriod>& periods) {
  JsonRows rows;
  for (std::size_t i = 0; i < periods.size(); ++i) {
    rows.row()
        .add("i", static_cast<std::int64_t>(i))
        .add("s", periods[i].start)
        .add("e", periods[i].end);
  }
  return rows.text();
}

std::string periods_source(const Dialect& dialect) {
  return json_rows_source(dialect, "periods",
                          {{"i", RowType::kInt}, {"s", RowType::kInt}, {"e", RowType::kInt}});
}

// Percentiles by nearest rank with window functions both backends have: `value AS name`,
// each row's rank by it among the rows of its `group` that have one (name_rn), and how many
// do (name_n); `tie` orders equal values. Then nearest_rank() picks the row at ceil(pct n / 100).
std::string ranked(const char* name, const std::string& value, const char* group, const char* tie) {
  const std::string n(name);
  return "ROW_NUMBER() OVER (PARTITION BY " + std::string(group) + ", " + value +
         " IS NULL ORDER BY " + value + ", " + tie + ") AS " + n + "_rn, COUNT(" + value +
         ") OVER (PARTITION BY " + group + ") AS " + n + "_n, " + value + " AS " + n;
}

// The value at the `pct` nearest rank of ranked() column `name` of `x`, within a GROUP BY; 0
// when the group has none.
std::string nearest_rank(const char* name, int pct) {
  const std::string n(name), p = std::to_string(pct);
  return "COALESCE(MAX(CASE WHEN x." + n + " IS NOT NULL AND x." + n + "_rn = (" + p + " * x." + n +
         "_n + 99) / 100 THEN x." + n + " END), 0)";
}

}  // namespace

std::vector<PeriodCount> AnalyticsStore::new_contacts(soci::session& s, std::int64_t team_id,
                                                      const std::vector<CalendarPeriod>& periods,
                                                      const std::string& by) const {
  // The column comes from this list only; every value is bound.
  if (by != "source" && by != "platform" && by != "purchase_intent")
    throw Error::validation("by", "must be source, platform or purchase_intent");
  std::string text = periods_text(periods);
  long long team = team_id, count = 0;
  int period = 0;
  std::string key;
  soci::indicator key_ind;
  soci::statement st(s);
  st.exchange(soci::into(period));
  st.exchange(soci::into(key, key_ind));
  st.exchange(soci::into(count));
  st.exchange(soci::use(text, "periods"));
  st.exchange(soci::use(team, "t"));
  std::vector<PeriodCount> out;
  if (execute_once(st, "SELECT r.i, c." + by + ", COUNT(c.id) FROM " + periods_source(dialect_) +
                           " JOIN contacts c ON c.team_id = :t AND c.created_at >= r.s AND "
                           "c.created_at < r.e GROUP BY r.i, c." +
                           by + " ORDER BY r.i")) {
    do {
      out.push_back({period, key_ind == soci::i_ok && !key.empty() ? key : "none", count});
    } while (st.fetch());
  }
  return out;
}

std::vector<ConversationTotals> AnalyticsStore::conversations(
    soci::session& s, std::int64_t team_id, const std::vector<CalendarPeriod>& periods,
    std::optional<std::int64_t> agent_id, const std::string& platform) const {
  std::string text = periods_text(periods);
  long long team = team_id, agent = agent_id.value_or(0);
  ConversationTotals row;
  long long total = 0, handed = 0, escalated = 0, resolved = 0, rated = 0, sum = 0, happy = 0;
  soci::statement st(s);
  st.exchange(soci::into(row.period));
  st.exchange(soci::into(row.platform));
  st.exchange(soci::into(total));
  st.exchange(soci::into(handed));
  st.exchange(soci::into(escalated));
  st.exchange(soci::into(resolved));
  st.exchange(soci::into(rated));
  st.exchange(soci::into(sum));
  st.exchange(soci::into(happy));
  st.exchange(soci::use(text, "periods"));
  st.exchange(soci::use(team, "t"));
  if (agent_id) st.exchange(soci::use(agent, "a"));
  if (!platform.empty()) st.exchange(soci::use(platform, "p"));
  std::vector<ConversationTotals> out;
  if (execute_once(st,
                   "SELECT r.i, v.platform, COUNT(v.id), SUM(v.handed_off), SUM(v.escalated), "
                   "SUM(v.resolved), COUNT(v.rating), COALESCE(SUM(v.rating), 0), "
                   "SUM(CASE WHEN v.rating >= 4 THEN 1 ELSE 0 END) FROM " +
                       periods_source(dialect_) +
                       " JOIN conversations v ON v.team_id = :t AND v.started_at >= r.s AND "
                       "v.started_at < r.e" +
                       (agent_id ? " AND v.agent_id = :a" : "") +
                       (platform.empty() ? "" : " AND v.platform = :p") +
                       " GROUP BY r.i, v.platform ORDER BY r.i, v.platform")) {
    do {
      row.total = total;
      row.handed_off = handed;
      row.escalated = escalated;
      row.resolved = resolved;
      row.rated = rated;
      row.rating_sum = sum;
      row.satisfied = happy;
      out.push_back(row);
    } while (st.fetch());
  }
  return out;
}

std::vector<BookingTotals> AnalyticsStore::bookings(soci::session& s, std::int64_t team_id,
                                                    const std::vector<CalendarPeriod>& periods,
                                                    std::optional<std::int64_t> assignee_id) const {
  std::string text = periods_text(periods);
  long long team = team_id, assignee = assignee_id.value_or(0);
  BookingTotals row;
  long long total = 0, booked = 0, confirmed = 0, completed = 0, no_show = 0, cancelled = 0,
            rescheduled = 0, lead = 0;
  soci::statement st(s);
  st.exchange(soci::into(row.period));
  for (long long* v :
       {&total, &booked, &confirmed, &completed, &no_show, &cancelled, &rescheduled, &lead}) {
    st.exchange(soci::into(*v));
  }
  st.exchange(soci::use(text, "periods"));
  st.exchange(soci::use(team, "t"));
  if (assignee_id) st.exchange(soci::use(assignee, "a"));
  auto status_count = [](const char* status) {
    return std::string("SUM(CASE WHEN a.status = '") + status + "' THEN 1 ELSE 0 END), ";
  };
  std::vector<BookingTotals> out;
  if (execute_once(
          st, "SELECT r.i, COUNT(a.id), " + status_count("booked") + status_count("confirmed") +
                  status_count("completed") + status_count("no_show") + status_count("cancelled") +
                  "SUM(CASE WHEN a.reschedule_history <> '[]' THEN 1 ELSE 0 END), "
                  "COALESCE(SUM(a.starts_at - a.booked_at), 0) FROM " +
                  periods_source(dialect_) +
                  " JOIN appointments a ON a.team_id = :t AND a.starts_at >= r.s AND "
                  "a.starts_at < r.e" +
                  (assignee_id ? " AND a.assignee_id = :a" : "") + " GROUP BY r.i ORDER BY r.i")) {
    do {
      row.total = total;
      row.booked = booked;
      row.confirmed = confirmed;
      row.completed = completed;
      row.no_show = no_show;
      row.cancelled = cancelled;
      row.rescheduled = rescheduled;
      row.lead_ms_sum = lead;
      out.push_back(row);
    } while (st.fetch());
  }
  return out;
}

std::vector<WorkflowRunTotals> AnalyticsStore::workflow_runs(
    soci::session& s, std::int64_t team_id, const std::vector<CalendarPeriod>& periods) const {
  std::string text = periods_text(periods);
  long long team = team_id, workflow = 0, runs = 0, failed = 0, rejected = 0, p95 = 0;
  WorkflowRunTotals row;
  soci::statement st(s);
  st.exchange(soci::into(row.period));
  for (long long* v : {&workflow, &runs, &failed, &rejected, &p95}) st.exchange(soci::into(*v));
  st.exchange(soci::use(text, "periods"));
  st.exchange(soci::use(team, "t"));
  std::vector<WorkflowRunTotals> out;
  // The 95th percentile by nearest rank, with window functions both backends have: each
  // run's rank by duration within its period and workflow, and the group's size.
  if (execute_once(st,
                   "SELECT x.i, x.workflow_id, COUNT(*), "
                   "SUM(CASE WHEN x.outcome = 'error' THEN 1 ELSE 0 END), "
                   "SUM(CASE WHEN x.outcome = 'rejected' THEN 1 ELSE 0 END), "
                   "MAX(CASE WHEN x.rn = (95 * x.n + 99) / 100 THEN x.duration_us END) FROM "
                   "(SELECT r.i AS i, w.workflow_id AS workflow_id, w.outcome AS outcome, "
                   "w.duration_us AS duration_us, ROW_NUMBER() OVER (PARTITION BY r.i, "
                   "w.workflow_id ORDER BY w.duration_us, w.id) AS rn, COUNT(*) OVER (PARTITION "
                   "BY r.i, w.workflow_id) AS n FROM " +
                       periods_source(dialect_) +
                       " JOIN workflow_runs w ON w.team_id = :t AND w.created_at >= r.s AND "
                       "w.created_at < r.e) x GROUP BY x.i, x.workflow_id ORDER BY x.i, "
                       "x.workflow_id")) {
    do {
      row.workflow_id = workflow;
      row.runs = runs;
      row.failed = failed;
      row.rejected = rejected;
      row.p95_duration_us = p95;
      out.push_back(row);
    } while (st.fetch());
  }
  return out;
}

std::vector<CampaignTotals> AnalyticsStore::campaigns(soci::session& s, std::int64_t team_id,
                                                      const std::vector<CalendarPeriod>& periods,
                                                      const std::string& channel) const {
  std::string text = periods_text(periods);
  long long team = team_id, sent = 0, opened = 0, clicked = 0, unsubscribed = 0;
  CampaignTotals row;
  soci::statement st(s);
  st.exchange(soci::into(row.period));
  st.exchange(soci::into(row.channel));
  for (long long* v : {&sent, &opened, &clicked, &unsubscribed}) st.exchange(soci::into(*v));
  st.exchange(soci::use(text, "periods"));
  st.exchange(soci::use(team, "t"));
  if (!channel.empty()) st.exchange(soci::use(channel, "c"));
  std::vector<CampaignTotals> out;
  if (execute_once(st,
                   "SELECT r.i, c.channel, COUNT(m.contact_id), COUNT(m.opened_at), "
                   "COUNT(m.clicked_at), COUNT(m.unsubscribed_at) FROM " +
                       periods_source(dialect_) +
                       " JOIN campaign_recipients m ON m.team_id = :t AND m.sent_at >= r.s AND "
                       "m.sent_at < r.e JOIN campaigns c ON c.id = m.campaign_id AND "
                       "c.team_id = m.team_id" +
                       (channel.empty() ? "" : " AND c.channel = :c") +
                       " GROUP BY r.i, c.channel ORDER BY r.i, c.channel")) {
    do {
      row.sent = sent;
      row.opened = opened;
      row.clicked = clicked;
      row.unsubscribed = unsubscribed;
      out.push_back(row);
    } while (st.fetch());
  }
  return out;
}

std::vector<TicketTotals> AnalyticsStore::tickets(soci::session& s, std::int64_t team_id,
                                                  const std::vector<CalendarPeriod>& periods,
                                                  std::optional<std::int64_t> assignee_id) const {
  std::string text = periods_text(periods);
  long long team = team_id, assignee = assignee_id.value_or(0);
  TicketTotals row;
  long long created = 0, responded = 0, resolved = 0, breached = 0, r50 = 0, r90 = 0, s50 = 0,
            s90 = 0;
  soci::statement st(s);
  st.exchange(soci::into(row.period));
  for (long long* v : {&created, &responded, &resolved, &breached, &r50, &r90, &s50, &s90}) {
    st.exchange(soci::into(*v));
  }
  st.exchange(soci::use(text, "periods"));
  st.exchange(soci::use(team, "t"));
  if (assignee_id) st.exchange(soci::use(assignee, "a"));
  auto rank = [](const char* name, const char* value) {
    return ranked(name, value, "r.i", "t.id");
  };
  std::vector<TicketTotals> out;
  if (execute_once(
          st,
          "SELECT x.i, COUNT(*), COUNT(x.response), COUNT(x.resolution), SUM(x.sla_breached), " +
              nearest_rank("response", 50) + ", " + nearest_rank("response", 90) + ", " +
              nearest_rank("resolution", 50) + ", " + nearest_rank("resolution", 90) +
              " FROM (SELECT r.i AS i, t.sla_breached AS sla_breached, " +
              rank("response", "t.first_responded_at - t.created_at") + ", " +
              rank("resolution", "t.resolved_at - t.created_at") + " FROM " +
              periods_source(dialect_) +
              " JOIN tickets t ON t.team_id = :t AND t.created_at >= r.s AND "
              "t.created_at < r.e" +
              (assignee_id ? " AND t.assignee_id = :a" : "") + ") x GROUP BY x.i ORDER BY x.i")) {
    do {
      row.created = created;
      row.responded = responded;
      row.resolved = resolved;
      row.breached = breached;
      row.response_p50_ms = r50;
      row.response_p90_ms = r90;
      row.resolution_p50_ms = s50;
      row.resolution_p90_ms = s90;
      out.push_back(row);
    } while (st.fetch());
  }
  return out;
}

std::vector<HourCount> AnalyticsStore::busy_hours(soci::session& s, std::int64_t team_id,
                                                  const std::vector<TimeZone::OffsetSpan>& spans,
                                                  const std::string& of,
                                                  std::optional<std::int64_t> assignee_id) const {
  // The table and column come from this list only; every value is bound.
  std::string from;
  if (of == "bookings") {
    from =
        " JOIN appointments x ON x.team_id = :t AND x.status <> 'cancelled' AND "
        "x.starts_at >= g.s AND x.starts_at < g.e" +
        std::string(assignee_id ? " AND x.assignee_id = :a" : "");
  } else if (of == "conversations") {
    from = " JOIN conversations x ON x.team_id = :t AND x.started_at >= g.s AND x.started_at < g.e";
  } else {
    throw Error::validation("of", "must be bookings or conversations");
  }
  const std::string at = of == "bookings" ? "x.starts_at" : "x.started_at";
  JsonRows rows;
  for (const auto& span : spans) {
    rows.row()
        .add("s", span.start)
        .add("e", span.end)
        .add("o", static_cast<std::int64_t>(span.offset_s) * 1000);
  }
  std::string text = rows.text();
  long long team = team_id, assignee = assignee_id.value_or(0), count = 0;
  HourCount row;
  soci::statement st(s);
  st.exchange(soci::into(row.weekday));
  st.exchange(soci::into(row.hour));
  st.exchange(soci::into(count));
  st.exchange(soci::use(text, "spans"));
  st.exchange(soci::use(team, "t"));
  if (assignee_id) st.exchange(soci::use(assignee, "a"));
  // Local ms = instant + offset; day 0 (1970-01-01) was a Thursday, so (day + 3) % 7 counts
  // from Monday. The window starts after 1970: no negative division.
  const std::string local = "(" + at + " + g.o)";
  std::vector<HourCount> out;
  if (execute_once(
          st, "SELECT (" + local + " / 86400000 + 3) % 7 + 1 AS wd, (" + local +
                  " / 3600000) % 24 AS h, COUNT(*) FROM " +
                  json_rows_source(
                      dialect_, "spans",
                      {{"s", RowType::kInt}, {"e", RowType::kInt}, {"o", RowType::kInt}}, "g") +
                  from + " GROUP BY wd, h ORDER BY wd, h")) {
    do {
      row.count = count;
      out.push_back(row);
    } while (st.fetch());
  }
  return out;
}

std::vector<FunnelStage> AnalyticsStore::funnel(soci::session& s, std::int64_t team_id,
                                                std::int64_t pipeline_id, EpochMs from, EpochMs to,
                                                std::int64_t& cohort) const {
  long long team = team_id, pipeline = pipeline_id, start = from, end = to;
  // The cohort: leads whose first row in this pipeline (created there, or moved into it)
  // falls in the window. Its rows are all the stage rows of those leads in this pipeline.
  const std::string cohort_sql =
      "SELECT lead_id FROM lead_stage_changes WHERE team_id = :t AND pipeline_id = :p GROUP BY "
      "lead_id HAVING MIN(changed_at) >= :s AND MIN(changed_at) < :e";
  const std::string rows_sql =
      "SELECT c.lead_id AS lead_id, c.from_stage_id AS from_stage_id, c.to_stage_id AS "
      "to_stage_id, c.time_in_previous_ms AS spent, c.id AS id FROM lead_stage_changes c WHERE "
      "c.team_id = :t AND c.pipeline_id = :p AND c.lead_id IN (" +
      cohort_sql + ")";
  long long n = 0;
  run_cached(s, "SELECT COUNT(*) FROM (" + cohort_sql + ") k", soci::use(team, "t"),
             soci::use(pipeline, "p"), soci::use(start, "s"), soci::use(end, "e"), soci::into(n));
  cohort = n;

  FunnelStage row;
  long long id = 0, entered = 0, reached = 0, left = 0, median = 0;
  int won = 0, lost = 0;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::into(row.name));
  st.exchange(soci::into(row.position));
  st.exchange(soci::into(won));
  st.exchange(soci::into(lost));
  for (long long* v : {&entered, &reached, &left, &median}) st.exchange(soci::into(*v));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(pipeline, "p"));
  st.exchange(soci::use(start, "s"));
  st.exchange(soci::use(end, "e"));
  // Per lead, the furthest stage reached that is not a lost one; per stage, how many entered
  // it, reached it or beyond, left it, and the median time spent before leaving (nearest
  // rank over its moves out).
  std::vector<FunnelStage> out;
  if (execute_once(
          st,
          "WITH r AS (" + rows_sql +
              "), furthest AS (SELECT r.lead_id AS lead_id, MAX(CASE WHEN g.is_lost = 0 THEN "
              "g.position END) AS pos FROM r JOIN pipeline_stages g ON g.team_id = :t AND g.id = "
              "r.to_stage_id GROUP BY r.lead_id), outs AS (SELECT r.from_stage_id AS stage_id, "
              "r.spent AS spent, ROW_NUMBER() OVER (PARTITION BY r.from_stage_id ORDER BY "
              "r.spent, r.id) AS rn, COUNT(*) OVER (PARTITION BY r.from_stage_id) AS n FROM r "
              "WHERE r.from_stage_id IS NOT NULL AND r.spent IS NOT NULL) "
              "SELECT g.id, g.name, g.position, g.is_won, g.is_lost, "
              "(SELECT COUNT(DISTINCT r.lead_id) FROM r WHERE r.to_stage_id = g.id), "
              "CASE WHEN g.is_lost = 1 THEN (SELECT COUNT(DISTINCT r.lead_id) FROM r WHERE "
              "r.to_stage_id = g.id) ELSE (SELECT COUNT(*) FROM furthest f WHERE f.pos >= "
              "g.position) END, "
              "(SELECT COUNT(*) FROM outs o WHERE o.stage_id = g.id), "
              "COALESCE((SELECT MAX(o.spent) FROM outs o WHERE o.stage_id = g.id AND o.rn = (50 "
              "* o.n + 99) / 100), 0) "
              "FROM pipeline_stages g WHERE g.team_id = :t AND g.pipeline_id = :p ORDER BY "
              "g.position, g.id")) {
    do {
      row.stage_id = id;
      row.won = won != 0;
      row.lost = lost != 0;
      row.entered = entered;
      row.reached = reached;
      row.left = left;
      row.median_ms_in_stage = median;
      out.push_back(row);
    } while (st.fetch());
  }
  return out;
}

std::vector<ResponseTotals> AnalyticsStore::response_times(
    soci::session& s, std::int64_t team_id, const std::vector<CalendarPeriod>& periods,
    std::optional<std::int64_t> agent_id, const std::string& platform) const {
  std::string text = periods_text(periods);
  long long team = team_id, agent = agent_id.value_or(0);
  ResponseTotals row;
  long long asked = 0, by_bot = 0, by_team = 0, b50 = 0, b90 = 0, t50 = 0, t90 = 0;
  soci::statement st(s);
  st.exchange(soci::into(row.period));
  for (long long* v : {&asked, &by_bot, &by_team, &b50, &b90, &t50, &t90}) {
    st.exchange(soci::into(*v));
  }
  st.exchange(soci::use(text, "periods"));
  st.exchange(soci::use(team, "t"));
  if (agent_id) st.exchange(soci::use(agent, "a"));
  if (!platform.empty()) st.exchange(soci::use(platform, "p"));
  // Per conversation: its first customer message, then the first bot reply and the first
  // reply of a person of the team at or after it (messages_conversation index).
  auto first_after = [](const char* role) {
    return std::string(
               "(SELECT MIN(m.sent_at) FROM messages m WHERE m.team_id = :t AND "
               "m.conversation_id = c.id AND m.role = '") +
           role + "' AND m.sent_at >= c.asked) - c.asked";
  };
  std::vector<ResponseTotals> out;
  if (execute_once(
          st, "SELECT x.i, COUNT(*), COUNT(x.bot), COUNT(x.human), " + nearest_rank("bot", 50) +
                  ", " + nearest_rank("bot", 90) + ", " + nearest_rank("human", 50) + ", " +
                  nearest_rank("human", 90) + " FROM (SELECT d.i AS i, " +
                  ranked("bot", "d.bot_ms", "d.i", "d.id") + ", " +
                  ranked("human", "d.human_ms", "d.i", "d.id") +
                  " FROM (SELECT c.i AS i, c.id AS id, " + first_after("bot") + " AS bot_ms, " +
                  first_after("agent") +
                  " AS human_ms FROM (SELECT r.i AS i, v.id AS id, (SELECT MIN(m.sent_at) FROM "
                  "messages m WHERE m.team_id = :t AND m.conversation_id = v.id AND m.role = "
                  "'user') AS asked FROM " +
                  periods_source(dialect_) +
                  " JOIN conversations v ON v.team_id = :t AND v.started_at >= r.s AND "
                  "v.started_at < r.e" +
                  (agent_id ? " AND v.agent_id = :a" : "") +
                  (platform.empty() ? "" : " AND v.platform = :p") +
                  ") c WHERE c.asked IS NOT NULL) d) x GROUP BY x.i ORDER BY x.i")) {
    do {
      row.asked = asked;
      row.answered_by_bot = by_bot;
      row.answered_by_team = by_team;
      row.bot_p50_ms = b50;
      row.bot_p90_ms = b90;
      row.team_p50_ms = t50;
      row.team_p90_ms = t90;
      out.push_back(row);
    } while (st.fetch());
  }
  return out;
}

}  // namespace sb
