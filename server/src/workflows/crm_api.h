// The `crm` table Lua workflows call: contacts, assignment, tickets, leads, messaging
// (queued in the outbox), notifications, timers, log. Every write goes through the same
// store code as REST, in the run's transaction, scoped to the run's team.
#pragma once

#include <cstdint>
#include <string>

#include "model/clock.h"
#include "store/audit_store.h"
#include "store/contact_store.h"
#include "store/crm_services.h"
#include "store/event_queue_store.h"
#include "store/note_store.h"
#include "store/sequence_store.h"
#include "store/user_store.h"
#include "store/workflow_store.h"
#include "workflows/workflow_def.h"

namespace soci {
class session;
}

namespace sb::plugins {
class PluginHost;
}

namespace sb::wf {

class LuaSandbox;

// The stores crm.* writes through. Shared by every engine; thread-safe (stateless).
struct RunServices {
  explicit RunServices(const Dialect& dialect)
      : contacts(dialect),
        crm(dialect, contacts),
        notes(dialect),
        queue(dialect),
        workflows(dialect),
        users(dialect),
        sequences(dialect),
        audit(dialect) {}
  ContactStore contacts;
  CrmServices crm;
  NoteStore notes;
  EventQueueStore queue;
  WorkflowStore workflows;
  UserStore users;
  SequenceStore sequences;
  AuditStore audit;
  plugins::PluginHost* plugins = nullptr;  // crm.actions; null: no plugin host
};

// One handler run: what crm.* acts on and what it records.
struct RunContext {
  RunContext(const RunServices& services, soci::session& session, const WorkflowDef& workflow,
             std::int64_t event_id, bool before_hook)
      : sv(services), s(session), def(workflow), event_id(event_id), before_hook(before_hook) {}

  const RunServices& sv;
  soci::session& s;
  const WorkflowDef& def;
  std::int64_t event_id = 0;
  bool before_hook = false;        // reads only
  std::int64_t event_contact = 0;  // the event's contact, default subject of timers
  std::string actions;             // JSON objects, comma-separated
  std::string log;
  int timers = 0;
  std::string failed;  // a store error that left the transaction unusable

  void record(const std::string& action_json);
  std::string actions_json() const { return "[" + actions + "]"; }
};

// Puts the crm table into the sandbox (once per sandbox, before any workflow loads).
void install_crm(LuaSandbox& box);

// Every function name under crm, from the one table that binds them: "get",
// "tickets.create", ..., "actions". `workflow check` knows these; a test holds
// workflows/crm.lua and docs/lua-api.md to them.
const std::vector<std::string>& crm_function_names();

// The largest crm.log output kept per run.
constexpr std::size_t kMaxRunLogBytes = 16 * 1024;

}  // namespace sb::wf
