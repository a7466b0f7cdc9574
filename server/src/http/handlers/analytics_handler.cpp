// /v1/analytics: counts per calendar period in the team's time zone (viewer and above), as
// JSON or CSV. The numbers come from SQL (store/analytics_store.h); rates are divided here.
#include <soci/soci.h>

#include <array>
#include <map>
#include <set>

#include "http/routes.h"
#include "model/calendar_periods.h"
#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/csv_cell.h"
#include "model/error.h"
#include "model/messaging_settings.h"
#include "model/time_zone.h"
#include "store/analytics_store.h"
#include "store/pipeline_rules.h"
#include "store/record_store.h"
#include "store/workflow_store.h"

namespace sb {
namespace {

struct Window {
  std::shared_ptr<const TimeZone> zone;
  std::string unit;
  std::vector<CalendarPeriod> periods;
};

// ?period=day|week|month&from=&to= (local dates, both included; default: the last 30 days)
// in ?time_zone= or the team's (messaging settings), UTC when it has none.
Window read_window(ApiServices& sv, const Request& req, const char* unit = nullptr) {
  Window w;
  std::string zone = req.query_param("time_zone").value_or("");
  if (zone.empty()) {
    zone = sv.db.read([&](soci::session& s) {
      return parse_messaging_settings_text(sv.settings.get_json(s, req.auth().team_id, "messaging"))
          .time_zone;
    });
  }
  w.zone = TimeZone::find(zone);
  if (!w.zone) throw Error::validation("time_zone", "is not a time zone: " + zone);
  w.unit = unit ? unit : req.query_param("period").value_or("day");
  const EpochMs local_now = w.zone->utc_to_local(now_ms());
  const std::string today = format_iso8601(local_now).substr(0, 10);
  const std::string month_ago = format_iso8601(local_now - 29 * 86'400'000LL).substr(0, 10);
  w.periods = calendar_periods(*w.zone, w.unit, req.query_param("from").value_or(month_ago),
                               req.query_param("to").value_or(today));
  return w;
}

bool wants_csv(const Request& req) {
  std::string format = req.query_param("format").value_or("json");
  if (format != "json" && format != "csv") throw Error::validation("format", "must be json or csv");
  return format == "csv";
}

Poco::JSON::Object period_json(const CalendarPeriod& p) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("label", p.label);
  o.set("start", format_iso8601(p.start));
  o.set("end", format_iso8601(p.end));
  return o;
}

// The store's rows (one per period that has any) laid out one per period; the others zero.
template <class Totals>
std::vector<Totals> by_period(const Window& w, std::vector<Totals> rows) {
  std::vector<Totals> out(w.periods.size());
  for (auto& r : rows) out[static_cast<std::size_t>(r.period)] = std::move(r);
  return out;
}

// The JSON answer of every analytics route: the window, then its periods; `by` when the
// route groups by a field.
Response periods_response(const Window& w, Poco::JSON::Array::Ptr periods,
                          const std::string& by = "") {
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("time_zone", w.zone->name());
  body.set("period", w.unit);
  if (!by.empty()) body.set("by", by);
  body.set("periods", periods);
  return Response::json(200, body);
}

Poco::Dynamic::Var ratio(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return Poco::Dynamic::Var();
  return static_cast<double>(static_cast<long long>(part * 10000 / whole)) / 10000;  // 4 places
}

// A duration in ms as `unit_ms` units with 2 places (seconds, minutes, hours); null when
// `count`, the rows it was measured over, is 0.
Poco::Dynamic::Var in(std::int64_t ms, std::int64_t count, std::int64_t unit_ms) {
  if (count == 0) return Poco::Dynamic::Var();
  return static_cast<double>(ms * 100 / unit_ms) / 100;
}

Response csv(std::string body, const std::string& name) {
  Response r;
  r.body = std::move(body);
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
  return r;
}

void csv_row(std::string& out, const std::vector<std::string>& cells) {
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    append_csv_cell(out, cells[i]);
  }
  out += "\r\n";
}

Response contacts(ApiServices& sv, Request& req) {
  Window w = read_window(sv, req);
  const std::string by = req.query_param("by").value_or("source");
  const bool as_csv = wants_csv(req);
  auto rows = sv.db.read([&](soci::session& s) {
    return AnalyticsStore(sv.db.dialect()).new_contacts(s, req.auth().team_id, w.periods, by);
  });
  std::vector<std::map<std::string, std::int64_t>> counts(w.periods.size());
  std::set<std::string> keys;
  for (const auto& r : rows) {
    counts[static_cast<std::size_t>(r.period)][r.key] += r.count;
    keys.insert(r.key);
  }
  if (as_csv) {
    std::string out;
    std::vector<std::string> head = {"period", "start", "end", "total"};
    head.insert(head.end(), keys.begin(), keys.end());
    csv_row(out, head);
    for (std::size_t i = 0; i < w.periods.size(); ++i) {
      std::int64_t total = 0;
      for (const auto& [k, n] : counts[i]) total += n;
      std::vector<std::string> cells = {w.periods[i].label, format_iso8601(w.periods[i].start),
                                        format_iso8601(w.periods[i].end), std::to_string(total)};
      for (const auto& k : keys)
        cells.push_back(std::to_string(counts[i].count(k) ? counts[i][k] : 0));
      csv_row(out, cells);
    }
    return csv(std::move(out), "new-contacts");
  }
  Poco::JSON::Array::Ptr periods = new Poco::JSON::Array;
  for (std::size_t i = 0; i < w.periods.size(); ++i) {
    Poco::JSON::Object o = period_json(w.periods[i]);
    std::int64_t total = 0;
    Poco::JSON::Object by_key;
    for (const auto& [k, n] : counts[i]) {
      total += n;
      by_key.set(k, n);
    }
    o.set("total", total);
    o.set("counts", by_key);
    periods->add(o);
  }
  return periods_response(w, periods, by);
}

std::optional<std::int64_t> id_param(const Request& req, const std::string& name) {
  auto text = req.query_param(name);
  if (!text) return std::nullopt;
  try {
    std::size_t used = 0;
    long long v = std::stoll(*text, &used);
    if (used == text->size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw Error::validation(name, "must be an id");
}

Response conversations(ApiServices& sv, Request& req) {
  Window w = read_window(sv, req);
  const auto agent = id_param(req, "agent_id");
  const std::string platform = req.query_param("platform").value_or("");
  const bool as_csv = wants_csv(req);
  auto rows = sv.db.read([&](soci::session& s) {
    return AnalyticsStore(sv.db.dialect())
        .conversations(s, req.auth().team_id, w.periods, agent, platform);
  });
  std::vector<ConversationTotals> sums(w.periods.size());
  std::vector<std::map<std::string, std::int64_t>> by_platform(w.periods.size());
  for (const auto& r : rows) {
    auto& t = sums[static_cast<std::size_t>(r.period)];
    t.total += r.total;
    t.handed_off += r.handed_off;
    t.escalated += r.escalated;
    t.resolved += r.resolved;
    t.rated += r.rated;
    t.rating_sum += r.rating_sum;
    t.satisfied += r.satisfied;
    by_platform[static_cast<std::size_t>(r.period)][r.platform] += r.total;
  }
  if (as_csv) {
    std::string out;
    csv_row(out, {"period", "start", "end", "total", "handed_off", "escalated", "resolved", "rated",
                  "average_rating", "csat"});
    for (std::size_t i = 0; i < w.periods.size(); ++i) {
      const auto& t = sums[i];
      auto text = [](const Poco::Dynamic::Var& v) { return v.isEmpty() ? "" : v.toString(); };
      csv_row(out, {w.periods[i].label, format_iso8601(w.periods[i].start),
                    format_iso8601(w.periods[i].end), std::to_string(t.total),
                    std::to_string(t.handed_off), std::to_string(t.escalated),
                    std::to_string(t.resolved), std::to_string(t.rated),
                    text(ratio(t.rating_sum, t.rated)), text(ratio(t.satisfied, t.rated))});
    }
    return csv(std::move(out), "conversations");
  }
  Poco::JSON::Array::Ptr periods = new Poco::JSON::Array;
  for (std::size_t i = 0; i < w.periods.size(); ++i) {
    const auto& t = sums[i];
    Poco::JSON::Object o = period_json(w.periods[i]);
    o.set("total", t.total);
    Poco::JSON::Object platforms;
    for (const auto& [k, n] : by_platform[i]) platforms.set(k, n);
    o.set("by_platform", platforms);
    o.set("handed_off", t.handed_off);
    o.set("escalated", t.escalated);
    o.set("resolved", t.resolved);
    o.set("rated", t.rated);
    o.set("handoff_rate", ratio(t.handed_off, t.total));
    o.set("escalation_rate", ratio(t.escalated, t.total));
    o.set("average_rating", ratio(t.rating_sum, t.rated));
    o.set("csat", ratio(t.satisfied, t.rated));
    periods->add(o);
  }
  return periods_response(w, periods);
}

// One value per named column and period, written as JSON (an object per period, beside
// its label, start and end) or as CSV (a row per period): the shape of the flat tables.
struct PeriodTable {
  std::vector<std::string> columns;
  std::vector<std::vector<Poco::Dynamic::Var>> rows;  // one per period, one value per column
};

Response period_table(const Window& w, const PeriodTable& t, bool as_csv, const std::string& name) {
  if (as_csv) {
    std::string out;
    std::vector<std::string> head = {"period", "start", "end"};
    head.insert(head.end(), t.columns.begin(), t.columns.end());
    csv_row(out, head);
    for (std::size_t i = 0; i < w.periods.size(); ++i) {
      std::vector<std::string> cells = {w.periods[i].label, format_iso8601(w.periods[i].start),
                                        format_iso8601(w.periods[i].end)};
      for (const auto& v : t.rows[i]) cells.push_back(v.isEmpty() ? "" : v.toString());
      csv_row(out, cells);
    }
    return csv(std::move(out), name);
  }
  Poco::JSON::Array::Ptr periods = new Poco::JSON::Array;
  for (std::size_t i = 0; i < w.periods.size(); ++i) {
    Poco::JSON::Object o = period_json(w.periods[i]);
    for (std::size_t c = 0; c < t.columns.size(); ++c) o.set(t.columns[c], t.rows[i][c]);
    periods->add(o);
  }
  return periods_response(w, periods);
}

// Appointments by the period they start in: how they ended, how far ahead they were booked.
Response bookings(ApiServices& sv, Request& req) {
  Window w = read_window(sv, req);
  const auto assignee = id_param(req, "assignee_id");
  const bool as_csv = wants_csv(req);
  auto rows = sv.db.read([&](soci::session& s) {
    return AnalyticsStore(sv.db.dialect()).bookings(s, req.auth().team_id, w.periods, assignee);
  });
  const auto sums = by_period(w, std::move(rows));
  PeriodTable t;
  t.columns = {
      "total",     "booked",      "confirmed",    "completed",         "no_show",
      "cancelled", "rescheduled", "no_show_rate", "cancellation_rate", "average_lead_hours"};
  for (const auto& b : sums) {
    // No-shows over the appointments that were due to happen (completed or not attended).
    Poco::Dynamic::Var lead;
    if (b.total > 0) {
      lead = static_cast<double>(b.lead_ms_sum * 100 / (b.total * 3'600'000)) / 100;  // 2 places
    }
    t.rows.push_back({b.total, b.booked, b.confirmed, b.completed, b.no_show, b.cancelled,
                      b.rescheduled, ratio(b.no_show, b.completed + b.no_show),
                      ratio(b.cancelled, b.total), lead});
  }
  return period_table(w, t, as_csv, "bookings");
}

// Campaign messages by the period they were sent in, and what their recipients did since.
Response campaign_engagement(ApiServices& sv, Request& req) {
  Window w = read_window(sv, req);
  const std::string channel = req.query_param("channel").value_or("");
  if (!channel.empty() && channel != "email" && channel != "sms") {
    throw Error::validation("channel", "must be email or sms");
  }
  const bool as_csv = wants_csv(req);
  auto rows = sv.db.read([&](soci::session& s) {
    return AnalyticsStore(sv.db.dialect()).campaigns(s, req.auth().team_id, w.periods, channel);
  });
  std::vector<CampaignTotals> sums(w.periods.size());
  for (const auto& r : rows) {
    auto& t = sums[static_cast<std::size_t>(r.period)];
    t.sent += r.sent;
    t.opened += r.opened;
    t.clicked += r.clicked;
    t.unsubscribed += r.unsubscribed;
  }
  PeriodTable t;
  t.columns = {"sent",      "opened",     "clicked",         "unsubscribed",
               "open_rate", "click_rate", "unsubscribe_rate"};
  for (const auto& c : sums) {
    t.rows.push_back({c.sent, c.opened, c.clicked, c.unsubscribed, ratio(c.opened, c.sent),
                      ratio(c.clicked, c.sent), ratio(c.unsubscribed, c.sent)});
  }
  return period_table(w, t, as_csv, "campaigns");
}

// Tickets by the period they were opened in: how many were answered, resolved and breached
// their SLA, and the median and 90th percentile of the time to a first response and to
// resolution (null in a period with none).
Response tickets(ApiServices& sv, Request& req) {
  Window w = read_window(sv, req);
  const auto assignee = id_param(req, "assignee_id");
  const bool as_csv = wants_csv(req);
  auto rows = sv.db.read([&](soci::session& s) {
    return AnalyticsStore(sv.db.dialect()).tickets(s, req.auth().team_id, w.periods, assignee);
  });
  const auto sums = by_period(w, std::move(rows));
  PeriodTable t;
  t.columns = {"created",
               "responded",
               "resolved",
               "sla_breached",
               "sla_breach_rate",
               "first_response_p50_minutes",
               "first_response_p90_minutes",
               "resolution_p50_hours",
               "resolution_p90_hours"};
  for (const auto& k : sums) {
    t.rows.push_back({k.created, k.responded, k.resolved, k.breached, ratio(k.breached, k.created),
                      in(k.response_p50_ms, k.responded, 60'000),
                      in(k.response_p90_ms, k.responded, 60'000),
                      in(k.resolution_p50_ms, k.resolved, 3'600'000),
                      in(k.resolution_p90_ms, k.resolved, 3'600'000)});
  }
  return period_table(w, t, as_csv, "tickets");
}

// How fast customers are answered, per period conversations started in: of those with a
// customer message, how many got a bot reply and a reply from a person of the team after the
// first one, and the median and 90th percentile of each wait (null when none came).
Response response_times(ApiServices& sv, Request& req) {
  Window w = read_window(sv, req);
  const auto agent = id_param(req, "agent_id");
  const std::string platform = req.query_param("platform").value_or("");
  const bool as_csv = wants_csv(req);
  auto rows = sv.db.read([&](soci::session& s) {
    return AnalyticsStore(sv.db.dialect())
        .response_times(s, req.auth().team_id, w.periods, agent, platform);
  });
  const auto sums = by_period(w, std::move(rows));
  PeriodTable t;
  t.columns = {"conversations",   "answered_by_bot",  "answered_by_team", "bot_p50_seconds",
               "bot_p90_seconds", "team_p50_minutes", "team_p90_minutes", "team_answer_rate"};
  for (const auto& r : sums) {
    t.rows.push_back(
        {r.asked, r.answered_by_bot, r.answered_by_team, in(r.bot_p50_ms, r.answered_by_bot, 1'000),
         in(r.bot_p90_ms, r.answered_by_bot, 1'000), in(r.team_p50_ms, r.answered_by_team, 60'000),
         in(r.team_p90_ms, r.answered_by_team, 60'000), ratio(r.answered_by_team, r.asked)});
  }
  return period_table(w, t, as_csv, "response-times");
}

// When things happen, by local weekday and hour over the window (?of=bookings: appointments
// by the hour they start, the preferred booking hours; ?of=conversations: when customers
// start chatting), with the busiest hour.
Response busy_hours(ApiServices& sv, Request& req) {
  Window w = read_window(sv, req, "day");
  const std::string of = req.query_param("of").value_or("bookings");
  const auto assignee = id_param(req, "assignee_id");
  if (assignee && of != "bookings") {
    throw Error::validation("assignee_id", "applies to bookings only");
  }
  const bool as_csv = wants_csv(req);
  const EpochMs from = w.periods.front().start, to = w.periods.back().end;
  auto rows = sv.db.read([&](soci::session& s) {
    return AnalyticsStore(sv.db.dialect())
        .busy_hours(s, req.auth().team_id, w.zone->offsets_between(from, to), of, assignee);
  });
  static const char* kWeekdays[] = {"monday", "tuesday",  "wednesday", "thursday",
                                    "friday", "saturday", "sunday"};
  std::array<std::array<std::int64_t, 24>, 7> grid{};
  std::int64_t total = 0;
  const HourCount* busiest = nullptr;  // the first of the largest, Monday 00:00 onwards
  for (const auto& r : rows) {
    grid[static_cast<std::size_t>(r.weekday - 1)][static_cast<std::size_t>(r.hour)] = r.count;
    total += r.count;
    if (!busiest || r.count > busiest->count) busiest = &r;
  }
  if (as_csv) {
    std::string out;
    std::vector<std::string> head = {"weekday"};
    for (int h = 0; h < 24; ++h) head.push_back((h < 10 ? "0" : "") + std::to_string(h) + ":00");
    csv_row(out, head);
    for (std::size_t d = 0; d < 7; ++d) {
      std::vector<std::string> cells = {kWeekdays[d]};
      for (std::int64_t n : grid[d]) cells.push_back(std::to_string(n));
      csv_row(out, cells);
    }
    return csv(std::move(out), "busy-hours-" + of);
  }
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("time_zone", w.zone->name());
  body.set("from", w.periods.front().label);
  body.set("to", w.periods.back().label);
  body.set("of", of);
  body.set("total", total);
  Poco::JSON::Array::Ptr days = new Poco::JSON::Array;
  for (std::size_t d = 0; d < 7; ++d) {
    Poco::JSON::Object day(Poco::JSON_PRESERVE_KEY_ORDER);
    day.set("weekday", kWeekdays[d]);
    std::int64_t sum = 0;
    Poco::JSON::Array::Ptr hours = new Poco::JSON::Array;
    for (std::int64_t n : grid[d]) {
      hours->add(n);
      sum += n;
    }
    day.set("total", sum);
    day.set("hours", hours);
    days->add(day);
  }
  body.set("weekdays", days);
  if (busiest) {
    Poco::JSON::Object b(Poco::JSON_PRESERVE_KEY_ORDER);
    b.set("weekday", kWeekdays[busiest->weekday - 1]);
    b.set("hour", busiest->hour);
    b.set("count", busiest->count);
    body.set("busiest", b);
  } else {
    body.set("busiest", Poco::Dynamic::Var());
  }
  return Response::json(200, body);
}

// A pipeline's funnel over the leads that entered it in the window (created in it or moved
// into it): per stage in order, how many entered it, reached it or a stage further along,
// the conversion from the stage before, and the median time spent in it.
Response funnel(ApiServices& sv, Request& req) {
  Window w = read_window(sv, req, "day");
  auto asked = id_param(req, "pipeline_id");
  const std::int64_t team = req.auth().team_id;
  std::int64_t cohort = 0;
  std::string name;
  std::int64_t pipeline = 0;
  auto stages = sv.db.read([&](soci::session& s) {
    auto id = asked ? asked : default_pipeline_id(s, team);
    if (!id) throw Error::validation("pipeline_id", "the team has no default pipeline");
    // A pipeline of another team is not found, as any other.
    Record p = RecordStore(sv.db.dialect()).require(s, crm::pipeline(), team, *id);
    pipeline = *id;
    name = p.text_or(crm::pipeline(), "name", "");
    return AnalyticsStore(sv.db.dialect())
        .funnel(s, team, *id, w.periods.front().start, w.periods.back().end, cohort);
  });
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("time_zone", w.zone->name());
  body.set("from", w.periods.front().label);
  body.set("to", w.periods.back().label);
  body.set("pipeline_id", pipeline);
  body.set("pipeline", name);
  body.set("entered", cohort);
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  std::int64_t previous = cohort;  // the first stage converts from the pipeline's entries
  for (const FunnelStage& st : stages) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("stage_id", st.stage_id);
    o.set("name", st.name);
    o.set("is_won", st.won);
    o.set("is_lost", st.lost);
    o.set("entered", st.entered);
    o.set("reached", st.reached);
    // Lost stages are exits, not steps: their share is of all entries.
    o.set("conversion", ratio(st.reached, st.lost ? cohort : previous));
    if (!st.lost) previous = st.reached;
    o.set("left", st.left);
    o.set("median_hours_in_stage", in(st.median_ms_in_stage, st.left, 3'600'000));
    out->add(o);
  }
  body.set("stages", out);
  return Response::json(200, body);
}

// Workflow runs by the period they ran in, per workflow: how many, how many failed or were
// rejected, and the 95th percentile duration.
Response workflow_runs(ApiServices& sv, Request& req) {
  Window w = read_window(sv, req);
  const bool as_csv = wants_csv(req);
  std::map<std::int64_t, std::string> names;
  auto rows = sv.db.read([&](soci::session& s) {
    for (const WorkflowRow& row : WorkflowStore(sv.db.dialect()).list(s, req.auth().team_id)) {
      names[row.id] = row.name;
    }
    return AnalyticsStore(sv.db.dialect()).workflow_runs(s, req.auth().team_id, w.periods);
  });
  auto name_of = [&](std::int64_t id) {
    auto it = names.find(id);
    return it != names.end() ? it->second : "workflow " + std::to_string(id) + " (deleted)";
  };
  auto p95_ms = [](const WorkflowRunTotals& r) {
    return static_cast<double>(r.p95_duration_us / 10) / 100;  // ms, 2 places
  };
  if (as_csv) {
    std::string out;
    csv_row(out, {"period", "start", "end", "workflow_id", "workflow", "runs", "failed", "rejected",
                  "failure_rate", "p95_duration_ms"});
    for (const auto& r : rows) {
      const CalendarPeriod& p = w.periods[static_cast<std::size_t>(r.period)];
      Poco::Dynamic::Var rate = ratio(r.failed, r.runs);
      csv_row(out,
              {p.label, format_iso8601(p.start), format_iso8601(p.end),
               std::to_string(r.workflow_id), name_of(r.workflow_id), std::to_string(r.runs),
               std::to_string(r.failed), std::to_string(r.rejected),
               rate.isEmpty() ? "" : rate.toString(), Poco::Dynamic::Var(p95_ms(r)).toString()});
    }
    return csv(std::move(out), "workflow-runs");
  }
  std::vector<Poco::JSON::Array::Ptr> per_period(w.periods.size());
  std::vector<std::int64_t> runs(w.periods.size()), failed(w.periods.size());
  for (auto& a : per_period) a = new Poco::JSON::Array;
  for (const auto& r : rows) {
    const auto i = static_cast<std::size_t>(r.period);
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("workflow_id", r.workflow_id);
    o.set("name", name_of(r.workflow_id));
    o.set("runs", r.runs);
    o.set("failed", r.failed);
    o.set("rejected", r.rejected);
    o.set("failure_rate", ratio(r.failed, r.runs));
    o.set("p95_duration_ms", p95_ms(r));
    per_period[i]->add(o);
    runs[i] += r.runs;
    failed[i] += r.failed;
  }
  Poco::JSON::Array::Ptr periods = new Poco::JSON::Array;
  for (std::size_t i = 0; i < w.periods.size(); ++i) {
    Poco::JSON::Object o = period_json(w.periods[i]);
    o.set("runs", runs[i]);
    o.set("failed", failed[i]);
    o.set("workflows", per_period[i]);
    periods->add(o);
  }
  return periods_response(w, periods);
}

}  // namespace

void add_analytics_routes(Router& router, ApiServices& sv) {
  // Admins, as the run log it reads.
  router.add(Route::get("/v1/analytics/workflows", Role::kAdmin,
                        [&sv](Request& r) { return workflow_runs(sv, r); }));
  router.add(Route::get("/v1/analytics/bookings", Role::kViewer,
                        [&sv](Request& r) { return bookings(sv, r); }));
  router.add(Route::get("/v1/analytics/campaigns", Role::kViewer,
                        [&sv](Request& r) { return campaign_engagement(sv, r); }));
  router.add(Route::get("/v1/analytics/busy-hours", Role::kViewer,
                        [&sv](Request& r) { return busy_hours(sv, r); }));
  router.add(Route::get("/v1/analytics/funnel", Role::kViewer,
                        [&sv](Request& r) { return funnel(sv, r); }));
  router.add(Route::get("/v1/analytics/response-times", Role::kViewer,
                        [&sv](Request& r) { return response_times(sv, r); }));
  router.add(Route::get("/v1/analytics/tickets", Role::kViewer,
                        [&sv](Request& r) { return tickets(sv, r); }));
  router.add(Route::get("/v1/analytics/contacts", Role::kViewer,
                        [&sv](Request& r) { return contacts(sv, r); }));
  router.add(Route::get("/v1/analytics/conversations", Role::kViewer,
                        [&sv](Request& r) { return conversations(sv, r); }));
}

}  // namespace sb
