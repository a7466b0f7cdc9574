// Server processes of the chaos suite.
#include "chaos/fleet.h"

#include <signal.h>

namespace sb::test::chaos {

Fleet::Fleet(FleetOptions options) : options_(std::move(options)) {}

Fleet::~Fleet() {
  stop_all();
}

bool Fleet::start(int i) {
  ports_[i] = 0;
  servers_[i] = std::make_unique<ServeProcess>(
      SB_BINARY_PATH,
      Poco::Process::Env{{"SB_DATABASE_URL", options_.database_url},
                         {"SB_HTTP_PORT", "0"},
                         {"SB_BOOTSTRAP_API_KEY", options_.owner_key},
                         {"SB_LOG_LEVEL", "error"},
                         {"SB_ACCESS_LOG", "false"},
                         {"SB_WORKFLOWS_DIR", options_.dir + "/workflows"},
                         {"SB_PLUGINS_DIR", options_.dir + "/plugins"},
                         {"SB_SMTP_URL", options_.smtp_url},
                         {"SB_EMAIL_FROM", "news@shop.test"},
                         {"SB_RATE_LIMIT_RPS", "0"},
                         {"SB_EVENT_WORKERS", "2"},
                         {"SB_EVENT_POLL_MS", "200"},
                         {"SB_CAMPAIGN_WORKERS", "2"},
                         // A dead sender's campaign is taken over two seconds later.
                         {"SB_CAMPAIGN_LEASE_MS", "2000"},
                         {"SB_SHUTDOWN_GRACE_S", "2"},
                         // The webhook receiver listens on loopback.
                         {"SB_WEBHOOK_ALLOW_PRIVATE", "127.0.0.1"}},
      options_.dir,
      ServeOptions{.die_with_parent = true,
                   .stderr_file = options_.dir + "/server" + std::to_string(i) + ".log"});
  int port = servers_[i]->wait_for_port();
  if (port <= 0) return false;
  ports_[i] = port;
  return true;
}

void Fleet::kill(int i) {
  ports_[i] = 0;
  if (!servers_[i]) return;
  servers_[i]->signal(SIGKILL);
  servers_[i]->wait();
  servers_[i].reset();
}

void Fleet::stop_all() {
  for (int i = 0; i < kServers; ++i) {
    ports_[i] = 0;
    if (!servers_[i]) continue;
    servers_[i]->signal(SIGTERM);
    servers_[i]->wait();
    servers_[i].reset();
  }
}

int Fleet::any_port(unsigned hint) const {
  for (int k = 0; k < kServers; ++k) {
    int p = ports_[(hint + static_cast<unsigned>(k)) % kServers].load();
    if (p > 0) return p;
  }
  return 0;
}

}  // namespace sb::test::chaos
