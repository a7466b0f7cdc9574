// Workflows on the event bus and in write transactions: the subscriber that runs every
// matching handler of an event (each run atomic with its effects and its run-log row), and
// the write guard that runs before() hooks inside the writing transaction.
#pragma once

#include <memory>
#include <string>

#include "events/subscriber.h"
#include "store/write_guard.h"
#include "workflows/crm_api.h"
#include "workflows/workflow_engine.h"
#include "workflows/workflow_registry.h"

namespace sb {
class Database;
}

namespace sb::wf {

class WorkflowRunner : public Subscriber, public WriteGuard {
 public:
  WorkflowRunner(Database& db, WorkflowRegistry& registry, EngineLimits limits = {},
                 plugins::PluginHost* plugins = nullptr);

  // Subscriber
  std::string name() const override { return "workflows"; }
  std::string pattern() const override { return "*"; }
  Outcome handle(const StoredEvent& event, DeliveryContext& context) override;

  // WriteGuard
  bool wants(std::int64_t team_id, std::string_view op) const override;
  std::string check(soci::session& s, const ProposedWrite& write) const override;

  // The event's runs on the calling thread, in one transaction; what handle() does.
  Outcome deliver(const StoredEvent& event);

  const RunServices& services() const { return services_; }

 private:
  WorkflowEngine& engine() const;  // this thread's

  Database& db_;
  WorkflowRegistry& registry_;
  EngineLimits limits_;
  RunServices services_;
  std::uint64_t serial_;  // tells this runner's per-thread engines from another's
};

}  // namespace sb::wf
