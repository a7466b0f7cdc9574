// Argument parsing and the one-shot admin commands; `serve` hands over to ServeApplication.
#include "app/cli.h"

#include <Poco/JSON/Object.h>
#include <Poco/Util/ServerApplication.h>
#include <pwd.h>
#include <signal.h>
#include <soci/soci.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/logging.h"
#include "app/server_runtime.h"
#include "app/workflow_tool.h"
#include "auth/sign_in.h"
#include "http/request.h"
#include "model/contact_rules.h"
#include "model/error.h"
#include "store/audit_store.h"
#include "store/migrations.h"
#include "store/team_store.h"
#include "store/user_store.h"

namespace sb {
namespace {

constexpr int kExitUsage = 64;
constexpr int kExitUnavailable = 69;
constexpr int kExitConfig = 78;

const char* kUsage =
    "Switchboard: CRM and workflow automation for AI chat assistants.\n"
    "\n"
    "Usage:\n"
    "  switchboard serve [--config FILE]            run the server\n"
    "  switchboard migrate [--config FILE]          bring the database schema up to date\n"
    "  switchboard team create NAME [--config FILE] create a team and print its owner key\n"
    "  switchboard apikey create --team ID --role owner|admin|agent|viewer [--name NAME]\n"
    "                            [--config FILE]    issue an API key and print it (once)\n"
    "  switchboard user reset-password --team ID --email EMAIL [--config FILE]\n"
    "                            print a one-time link (valid 1 hour) that sets the\n"
    "                            user's password and signs them in\n"
    "  switchboard workflow check FILE              compile and lint a workflow file\n"
    "  switchboard workflow test FILE --event EVENT.json [--fixtures DIR]\n"
    "                            run it against one event on a scratch database and print\n"
    "                            every action it took, as JSON\n"
    "  switchboard --help | --version\n"
    "\n"
    "Configuration: defaults < --config FILE (or SB_CONFIG), lines 'key = value' with the\n"
    "lower-case names below without SB_ < environment variables:\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // --name value
};

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) == 0 && arg != "--help" && arg != "--version") {
      std::string name = arg.substr(2);
      std::string value;
      auto eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      } else {
        if (i + 1 >= argc) throw UsageError("option --" + name + " needs a value");
        value = argv[++i];
      }
      a.options[name] = value;
    } else {
      a.positional.push_back(arg);
    }
  }
  return a;
}

void allow_only(const Args& a, std::initializer_list<const char*> names) {
  for (const auto& [name, value] : a.options) {
    bool ok = false;
    for (const char* n : names) ok = ok || name == n;
    if (!ok) throw UsageError("unknown option --" + name);
  }
}

Config config_from(const Args& a) {
  std::optional<std::string> file;
  if (auto it = a.options.find("config"); it != a.options.end()) file = it->second;
  return load_config(process_environment(), file);
}

void print_json(const Poco::JSON::Object& o) {
  std::cout << to_json(o) << std::endl;
}

Poco::JSON::Object issued_key_json(const IssuedKey& k) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", k.key.id);
  o.set("name", k.key.name);
  o.set("role", std::string(role_name(k.key.role)));
  o.set("key", k.secret);
  return o;
}

// The CLI's writes go to the audit log as actor "cli" with the operating-system user.
AuditEntry cli_audit(std::int64_t team_id, std::string action, std::string subject_type,
                     std::int64_t subject_id) {
  const passwd* pw = getpwuid(getuid());
  return {.team_id = team_id,
          .actor_type = "cli",
          .actor_id = pw ? std::string(pw->pw_name) : std::to_string(getuid()),
          .action = std::move(action),
          .subject_type = std::move(subject_type),
          .subject_id = subject_id,
          .origin = "cli"};
}

int cmd_migrate(const Config& config) {
  Database db(config.database);
  MigrationReport report = migrate(db);
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  Poco::JSON::Array applied;
  for (const auto& name : report.applied) applied.add(name);
  o.set("applied", applied);
  o.set("schema_version", report.current_version);
  print_json(o);
  return 0;
}

int cmd_team_create(const Config& config, const std::string& name) {
  Database db(config.database);
  migrate(db);
  auto provisioned = provision_team(db, name, std::nullopt, /*only_if_empty=*/false);
  db.write([&](soci::session& s) {
    AuditStore(db.dialect())
        .append(s, cli_audit(provisioned->team.id, "team create", "team", provisioned->team.id));
  });
  Poco::JSON::Object team(Poco::JSON_PRESERVE_KEY_ORDER);
  team.set("id", provisioned->team.id);
  team.set("name", provisioned->team.name);
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("team", team);
  o.set("api_key", issued_key_json(provisioned->owner_key));
  print_json(o);
  return 0;
}

int cmd_apikey_create(const Config& config, const Args& a) {
  auto team_it = a.options.find("team");
  auto role_it = a.options.find("role");
  if (team_it == a.options.end() || role_it == a.options.end()) {
    throw UsageError("apikey create needs --team ID and --role ROLE");
  }
  std::int64_t team_id = 0;
  try {
    std::size_t used = 0;
    team_id = std::stoll(team_it->second, &used);
    if (used != team_it->second.size() || team_id <= 0) throw std::invalid_argument("id");
  } catch (const std::exception&) {
    throw UsageError("--team must be a positive team id, got '" + team_it->second + "'");
  }
  auto role = parse_role(role_it->second);
  if (!role) throw UsageError("--role must be owner, admin, agent or viewer");
  std::string name = a.options.count("name") ? a.options.at("name") : std::string(role_it->second);
  if (name.empty() || name.size() > 100) throw UsageError("--name must be 1 to 100 characters");
  Database db(config.database);
  migrate(db);
  TeamStore teams(db.dialect());
  ApiKeyStore keys(db.dialect());
  IssuedKey issued = db.write([&](soci::session& s) {
    if (!teams.get(s, team_id)) throw UsageError("no team with id " + std::to_string(team_id));
    IssuedKey k = keys.issue(s, team_id, name, *role);
    AuditStore(db.dialect()).append(s, cli_audit(team_id, "apikey create", "api_key", k.key.id));
    return k;
  });
  Poco::JSON::Object o = issued_key_json(issued);
  o.set("team_id", team_id);
  print_json(o);
  return 0;
}

std::int64_t team_option(const Args& a) {
  auto it = a.options.find("team");
  if (it == a.options.end()) throw UsageError("--team ID is needed");
  try {
    std::size_t used = 0;
    std::int64_t id = std::stoll(it->second, &used);
    if (used != it->second.size() || id <= 0) throw std::invalid_argument("id");
    return id;
  } catch (const std::exception&) {
    throw UsageError("--team must be a positive team id, got '" + it->second + "'");
  }
}

// The base of printed sign-in links: SB_PUBLIC_URL, or the address the server listens on.
std::string link_base(const Config& config, int port) {
  if (!config.http.public_url.empty()) {
    std::string url = config.http.public_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }
  const std::string& h = config.http.host;
  const bool any = h == "0.0.0.0" || h == "::" || h.empty();
  return std::string(config.http.tls_cert_file.empty() ? "http://" : "https://") +
         (any ? std::string("localhost") : h) + ":" + std::to_string(port);
}

// For an admin locked out (or a team without mail): a reset link printed on the terminal.
int cmd_user_reset_password(const Config& config, const Args& a) {
  const std::int64_t team_id = team_option(a);
  auto email_it = a.options.find("email");
  if (email_it == a.options.end()) throw UsageError("user reset-password needs --email EMAIL");
  Database db(config.database);
  migrate(db);
  std::optional<User> user = db.read([&](soci::session& s) -> std::optional<User> {
    UserStore users(db.dialect());
    for (std::int64_t after = 0;;) {
      auto page = users.list(s, team_id, after, 500);
      for (const User& u : page) {
        if (u.email == normalize_email("email", email_it->second)) return u;
      }
      if (page.size() < 500) return std::nullopt;
      after = page.back().id;
    }
  });
  if (!user)
    throw UsageError("team " + std::to_string(team_id) + " has no user " + email_it->second);
  auth::SignIn sign_in(db, {});
  auth::IssuedLink link = sign_in.reset_link(team_id, user->id);
  db.write([&](soci::session& s) {
    AuditStore(db.dialect()).append(s, cli_audit(team_id, "user reset-password", "user", user->id));
  });
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("user_id", user->id);
  o.set("email", user->email);
  o.set("reset_url", link_base(config, config.http.port) + "/app/reset#token=" + link.token);
  o.set("expires_at", format_iso8601(link.link.expires_at));
  print_json(o);
  return 0;
}

// `switchboard serve`: Poco's ServerApplication gives SIGTERM/SIGINT handling.
class ServeApplication : public Poco::Util::ServerApplication {
 public:
  explicit ServeApplication(Config config) : config_(std::move(config)) {}
  int exit_code = 0;

 protected:
  int main(const std::vector<std::string>&) override {
    // Here, not earlier: Poco's Application set-up installs its own console channel.
    setup_logging(config_.log_level);
    ServerRuntime runtime(config_);
    try {
      runtime.start();
    } catch (const Error& e) {
      std::cerr << "switchboard: cannot start: " << e.what() << std::endl;
      if (!e.internal().empty()) std::cerr << "  cause: " << e.internal() << std::endl;
      exit_code = e.code() == ErrorCode::kUnavailable ? kExitUnavailable : kExitConfig;
      return exit_code;
    }
    std::string scheme = config_.http.tls_cert_file.empty() ? "http://" : "https://";
    std::string url = scheme + config_.http.host + ":" + std::to_string(runtime.port());
    std::cout << "Switchboard listening on " << url << " (database "
              << runtime.database().display_url() << ")" << std::endl;
    if (const auto& first = runtime.first_team(); first && !config_.bootstrap_api_key) {
      std::cout << "First start: created team " << first->team.id << " \"" << first->team.name
                << "\" and its owner API key. It is shown only now; store it:\n  "
                << first->owner_key.secret << "\nTry: curl -H 'Authorization: Bearer "
                << first->owner_key.secret << "' " << url << "/v1/me" << std::endl;
    }
    // Until someone has an account, every start prints a fresh link that creates the owner's
    // (the one printed before stops working).
    Database& db = runtime.database();
    auth::SignIn sign_in(db, {});
    auto teams = db.read([&](soci::session& s) { return TeamStore(db.dialect()).ids(s); });
    if (!teams.empty() && !sign_in.anyone_can_sign_in()) {
      auth::IssuedLink link = sign_in.setup_link(teams.front());
      std::cout << "Open the console and create your owner account (link valid 7 days, once):\n  "
                << link_base(config_, runtime.port()) << "/app/setup#token=" << link.token
                << std::endl;
    } else {
      std::cout << "Console: " << link_base(config_, runtime.port()) << "/app/" << std::endl;
    }
    waitForTerminationRequest();
    Poco::Logger::get("app").information("shutting down: finishing requests in flight");
    runtime.stop();
    Poco::Logger::get("app").information("stopped");
    return 0;
  }

 private:
  Config config_;
};

int cmd_serve(const Config& config) {
  // Block the termination signals before any thread exists, so every thread inherits the
  // mask and only waitForTerminationRequest()'s sigwait receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGQUIT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  ServeApplication app(config);
  // Only argv[0]: our own parser handled the options; Poco's must not see them.
  char name[] = "switchboard";
  char* args[] = {name, nullptr};
  int rc = app.run(1, args);
  return rc != 0 ? rc : app.exit_code;
}

int dispatch(int argc, char** argv) {
  Args a = parse_args(argc, argv);
  const auto& p = a.positional;
  bool help = false, version = false;
  for (int i = 1; i < argc; ++i) {
    help = help || std::string(argv[i]) == "--help" || std::string(argv[i]) == "-h";
    version = version || std::string(argv[i]) == "--version";
  }
  if (help || (p.size() == 1 && p[0] == "help")) {
    std::cout << kUsage << settings_help();
    return 0;
  }
  if (version) {
    std::cout << "switchboard " << SB_VERSION << std::endl;
    return 0;
  }
  if (p.empty()) throw UsageError("no command given");
  if (p[0] == "serve" && p.size() == 1) {
    allow_only(a, {"config"});
    return cmd_serve(config_from(a));
  }
  if (p[0] == "migrate" && p.size() == 1) {
    allow_only(a, {"config"});
    return cmd_migrate(config_from(a));
  }
  if (p[0] == "team" && p.size() == 3 && p[1] == "create") {
    allow_only(a, {"config"});
    return cmd_team_create(config_from(a), p[2]);
  }
  if (p[0] == "apikey" && p.size() == 2 && p[1] == "create") {
    allow_only(a, {"config", "team", "role", "name"});
    return cmd_apikey_create(config_from(a), a);
  }
  if (p[0] == "user" && p.size() == 2 && p[1] == "reset-password") {
    allow_only(a, {"config", "team", "email"});
    return cmd_user_reset_password(config_from(a), a);
  }
  if (p[0] == "workflow" && p.size() == 3 && p[1] == "check") {
    allow_only(a, {});
    return workflow_check(p[2], std::cout, std::cerr);
  }
  if (p[0] == "workflow" && p.size() == 3 && p[1] == "test") {
    allow_only(a, {"event", "fixtures"});
    if (!a.options.count("event")) throw UsageError("workflow test needs --event EVENT.json");
    std::optional<std::string> fixtures;
    if (a.options.count("fixtures")) fixtures = a.options.at("fixtures");
    return workflow_test(p[2], a.options.at("event"), fixtures, std::cout);
  }
  throw UsageError("unknown command: " + p[0] + (p.size() > 1 ? " " + p[1] : ""));
}

}  // namespace

int run_cli(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "switchboard: " << e.what() << "\nRun 'switchboard --help' for usage."
              << std::endl;
    return kExitUsage;
  } catch (const Error& e) {
    std::cerr << "switchboard: " << e.what() << std::endl;
    if (!e.internal().empty()) std::cerr << "  cause: " << e.internal() << std::endl;
    switch (e.code()) {
      case ErrorCode::kConfigInvalid:
      case ErrorCode::kMigrationFailed:
        return kExitConfig;
      case ErrorCode::kUnavailable:
        return kExitUnavailable;
      default:
        return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "switchboard: " << e.what() << std::endl;
    return 1;
  }
}

}  // namespace sb
