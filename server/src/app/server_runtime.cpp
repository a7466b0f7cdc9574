// Start-up order: database -> migrations -> first team -> HTTP.
#include "app/server_runtime.h"
#include "events/segment_subscriber.h"
#include "store/segment_store.h"
#include "store/team_store.h"

#include <Poco/Logger.h>

#include "app/scratch_workflow_tester.h"
#include "campaigns/sequence_runner.h"
#include "capture/conversation_closer.h"
#include "channels/outbox_sender.h"
#include "channels/tls_client.h"
#include "channels/webhook_delivery.h"
#include "channels/webhook_subscriptions.h"
#include "imports/import_runner.h"
#include "plugins/plugin_bus.h"
#include "store/migrations.h"
#include "store/ticket_rules.h"
#include "store/workflow_store.h"

namespace sb {

ServerRuntime::ServerRuntime(Config config) : config_(std::move(config)) {}

ServerRuntime::~ServerRuntime() {
  stop();
}

void ServerRuntime::start() {
  Poco::Logger& log = Poco::Logger::get("app");
  db_ = std::make_unique<Database>(config_.database);
  MigrationReport report = migrate(*db_);
  if (config_.announce) {
    for (const std::string& name : report.applied) log.information("applied migration %s", name);
  }
  // SB_BOOTSTRAP_API_KEY lets containers and tests start without a prompt; otherwise the
  // first start generates a key and the caller prints it once.
  first_team_ = provision_team(*db_, config_.bootstrap_api_key ? "Default team" : "My team",
                               config_.bootstrap_api_key, /*only_if_empty=*/true);
  dispatcher_ = std::make_unique<Dispatcher>(*db_, config_.events);
  db_->set_commit_listener([d = dispatcher_.get()] { d->on_events_committed(); });
  // Workflows: the directory synced into every team, compiled, subscribed to every event
  // and guarding writes with their before() hooks.
  // Native plugins: loaded before anything can call them; a plugin that fails to load is
  // listed at /v1/plugins with the reason and does not stop the server.
  // Before plugins load: their TLS clients share this process-wide setup.
  channels::init_tls_client();
  plugins_ = std::make_unique<plugins::PluginHost>(*db_, config_.plugins_dir);
  plugins_->load();
  dispatcher_->add(std::make_shared<plugins::PluginSubscriber>(*plugins_));
  // Segments: every team has the automatic ones (teams from before segments existed get
  // them here); membership follows contact changes through the bus.
  db_->write([&](soci::session& s) {
    SegmentStore segments(db_->dialect());
    for (std::int64_t team : TeamStore(db_->dialect()).ids(s)) segments.ensure_builtin(s, team);
  });
  dispatcher_->add(std::make_shared<SegmentSubscriber>());
  // Channels: messages workflows queue are sent from the bus, past the send policy.
  messenger_ = std::make_unique<channels::Messenger>(*db_, config_.messaging, plugins_.get());
  dispatcher_->add(
      std::make_shared<channels::OutboxSender>(*messenger_, config_.events.max_attempts));
  // Webhook subscriptions: each wanted event becomes a signed, retried, logged delivery.
  auto deliverer = std::make_shared<channels::WebhookDeliverer>(*messenger_, *db_);
  dispatcher_->add(deliverer);
  webhooks_ = std::make_unique<channels::WebhookSubscriptions>(
      *db_, config_.messaging.webhook_allow_private);
  webhooks_->on_change([deliverer] { deliverer->refresh(); });
  // Sequences: each step is a bus event due at its time, so steps survive restarts.
  dispatcher_->add(std::make_shared<campaigns::SequenceRunner>(db_->dialect()));
  workflows_ = std::make_unique<wf::WorkflowRegistry>(*db_, config_.workflows_dir);
  workflows_->sync_directory();
  workflows_->refresh(true);
  runner_ =
      std::make_shared<wf::WorkflowRunner>(*db_, *workflows_, wf::EngineLimits{}, plugins_.get());
  db_->set_write_guard(runner_.get());
  dispatcher_->add(runner_);
  dispatcher_->start();  // with 0 workers it still announces this process's events
  // Cron jobs arrive with workflows (`every "0 9 * * *"`); retention runs from now on.
  scheduler_ = std::make_unique<Scheduler>(*db_, config_.scheduler);
  scheduler_->set_job_source([r = workflows_.get()] { return r->cron_jobs(); });
  // Other processes' REST changes and edits in the workflows directory go live within ~1 s.
  scheduler_->add_periodic("workflow refresh", std::chrono::seconds(1), [r = workflows_.get()] {
    r->sync_directory();
    r->refresh();
  });
  scheduler_->add_periodic(
      "workflow run log retention", std::chrono::minutes(10),
      [db = db_.get(), keep = config_.scheduler.retention] {
        WorkflowStore runs(db->dialect());
        EpochMs cutoff =
            now_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(keep).count();
        if (keep.count() == 0) return;
        while (db->write([&](soci::session& s) { return runs.prune_runs(s, cutoff, 1000); }) ==
               1000) {
        }
      });
  // Ticket SLA due times: flagged within half a minute of passing.
  scheduler_->add_periodic("ticket SLA scan", std::chrono::seconds(30), [db = db_.get()] {
    while (scan_sla_breaches(*db, now_ms(), 500) == 500) {
    }
  });
  // Conversations end after their agent's idle time (minutes): checked every 20 s.
  scheduler_->add_periodic("conversation idle close", std::chrono::seconds(20), [db = db_.get()] {
    ContactStore contacts(db->dialect());
    capture::ConversationCloser closer(contacts);
    while (closer.close_idle(*db, now_ms(), 200) == 200) {
    }
  });
  // Segments whose rules read the clock (New, Active, At risk) change with time alone.
  // Subscriptions other processes wrote start receiving events within a second.
  scheduler_->add_periodic("webhook subscriptions", std::chrono::seconds(1),
                           [deliverer] { deliverer->refresh(); });
  scheduler_->add_periodic("segment re-evaluation", std::chrono::minutes(5),
                           [db = db_.get()] { refresh_time_based_segments(*db); });
  scheduler_->start();
  // SMTP connections: the campaign workers' plus the bus's, each pooled by the transport.
  campaigns_ = std::make_unique<campaigns::CampaignRunner>(*db_, *messenger_, config_.campaigns);
  campaigns_->start();
  imports_ = std::make_unique<imports::ImportRunner>(
      *db_, imports::ImportRunnerOptions{.data_dir = config_.http.data_dir});
  imports_->start();
  http_ = std::make_unique<HttpServer>(config_.http, *db_, dispatcher_.get());
  http_->set_workflows(workflows_.get());
  http_->set_plugins(plugins_.get());
  http_->set_messenger(messenger_.get());
  http_->set_webhooks(webhooks_.get());
  http_->set_campaigns(campaigns_.get());
  http_->set_imports(imports_.get());
  // Test runs happen on a scratch server of their own, so never on the team's data.
  tester_ = std::make_unique<ScratchWorkflowTester>();
  http_->set_workflow_tester(tester_.get());
  http_->start();
  if (config_.announce) {
    log.information("listening on %s:%d, database %s", config_.http.host, http_->port(),
                    db_->display_url());
  }
}

void ServerRuntime::stop() {
  if (http_) http_->stop();
  http_.reset();
  tester_.reset();
  if (scheduler_) scheduler_->stop();
  scheduler_.reset();
  if (campaigns_) campaigns_->stop();
  campaigns_.reset();
  if (imports_) imports_->stop();
  imports_.reset();
  if (dispatcher_) dispatcher_->stop();
  if (db_) db_->set_commit_listener(nullptr);
  dispatcher_.reset();
  if (db_) db_->set_write_guard(nullptr);
  runner_.reset();
  workflows_.reset();
  webhooks_.reset();
  messenger_.reset();
  plugins_.reset();  // last of the users of plugin code: the libraries close here
  db_.reset();
}

int ServerRuntime::port() const {
  return http_ ? http_->port() : config_.http.port;
}

}  // namespace sb
