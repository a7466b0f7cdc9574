// Pipelines, stages, leads, activities.
#include "store/pipeline_rules.h"

#include <soci/soci.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/record_json.h"
#include "store/lead_stage_history.h"
#include "store/statement.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

std::vector<Record> stages_of(soci::session& s, const Dialect& dialect, std::int64_t team_id,
                              std::int64_t pipeline_id) {
  RecordStore store(dialect);
  RecordQuery q;
  q.filters.push_back({crm::stage().index("pipeline_id"), {pipeline_id}});
  q.limit = 1000;
  auto stages = store.list(s, crm::stage(), team_id, q);
  std::stable_sort(stages.begin(), stages.end(), [](const Record& a, const Record& b) {
    return a.int_or(crm::stage(), "position", 0) < b.int_or(crm::stage(), "position", 0);
  });
  return stages;
}

std::int64_t count_leads(soci::session& s, std::int64_t team_id, std::string_view column,
                         std::int64_t id) {
  long long team = team_id, key = id, n = 0;
  soci::statement st(s);
  st.exchange(soci::into(n));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(key, "k"));
  execute_once(
      st, "SELECT COUNT(*) FROM leads WHERE team_id = :t AND " + std::string(column) + " = :k");
  return n;
}

}  // namespace

void PipelineHooks::before_write(soci::session& s, const Record* before, Record& after,
                                 std::vector<int>&, const WriteContext&) const {
  const auto& p = crm::pipeline();
  if (before && before->int_or(p, "is_default", 0) == 1 && after.int_or(p, "is_default", 0) == 0)
    throw Error::validation("is_default",
                            "a team always has a default pipeline: make another one the default");
  if (after.int_or(p, "is_default", 0) != 1) return;
  // Before the write: a unique index keeps one default per team.
  store_.clear_default(s, p, after.team_id, after.id);
}

void PipelineHooks::before_remove(soci::session& s, const Record& r) const {
  if (r.int_or(crm::pipeline(), "is_default", 0) == 1)
    throw Error(ErrorCode::kConflict, "the default pipeline cannot be deleted",
                {{"pipeline_id", r.id}});
  if (std::int64_t n = count_leads(s, r.team_id, "pipeline_id", r.id); n > 0)
    throw Error(ErrorCode::kConflict,
                "the pipeline has " + std::to_string(n) + " leads: move or delete them first",
                {{"pipeline_id", r.id}, {"leads", n}});
  long long team = r.team_id, id = r.id;
  run_cached(s, "DELETE FROM pipeline_stages WHERE team_id = :t AND pipeline_id = :p",
             soci::use(team), soci::use(id));
}

void PipelineHooks::decorate(soci::session& s, const Record& r, Poco::JSON::Object& json) const {
  Poco::JSON::Array::Ptr stages = new Poco::JSON::Array;
  for (const auto& st : stages_of(s, store_.dialect(), r.team_id, r.id))
    stages->add(record_to_json(crm::stage(), st));
  json.set("stages", stages);
}

void StageHooks::before_write(soci::session& s, const Record* before, Record& after,
                              std::vector<int>& changed, const WriteContext&) const {
  const auto& st = crm::stage();
  if (after.int_or(st, "is_won", 0) && after.int_or(st, "is_lost", 0))
    throw Error::validation("is_lost", "a stage cannot be both won and lost");
  long long team = after.team_id, pipeline = after.int_or(st, "pipeline_id", 0), id = after.id,
            other = 0;
  std::string name = after.text_or(st, "name", "");
  // Stage writes of one pipeline take turns on its row: the name check and the next
  // position below read other stages, and two concurrent creates must not both pass the
  // check or take the same position.
  long long locked = 0;
  run_cached(s,
             "SELECT id FROM pipelines WHERE team_id = :t AND id = :p" +
                 std::string(s.get_backend_name() == "postgresql" ? " FOR UPDATE" : ""),
             soci::use(team), soci::use(pipeline), soci::into(locked));
  run_cached(s,
             "SELECT COUNT(*) FROM pipeline_stages WHERE team_id = :t AND pipeline_id = :p AND "
             "LOWER(name) = LOWER(:n) AND id <> :id",
             soci::use(team), soci::use(pipeline), soci::use(name), soci::use(id),
             soci::into(other));
  if (other > 0)
    throw Error(ErrorCode::kConflict, "the pipeline already has a stage with this name",
                {{"field", std::string("name")}});
  if (!before && after.is_null(st, "position")) {
    long long next = 0;
    soci::indicator ind;
    run_cached(
        s, "SELECT MAX(position) + 1 FROM pipeline_stages WHERE team_id = :t AND pipeline_id = :p",
        soci::use(team), soci::use(pipeline), soci::into(next, ind));
    after.set(st, "position", static_cast<std::int64_t>(ind == soci::i_ok ? next : 0));
    mark_changed(changed, st, "position");
  }
}

void StageHooks::before_remove(soci::session& s, const Record& r) const {
  if (std::int64_t n = count_leads(s, r.team_id, "stage_id", r.id); n > 0)
    throw Error(ErrorCode::kConflict,
                "the stage has " + std::to_string(n) + " leads: move them to another stage first",
                {{"stage_id", r.id}, {"leads", n}});
}

void LeadHooks::before_write(soci::session& s, const Record* before, Record& after,
                             std::vector<int>& changed, const WriteContext&) const {
  const auto& l = crm::lead();
  const Dialect& dialect = leads_.store().dialect();
  long long team = after.team_id;
  if (after.is_null(l, "pipeline_id")) {
    auto id = default_pipeline_id(s, team);
    if (!id) throw Error::validation("pipeline_id", "the team has no default pipeline");
    after.set(l, "pipeline_id", *id);
    mark_changed(changed, l, "pipeline_id");
  }
  std::string currency = after.text_or(l, "currency", "USD");
  bool upper = currency.size() == 3 && std::all_of(currency.begin(), currency.end(),
                                                   [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!upper) throw Error::validation("currency", "must be an ISO 4217 code such as USD or EUR");

  if (!before && after.is_null(l, "account_id")) {
    // A lead on a contact of a known company belongs to that company.
    long long contact = after.int_or(l, "contact_id", 0), account = 0;
    soci::indicator ind = soci::i_null;
    s << "SELECT account_id FROM contacts WHERE team_id = :t AND id = :c", soci::use(team),
        soci::use(contact), soci::into(account, ind);
    if (s.got_data() && ind == soci::i_ok) {
      after.set(l, "account_id", static_cast<std::int64_t>(account));
      mark_changed(changed, l, "account_id");
    }
  }

  // The pipeline and stage are only read when one of them moves.
  std::int64_t pipeline = after.int_or(l, "pipeline_id", 0);
  bool pipeline_moved = before && was_changed(changed, l, "pipeline_id");
  bool stage_given = before ? was_changed(changed, l, "stage_id") : !after.is_null(l, "stage_id");
  if (before && !pipeline_moved && !stage_given) return;
  auto stages = stages_of(s, dialect, team, pipeline);
  if (!stage_given && (!before || pipeline_moved)) {
    if (stages.empty()) throw Error::validation("pipeline_id", "the pipeline has no stages");
    after.set(l, "stage_id", stages.front().id);
    mark_changed(changed, l, "stage_id");
  }
  std::int64_t stage_id = after.int_or(l, "stage_id", 0);
  auto stage =
      std::find_if(stages.begin(), stages.end(), [&](const Record& r) { return r.id == stage_id; });
  if (stage == stages.end())
    throw Error::validation("stage_id", "is not a stage of pipeline " + std::to_string(pipeline));

  if (before && !was_changed(changed, l, "stage_id")) return;
  const auto& st = crm::stage();
  std::string status = stage->int_or(st, "is_won", 0)    ? "won"
                       : stage->int_or(st, "is_lost", 0) ? "lost"
                                                         : "open";
  EpochMs now = now_ms();
  after.set(l, "status", status);
  after.set(l, "stage_entered_at", now);
  after.set(l, "closed_at", status == "open" ? FieldValue{} : FieldValue{now});
  for (auto f : {"status", "stage_entered_at", "closed_at"}) mark_changed(changed, l, f);
}

void LeadHooks::after_write(soci::session& s, const Record* before, const Record& after,
                            const std::vector<int>& changed, const WriteContext& ctx) const {
  const auto& l = crm::lead();
  const LeadStageHistory history(leads_.store().dialect());
  if (!before) {
    history.record(s, {.team_id = after.team_id,
                       .lead_id = after.id,
                       .pipeline_id = after.int_or(l, "pipeline_id", 0),
                       .from_stage_id = std::nullopt,
                       .to_stage_id = after.int_or(l, "stage_id", 0),
                       .time_in_previous_ms = std::nullopt,
                       .changed_at = after.int_or(l, "stage_entered_at", after.created_at)});
    return;
  }
  if (!was_changed(changed, l, "stage_id")) return;
  RecordStore store(leads_.store().dialect());
  auto stage_json = [&](std::int64_t id) -> Poco::Dynamic::Var {
    auto st = store.get(s, crm::stage(), after.team_id, id);
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("id", id);
    o.set("name",
          st ? Poco::Dynamic::Var(st->text_or(crm::stage(), "name", "")) : Poco::Dynamic::Var());
    return o;
  };
  Poco::JSON::Object extra(Poco::JSON_PRESERVE_KEY_ORDER);
  extra.set("from_stage", stage_json(before->int_or(l, "stage_id", 0)));
  extra.set("to_stage", stage_json(after.int_or(l, "stage_id", 0)));
  EpochMs entered = before->int_or(l, "stage_entered_at", before->created_at);
  const EpochMs moved = after.int_or(l, "stage_entered_at", now_ms());
  extra.set("time_in_previous_stage_ms", moved - entered);
  history.record(s, {.team_id = after.team_id,
                     .lead_id = after.id,
                     .pipeline_id = after.int_or(l, "pipeline_id", 0),
                     .from_stage_id = before->int_or(l, "stage_id", 0),
                     .to_stage_id = after.int_or(l, "stage_id", 0),
                     .time_in_previous_ms = moved - entered,
                     .changed_at = moved});
  leads_.emit(s, after, "stage_changed", &extra);
  std::int64_t contact = after.int_or(l, "contact_id", 0);
  Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
  entry.set("lead_id", after.id);
  entry.set("from_stage", extra.get("from_stage"));
  entry.set("to_stage", extra.get("to_stage"));
  leads_.timeline().add(s, after.team_id, contact, "lead_stage_changed", json_text(entry),
                        ctx.actor);
  std::string status = after.text_or(l, "status", "open");
  if (status != before->text_or(l, "status", "open") && status != "open")
    leads_.emit(s, after, status);  // lead.won / lead.lost
}

void ActivityHooks::before_write(soci::session&, const Record* before, Record& after,
                                 std::vector<int>& changed, const WriteContext&) const {
  const auto& a = crm::activity();
  bool done = after.int_or(a, "done", 0) != 0;
  bool was_done = before && before->int_or(a, "done", 0) != 0;
  if (done != was_done || (!before && done)) {
    after.set(a, "done_at", done ? FieldValue{now_ms()} : FieldValue{});
    mark_changed(changed, a, "done_at");
  }
}

Poco::JSON::Object pipeline_board(soci::session& s, const Dialect& dialect, std::int64_t team_id,
                                  std::int64_t pipeline_id, int leads_per_stage) {
  RecordStore store(dialect);
  Record pipeline = store.require(s, crm::pipeline(), team_id, pipeline_id);
  // Totals per stage and currency in one grouped query.
  struct Total {
    std::int64_t count = 0;
    std::map<std::string, double> value;
  };
  std::map<std::int64_t, Total> totals;
  {
    long long team = team_id, pid = pipeline_id, stage = 0, n = 0;
    double sum = 0;
    std::string currency;
    soci::statement st(s);
    st.exchange(soci::into(stage));
    st.exchange(soci::into(currency));
    st.exchange(soci::into(n));
    st.exchange(soci::into(sum));
    st.exchange(soci::use(team, "t"));
    st.exchange(soci::use(pid, "p"));
    if (execute_once(st,
                     "SELECT stage_id, currency, COUNT(*), SUM(value) FROM leads WHERE team_id = "
                     ":t AND pipeline_id = :p GROUP BY stage_id, currency")) {
      do {
        totals[stage].count += n;
        totals[stage].value[currency] += sum;
      } while (st.fetch());
    }
  }
  const auto& st_schema = crm::stage();
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("pipeline", record_to_json(crm::pipeline(), pipeline));
  Poco::JSON::Array::Ptr stages = new Poco::JSON::Array;
  std::int64_t all_count = 0;
  std::map<std::string, double> all_value, all_weighted;
  for (const auto& stage : stages_of(s, dialect, team_id, pipeline_id)) {
    Poco::JSON::Object o = record_to_json(st_schema, stage);
    double probability = stage.real_or(st_schema, "probability", 0) / 100.0;
    const Total& t = totals[stage.id];
    Poco::JSON::Object value, weighted;
    for (const auto& [currency, v] : t.value) {
      value.set(currency, v);
      weighted.set(currency, v * probability);
      all_value[currency] += v;
      all_weighted[currency] += v * probability;
    }
    all_count += t.count;
    Poco::JSON::Object totals_json(Poco::JSON_PRESERVE_KEY_ORDER);
    totals_json.set("count", t.count);
    totals_json.set("value", value);
    totals_json.set("weighted_value", weighted);
    o.set("totals", totals_json);
    RecordQuery q;
    q.filters.push_back({crm::lead().index("stage_id"), {stage.id}});
    q.limit = leads_per_stage;
    q.newest_first = true;
    Poco::JSON::Array::Ptr leads = new Poco::JSON::Array;
    for (const auto& lead : store.list(s, crm::lead(), team_id, q))
      leads->add(record_to_json(crm::lead(), lead));
    o.set("leads", leads);
    stages->add(o);
  }
  out.set("stages", stages);
  Poco::JSON::Object sum(Poco::JSON_PRESERVE_KEY_ORDER), value, weighted;
  for (const auto& [c, v] : all_value) value.set(c, v);
  for (const auto& [c, v] : all_weighted) weighted.set(c, v);
  sum.set("count", all_count);
  sum.set("value", value);
  sum.set("weighted_value", weighted);
  out.set("totals", sum);
  return out;
}

std::optional<std::int64_t> default_pipeline_id(soci::session& s, std::int64_t team_id) {
  long long team = team_id, id = 0;
  s << "SELECT id FROM pipelines WHERE team_id = :t AND is_default = 1", soci::use(team),
      soci::into(id);
  if (!s.got_data()) return std::nullopt;
  return id;
}

void create_default_pipeline(soci::session& s, const Dialect& dialect, std::int64_t team_id) {
  RecordStore store(dialect);
  const auto& p = crm::pipeline();
  Record pipeline;
  pipeline.team_id = team_id;
  pipeline.values = {std::string("Sales"), FieldValue{}, std::int64_t{1}};
  store.insert(s, p, pipeline);
  std::int64_t position = 0;
  for (const auto& d : crm::default_stages()) {
    Record st;
    st.team_id = team_id;
    st.values = {pipeline.id,   std::string(d.name), position++,
                 d.probability, std::int64_t{d.won}, std::int64_t{d.lost}};
    store.insert(s, crm::stage(), st);
  }
}

}  // namespace sb
