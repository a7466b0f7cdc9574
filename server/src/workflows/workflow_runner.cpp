// Event -> handler runs, and before hooks.
#include "workflows/workflow_runner.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <soci/soci.h>

#include <atomic>

#include "model/contact_json.h"
#include "model/error.h"
#include "store/database.h"
#include "workflows/lua_json.h"
#include "workflows/timer.h"

namespace sb::wf {
namespace {

std::atomic<std::uint64_t> g_serial{1};

// {"type": T, "event": {...}, <payload members>}: the payload's own members win.
std::string event_table_json(const StoredEvent& e, const std::string& type,
                             const std::string& payload) {
  std::string head =
      "{\"type\":" + json_quoted(type) + ",\"event\":{\"id\":" + std::to_string(e.id) +
      ",\"type\":" + json_quoted(e.type) + ",\"created_at\":" + std::to_string(e.created_at) +
      ",\"attempt\":" + std::to_string(e.attempts) +
      ",\"subject_type\":" + (e.subject_type.empty() ? "null" : json_quoted(e.subject_type)) +
      ",\"subject_id\":" + (e.subject_id ? std::to_string(*e.subject_id) : "null") + "}";
  // contact.created and friends carry the contact itself: handlers read e.contact alike.
  if (type.rfind("contact.", 0) == 0 && payload.find("\"contact\":{") == std::string::npos &&
      payload.size() > 2) {
    head += ",\"contact\":" + payload;
  }
  if (payload.size() > 2 && payload.front() == '{') return head + "," + payload.substr(1);
  return head + "}";
}

// One audit entry per crm write of a successful run, in the run's transaction. The
// recorded actions name fields and ids, never values.
void audit_actions(soci::session& s, const AuditStore& audit, const StoredEvent& e,
                   const WorkflowDef& def, const std::string& actions_json) {
  auto actions = Poco::JSON::Parser().parse(actions_json).extract<Poco::JSON::Array::Ptr>();
  for (std::size_t i = 0; i < actions->size(); ++i) {
    Poco::JSON::Object::Ptr o = actions->getObject(static_cast<unsigned>(i));
    if (!o) continue;
    std::string name = o->optValue<std::string>("action", "");
    AuditEntry a;
    a.team_id = e.team_id;
    a.actor_type = "workflow";
    a.actor_id = def.name;
    a.action = "crm." + name;
    auto subject = [&](const char* type, const char* key) {
      if (a.subject_type || !o->has(key) || o->isNull(key)) return;
      a.subject_type = type;
      a.subject_id = o->getValue<std::int64_t>(key);
    };
    subject("contact", "contact_id");
    if (std::size_t dot = name.find('.'); dot != std::string::npos && dot > 1) {
      // tickets.create -> ticket, leads.move -> lead
      subject(name.substr(0, dot - 1).c_str(), "id");
    }
    subject("outbox_message", "outbox_id");
    subject("sequence", "sequence_id");
    o->set("event_id", e.id);
    o->set("workflow_version", def.version);
    a.detail_json = json_text(*o);
    audit.append(s, a);
  }
}

struct PlannedRun {
  WorkflowDefPtr def;
  int handler = 0;
  std::string event_json;
  std::string timer_key;  // tracked timers: the row that must still exist
  EpochMs timer_due = 0;
};

}  // namespace

WorkflowRunner::WorkflowRunner(Database& db, WorkflowRegistry& registry, EngineLimits limits,
                               plugins::PluginHost* plugins)
    : db_(db), registry_(registry), limits_(limits), services_(db.dialect()), serial_(g_serial++) {
  services_.plugins = plugins;
}

WorkflowEngine& WorkflowRunner::engine() const {
  thread_local std::map<std::uint64_t, std::unique_ptr<WorkflowEngine>> engines;
  auto& e = engines[serial_];
  if (!e) e = std::make_unique<WorkflowEngine>(limits_);
  return *e;
}

Outcome WorkflowRunner::handle(const StoredEvent& event, DeliveryContext&) {
  return deliver(event);
}

Outcome WorkflowRunner::deliver(const StoredEvent& e) {
  auto team = registry_.team(e.team_id);
  if (!team) return Outcome::ok();
  std::vector<PlannedRun> runs;
  bool contact_event = e.subject_type == "contact" && e.subject_id && e.type != kTimerEvent;
  Poco::Logger& log = Poco::Logger::get("workflows");

  if (e.type == kTimerEvent) {
    Poco::JSON::Parser parser;
    auto p = parser.parse(e.payload_json).extract<Poco::JSON::Object::Ptr>();
    auto def = team->find(p->getValue<std::int64_t>("workflow_id"));
    if (!def) return Outcome::ok();  // the workflow was deleted or disabled: the timer lapses
    std::string name = p->getValue<std::string>("name");
    for (std::size_t i = 0; i < def->handlers.size(); ++i) {
      const HandlerSpec& h = def->handlers[i];
      if (h.kind != HandlerKind::kOn || h.pattern != name) continue;
      PlannedRun r{def, static_cast<int>(i), "", "", 0};
      if (p->optValue<bool>("tracked", false)) {
        r.timer_key = p->getValue<std::string>("dedupe_key");
        r.timer_due = p->getValue<std::int64_t>("due");
      }
      runs.push_back(std::move(r));
    }
    if (runs.empty()) {
      log.warning("timer %s of workflow %s has no on(\"%s\") handler", name, def->name, name);
      return Outcome::ok();
    }
  } else if (e.type.rfind("cron.wf", 0) == 0) {
    // cron.wf<id>.<handler>.v<version>
    std::int64_t id = 0;
    int handler = -1, version = 0;
    if (std::sscanf(e.type.c_str(), "cron.wf%ld.%d.v%d", &id, &handler, &version) == 3) {
      auto def = team->find(id);
      if (def && def->version == version && handler >= 0 &&
          handler < static_cast<int>(def->handlers.size())) {
        runs.push_back(
            {def, handler,
             event_table_json(e, "cron",
                              "{\"cron\":" + json_quoted(def->handlers[handler].pattern) +
                                  ",\"tick\":" + std::to_string(e.available_at) + "}"),
             "", 0});
      }
    }
  } else {
    for (const auto& def : team->workflows) {
      for (std::size_t i = 0; i < def->handlers.size(); ++i) {
        const HandlerSpec& h = def->handlers[i];
        if (h.kind == HandlerKind::kOn && event_type_matches(h.pattern, e.type)) {
          runs.push_back({def, static_cast<int>(i), "", "", 0});
        }
      }
    }
  }
  if (runs.empty() && !contact_event) return Outcome::ok();

  Outcome outcome = Outcome::ok();
  std::string base_json;
  if (e.type != kTimerEvent) base_json = event_table_json(e, e.type, e.payload_json);
  db_.write([&](soci::session& s) {
    const RunServices& sv = services_;
    if (contact_event) {
      for (const std::string& key :
           sv.workflows.cancelled_by(s, e.team_id, *e.subject_id, e.type, e.id))
        sv.queue.cancel(s, e.team_id, key);
    }
    for (PlannedRun& run : runs) {
      const WorkflowDef& def = *run.def;
      std::string effect = "wf" + std::to_string(def.id) + ":h" + std::to_string(run.handler) +
                           ":e" + std::to_string(e.id);
      s << "SAVEPOINT wf_run";
      if (!sv.queue.claim_effect(s, e.team_id, effect)) {  // done by an earlier delivery
        s << "RELEASE SAVEPOINT wf_run";
        continue;
      }
      RunContext ctx(sv, s, def, e.id, false);
      if (e.subject_type == "contact" && e.subject_id) ctx.event_contact = *e.subject_id;
      std::string json = run.event_json.empty() ? base_json : run.event_json;
      if (e.type == kTimerEvent) {
        if (!run.timer_key.empty() &&
            !sv.workflows.take_timer(s, e.team_id, run.timer_key, run.timer_due)) {
          s << "RELEASE SAVEPOINT wf_run";  // cancelled or replaced since
          continue;
        }
        Poco::JSON::Parser parser;
        auto p = parser.parse(e.payload_json).extract<Poco::JSON::Object::Ptr>();
        std::string contact = "null";
        if (!p->isNull("contact_id")) {
          // Fresh state: the contact as it is now, not as it was when the timer was set.
          if (auto c = sv.contacts.get(s, e.team_id, p->getValue<std::int64_t>("contact_id")))
            contact = contact_json_text(*c);
          ctx.event_contact = p->getValue<std::int64_t>("contact_id");
        }
        std::ostringstream data;
        p->get("data").isEmpty() ? void(data << "null")
                                 : Poco::JSON::Stringifier::stringify(p->get("data"), data);
        json = event_table_json(
            e, p->getValue<std::string>("name"),
            "{\"data\":" + data.str() + ",\"contact\":" + contact + ",\"timer\":{\"key\":" +
                (p->isNull("key") ? "null" : json_quoted(p->getValue<std::string>("key"))) +
                ",\"due\":" + std::to_string(p->getValue<std::int64_t>("due")) + "}}");
      }
      RunResult result = engine().run(def, run.handler, json, ctx);
      if (!result.matched) {
        s << "ROLLBACK TO SAVEPOINT wf_run";  // a filtered-out handler leaves no trace
        s << "RELEASE SAVEPOINT wf_run";
        continue;
      }
      WorkflowRun row;
      row.team_id = e.team_id;
      row.workflow_id = def.id;
      row.workflow_version = def.version;
      row.event_id = e.id;
      row.event_type = e.type;
      row.handler = def.handlers[static_cast<std::size_t>(run.handler)].pattern;
      row.outcome = result.outcome;
      row.duration_us = result.duration_us;
      row.log = ctx.log;
      row.error = result.error;
      if (result.outcome == "ok") {
        row.actions_json = ctx.actions_json();
        s << "RELEASE SAVEPOINT wf_run";
      } else {
        // Nothing the run did stays; the attempt is logged and the event retried.
        s << "ROLLBACK TO SAVEPOINT wf_run";
        s << "RELEASE SAVEPOINT wf_run";
        bool last = def.retries >= 0 && e.attempts > def.retries;
        std::string why = def.name + ": " + result.error.substr(0, result.error.find('\n'));
        if (last) {
          outcome = Outcome::fail(why);
        } else if (outcome.result != HandleResult::kFail) {
          outcome = Outcome::retry(why);
        }
        log.warning("workflow %s failed on event %Ld: %s", def.name, static_cast<Poco::Int64>(e.id),
                    result.error);
      }
      sv.workflows.add_run(s, row);
      if (result.outcome == "ok" && !ctx.actions.empty())
        audit_actions(s, sv.audit, e, def, row.actions_json);
    }
  });
  return outcome;
}

bool WorkflowRunner::wants(std::int64_t team_id, std::string_view op) const {
  return registry_.wants_before(team_id, std::string(op));
}

std::string WorkflowRunner::check(soci::session& s, const ProposedWrite& w) const {
  auto team = registry_.team(w.team_id);
  if (!team) return "";
  std::ostringstream change;
  change << "{\"type\":" << json_quoted(w.op) << ",\"op\":" << json_quoted(w.op) << ",\"before\":";
  if (w.before) {
    w.before->stringify(change);
  } else {
    change << "null";
  }
  change << ",\"after\":";
  w.after->stringify(change);
  change << ",\"changed\":[";
  for (std::size_t i = 0; i < w.changed.size(); ++i)
    change << (i ? "," : "") << json_quoted(w.changed[i]);
  change << "]}";
  std::string json = change.str();
  Poco::JSON::Object::Ptr merged;
  for (const auto& def : team->workflows) {
    for (std::size_t i = 0; i < def->handlers.size(); ++i) {
      const HandlerSpec& h = def->handlers[i];
      if (h.kind != HandlerKind::kBefore || h.pattern != w.op) continue;
      RunContext ctx(services_, s, *def, 0, true);
      RunResult r = engine().run(*def, static_cast<int>(i), json, ctx);
      if (r.outcome == "rejected") {
        throw Error(ErrorCode::kValidationFailed, r.reject_reason,
                    {{"workflow", def->name}, {"operation", w.op}});
      }
      if (r.outcome == "error") {
        // Fail closed: a guard that cannot decide does not let the write through.
        Poco::Logger::get("workflows").warning("before hook of %s failed: %s", def->name, r.error);
        throw Error(ErrorCode::kValidationFailed,
                    "before hook of workflow " + def->name +
                        " failed: " + r.error.substr(0, r.error.find('\n')),
                    {{"workflow", def->name}, {"operation", w.op}});
      }
      if (!r.set_json.empty()) {
        Poco::JSON::Parser parser;
        auto set = parser.parse(r.set_json).extract<Poco::JSON::Object::Ptr>();
        if (!merged) merged = new Poco::JSON::Object;
        for (const auto& [k, v] : *set) merged->set(k, v);
      }
    }
  }
  if (!merged) return "";
  std::ostringstream out;
  merged->stringify(out);
  return out.str();
}

}  // namespace sb::wf
