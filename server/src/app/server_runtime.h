// A running Switchboard: database opened and migrated, first team provisioned when the
// database is empty, HTTP server listening. `switchboard serve` and the API tests both use
// it, so tests exercise the exact start-up path.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app/config.h"
#include "plugins/plugin_host.h"
#include "store/team_store.h"
#include "workflows/workflow_registry.h"
#include "workflows/workflow_runner.h"

namespace sb {
namespace imports {
class ImportRunner;
}
namespace channels {
class WebhookSubscriptions;
}
class ScratchWorkflowTester;

class ServerRuntime {
 public:
  explicit ServerRuntime(Config config);
  ~ServerRuntime();

  // Opens, migrates, provisions, listens. Throws Error on any failure.
  void start();
  void stop();

  int port() const;
  Database& database() { return *db_; }
  Dispatcher& dispatcher() { return *dispatcher_; }
  imports::ImportRunner& imports() { return *imports_; }
  wf::WorkflowRegistry& workflows() { return *workflows_; }
  wf::WorkflowRunner& workflow_runner() { return *runner_; }
  plugins::PluginHost& plugins() { return *plugins_; }
  channels::Messenger& messenger() { return *messenger_; }
  campaigns::CampaignRunner& campaigns() { return *campaigns_; }
  // Set when start() created the first team (empty database).
  const std::optional<ProvisionedTeam>& first_team() const { return first_team_; }

 private:
  Config config_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<plugins::PluginHost> plugins_;
  std::unique_ptr<wf::WorkflowRegistry> workflows_;
  std::shared_ptr<wf::WorkflowRunner> runner_;
  std::unique_ptr<channels::Messenger> messenger_;
  std::unique_ptr<channels::WebhookSubscriptions> webhooks_;
  std::unique_ptr<campaigns::CampaignRunner> campaigns_;
  std::unique_ptr<imports::ImportRunner> imports_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<ScratchWorkflowTester> tester_;
  std::unique_ptr<HttpServer> http_;
  std::optional<ProvisionedTeam> first_team_;
};

}  // namespace sb
