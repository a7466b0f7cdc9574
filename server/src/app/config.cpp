// The settings table and its parsers.
#include "app/config.h"

#include <Poco/Net/IPAddress.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "channels/address_guard.h"
#include "channels/smtp_transport.h"
#include "model/error.h"
#include "store/api_key_store.h"
#include "store/database_url.h"

extern char** environ;

namespace sb {
namespace {

struct Setting {
  const char* key;  // in the properties file
  const char* env;  // SB_ variable
  const char* default_text;
  const char* help;
  std::function<void(Config&, const std::string&)> apply;  // throws std::invalid_argument
};

long long parse_int(const std::string& v, long long min, long long max) {
  long long n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || n < min || n > max) {
    throw std::invalid_argument("expected an integer from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", got '" + v + "'");
  }
  return n;
}

double parse_number(const std::string& v, double min, double max) {
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || end != v.data() + v.size() || d < min || d > max) {
    throw std::invalid_argument("expected a number from " + std::to_string(min) + " to " +
                                std::to_string(max) + ", got '" + v + "'");
  }
  return d;
}

bool parse_bool(const std::string& v) {
  if (v == "true" || v == "1" || v == "on" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "off" || v == "no") return false;
  throw std::invalid_argument("expected true or false, got '" + v + "'");
}

// Each item of a comma-separated list, parsed by `parse` (which throws to refuse one).
template <class T, class Parse>
std::vector<T> parse_list(const std::string& v, Parse parse) {
  std::vector<T> out;
  std::stringstream in(v);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(parse(item));
  return out;
}

std::string non_empty(const std::string& v) {
  if (v.empty()) throw std::invalid_argument("must not be empty");
  return v;
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      {"http_host", "SB_HTTP_HOST", "127.0.0.1", "address to listen on (0.0.0.0 for all)",
       [](Config& c, const std::string& v) { c.http.host = non_empty(v); }},
      {"http_port", "SB_HTTP_PORT", "8080", "TCP port; 0 picks a free one",
       [](Config& c, const std::string& v) {
         c.http.port = static_cast<int>(parse_int(v, 0, 65535));
       }},
      {"http_threads", "SB_HTTP_THREADS", "64", "request threads (one per open connection)",
       [](Config& c, const std::string& v) {
         c.http.threads = static_cast<int>(parse_int(v, 2, 1024));
       }},
      {"http_max_queued", "SB_HTTP_MAX_QUEUED", "256", "accepted connections waiting for a thread",
       [](Config& c, const std::string& v) {
         c.http.max_queued = static_cast<int>(parse_int(v, 1, 65535));
       }},
      {"http_keepalive_timeout_s", "SB_HTTP_KEEPALIVE_TIMEOUT_S", "5", "idle keep-alive seconds",
       [](Config& c, const std::string& v) {
         c.http.keepalive_timeout_s = static_cast<int>(parse_int(v, 1, 300));
       }},
      {"http_max_body_bytes", "SB_HTTP_MAX_BODY_BYTES", "1048576",
       "largest request body (413 above)",
       [](Config& c, const std::string& v) {
         c.http.max_body_bytes = static_cast<std::size_t>(parse_int(v, 1024, 1LL << 30));
       }},
      {"access_log", "SB_ACCESS_LOG", "true", "one log line per request",
       [](Config& c, const std::string& v) { c.http.access_log = parse_bool(v); }},
      {"rate_limit_rps", "SB_RATE_LIMIT_RPS", "200", "requests per second per API key; 0 = off",
       [](Config& c, const std::string& v) { c.http.rate_limit_rps = parse_number(v, 0, 1e9); }},
      {"rate_limit_burst", "SB_RATE_LIMIT_BURST", "400", "burst allowance per API key",
       [](Config& c, const std::string& v) { c.http.rate_limit_burst = parse_number(v, 1, 1e9); }},
      {"form_rate_per_min", "SB_FORM_RATE_PER_MIN", "20",
       "public form posts per minute per client IP; 0 = off",
       [](Config& c, const std::string& v) { c.http.form_rate_per_min = parse_number(v, 0, 1e6); }},
      {"public_rate_per_min", "SB_PUBLIC_RATE_PER_MIN", "2400",
       "tracking, unsubscribe and delivery-report hits per minute per client IP; 0 = off",
       [](Config& c, const std::string& v) {
         c.http.public_rate_per_min = parse_number(v, 0, 1e7);
       }},
      {"auth_failures_per_min", "SB_AUTH_FAILURES_PER_MIN", "30",
       "failed authentications per client IP (at once, then per minute) before 429; 0 = off",
       [](Config& c, const std::string& v) {
         c.http.auth_failures_per_min = parse_number(v, 0, 1e6);
       }},
      {"trusted_proxies", "SB_TRUSTED_PROXIES", "",
       "comma-separated proxy addresses whose X-Forwarded-For names the client (per-IP limits)",
       [](Config& c, const std::string& v) {
         c.http.trusted_proxies = parse_list<std::string>(v, [](const std::string& item) {
           Poco::Net::IPAddress a;
           if (!Poco::Net::IPAddress::tryParse(item, a)) {
             throw std::invalid_argument("'" + item + "' is not an IP address");
           }
           return a.toString();
         });
       }},
      {"cors_origins", "SB_CORS_ORIGINS", "",
       "comma-separated browser origins (scheme://host[:port]) allowed to call the API "
       "cross-site",
       [](Config& c, const std::string& v) {
         c.http.cors_origins = parse_list<std::string>(v, [](const std::string& item) {
           bool scheme = item.rfind("https://", 0) == 0 || item.rfind("http://", 0) == 0;
           std::size_t host = item.find("://") + 3;
           bool plain = scheme && item.size() > host &&
                        item.find_first_of("/?#* ", host) == std::string::npos;
           if (!plain) {
             throw std::invalid_argument("'" + item +
                                         "' is not an origin like https://crm.example.com");
           }
           return item;
         });
       }},
      {"webhook_allow_private", "SB_WEBHOOK_ALLOW_PRIVATE", "",
       "comma-separated address ranges (10.0.0.0/8, 127.0.0.1) webhooks may reach although "
       "private, loopback or link-local; by default they are refused (SSRF)",
       [](Config& c, const std::string& v) {
         c.messaging.webhook_allow_private = parse_list<channels::AddressRange>(
             v, [](const std::string& item) { return channels::parse_address_range(item); });
       }},
      {"webhook_retry_hours", "SB_WEBHOOK_RETRY_HOURS", "72",
       "a webhook subscription's failed delivery is retried (exponential backoff) for this many "
       "hours, then marked dead",
       [](Config& c, const std::string& v) {
         c.messaging.webhook_retry_hours = static_cast<int>(parse_int(v, 1, 24 * 30));
       }},
      {"webhook_disable_hours", "SB_WEBHOOK_DISABLE_HOURS", "24",
       "a webhook subscription whose deliveries have failed for this many hours straight is "
       "disabled and the team's admins are notified",
       [](Config& c, const std::string& v) {
         c.messaging.webhook_disable_hours = static_cast<int>(parse_int(v, 1, 24 * 30));
       }},
      {"tls_cert", "SB_TLS_CERT", "(unset)",
       "PEM certificate (chain) to serve HTTPS with; needs SB_TLS_KEY. Unset: plain HTTP",
       [](Config& c, const std::string& v) { c.http.tls_cert_file = v; }},
      {"tls_key", "SB_TLS_KEY", "(unset)", "PEM private key (unencrypted) of SB_TLS_CERT",
       [](Config& c, const std::string& v) { c.http.tls_key_file = v; }},
      {"metrics_token", "SB_METRICS_TOKEN", "(unset)",
       "bearer token GET /metrics requires (16 to 200 printable characters). Unset: open",
       [](Config& c, const std::string& v) {
         bool printable =
             std::all_of(v.begin(), v.end(), [](char ch) { return ch > ' ' && ch < 127; });
         if (v.size() < 16 || v.size() > 200 || !printable) {
           throw std::invalid_argument("must be 16 to 200 printable characters without spaces");
         }
         c.http.metrics_token = v;
       }},
      {"auth_cache_ttl_ms", "SB_AUTH_CACHE_TTL_MS", "2000",
       "ms a verified key is trusted without a lookup; 0 = look up every request",
       [](Config& c, const std::string& v) {
         c.http.auth_cache_ttl_ms = static_cast<int>(parse_int(v, 0, 600000));
       }},
      {"session_idle_minutes", "SB_SESSION_IDLE_MINUTES", "720",
       "a person's console session ends after this many minutes without a request",
       [](Config& c, const std::string& v) {
         c.http.session_idle_minutes = static_cast<int>(parse_int(v, 1, 60 * 24 * 30));
       }},
      {"session_max_days", "SB_SESSION_MAX_DAYS", "30",
       "a person's console session ends this many days after signing in, however active",
       [](Config& c, const std::string& v) {
         c.http.session_max_days = static_cast<int>(parse_int(v, 1, 365));
       }},
      {"max_streams", "SB_MAX_STREAMS", "16",
       "open live event streams (GET /v1/stream) per process; each holds one HTTP thread",
       [](Config& c, const std::string& v) {
         c.http.max_streams = static_cast<int>(parse_int(v, 0, 10000));
       }},
      {"shutdown_grace_s", "SB_SHUTDOWN_GRACE_S", "10",
       "how long SIGTERM waits for requests in flight",
       [](Config& c, const std::string& v) {
         c.http.shutdown_grace_s = static_cast<int>(parse_int(v, 0, 600));
       }},
      {"data_dir", "SB_DATA_DIR", "./data", "where uploaded files are kept (data_dir/files)",
       [](Config& c, const std::string& v) { c.http.data_dir = non_empty(v); }},
      {"max_upload_bytes", "SB_MAX_UPLOAD_BYTES", "10485760", "largest uploaded file (413 above)",
       [](Config& c, const std::string& v) {
         c.http.max_upload_bytes = static_cast<std::size_t>(parse_int(v, 1, 1LL << 32));
       }},
      {"max_import_bytes", "SB_MAX_IMPORT_BYTES", "1073741824",
       "largest CSV import (413 above); streamed to data_dir/imports",
       [](Config& c, const std::string& v) {
         c.http.max_import_bytes = static_cast<std::size_t>(parse_int(v, 1, 1LL << 40));
       }},
      {"database_url", "SB_DATABASE_URL", "sqlite:./data/switchboard.db",
       "sqlite:PATH or postgresql://user:pass@host:port/db",
       [](Config& c, const std::string& v) {
         try {
           parse_database_url(v);
         } catch (const Error& e) {
           throw std::invalid_argument(e.what());
         }
         c.database.url = v;
       }},
      {"db_pool_size", "SB_DB_POOL_SIZE", "8", "database sessions per process",
       [](Config& c, const std::string& v) {
         c.database.pool_size = static_cast<std::size_t>(parse_int(v, 1, 512));
       }},
      {"db_statement_cache", "SB_DB_STATEMENT_CACHE", "256",
       "prepared statements kept per database session; 0 prepares none (PgBouncer in "
       "transaction mode before 1.21)",
       [](Config& c, const std::string& v) {
         c.database.statement_cache = static_cast<std::size_t>(parse_int(v, 0, 10000));
       }},
      {"db_acquire_timeout_ms", "SB_DB_ACQUIRE_TIMEOUT_MS", "2000",
       "wait for a free session before 503",
       [](Config& c, const std::string& v) {
         c.database.acquire_timeout = std::chrono::milliseconds(parse_int(v, 1, 600000));
       }},
      {"bootstrap_api_key", "SB_BOOTSTRAP_API_KEY", "(unset)",
       "on an empty database, create the first team with this owner key",
       [](Config& c, const std::string& v) {
         if (!ApiKeyStore::well_formed(v)) {
           throw std::invalid_argument("must be sb_ followed by 20 to 200 letters, digits, _ or -");
         }
         c.bootstrap_api_key = v;
       }},
      {"event_workers", "SB_EVENT_WORKERS", "2",
       "event dispatcher threads; 0 = this process dispatches nothing",
       [](Config& c, const std::string& v) {
         c.events.workers = static_cast<int>(parse_int(v, 0, 64));
       }},
      {"event_max_attempts", "SB_EVENT_MAX_ATTEMPTS", "8",
       "deliveries of an event before it is dead",
       [](Config& c, const std::string& v) {
         c.events.max_attempts = static_cast<int>(parse_int(v, 1, 100));
       }},
      {"event_poll_ms", "SB_EVENT_POLL_MS", "500",
       "how often idle workers look for events from other processes",
       [](Config& c, const std::string& v) {
         c.events.poll = std::chrono::milliseconds(parse_int(v, 10, 60000));
       }},
      {"event_retention_hours", "SB_EVENT_RETENTION_HOURS", "168",
       "handled events older than this are pruned; 0 keeps them all",
       [](Config& c, const std::string& v) {
         c.scheduler.retention = std::chrono::hours(parse_int(v, 0, 24 * 3650));
       }},
      {"workflows_dir", "SB_WORKFLOWS_DIR", "./workflows",
       "Lua workflows synced into every team (hot reload)",
       [](Config& c, const std::string& v) { c.workflows_dir = non_empty(v); }},
      {"plugins_dir", "SB_PLUGINS_DIR", "./plugins",
       "directory of native plugins (*.so, with optional <name>.conf settings)",
       [](Config& c, const std::string& v) { c.plugins_dir = non_empty(v); }},
      {"smtp_url", "SB_SMTP_URL", "(unset)",
       "smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps://... (implicit TLS); "
       "?connections=N&timeout_ms=M&ca_file=PATH. Unset: email is not sent",
       [](Config& c, const std::string& v) {
         try {
           channels::parse_smtp_url(v);
         } catch (const Error& e) {
           throw std::invalid_argument(e.what());
         }
         c.messaging.smtp_url = v;
       }},
      {"email_from", "SB_EMAIL_FROM", "switchboard@localhost",
       "sender address of teams that set none (/v1/settings/messaging)",
       [](Config& c, const std::string& v) {
         if (v.find('@') == std::string::npos || v.find_first_of(" <>\r\n") != std::string::npos) {
           throw std::invalid_argument("not an email address: '" + v + "'");
         }
         c.messaging.email_from = v;
       }},
      {"public_url", "SB_PUBLIC_URL", "(unset)",
       "the server's address as customers and the team reach it (tracking, unsubscribe and "
       "delivery-report links, and the sign-in links of invites and password resets); unset: "
       "emails carry no tracking and no unsubscribe link",
       [](Config& c, const std::string& v) {
         if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
           throw std::invalid_argument("must start with http:// or https://");
         }
         c.messaging.public_url = v;
         c.http.public_url = v;
       }},
      {"send_rate_per_s", "SB_SEND_RATE_PER_S", "0",
       "at most this many emails and SMS per second from this process, all teams together "
       "(each team's own limit is send_rate in /v1/settings/messaging); 0: no limit",
       [](Config& c, const std::string& v) {
         c.messaging.send_rate_per_s = static_cast<double>(parse_int(v, 0, 1000000));
       }},
      {"campaign_workers", "SB_CAMPAIGN_WORKERS", "8",
       "parallel sends of a campaign (each holds one SMTP connection)",
       [](Config& c, const std::string& v) {
         c.campaigns.workers = static_cast<int>(parse_int(v, 1, 64));
       }},
      {"campaign_lease_ms", "SB_CAMPAIGN_LEASE_MS", "15000",
       "how long a campaign stays with a process that stopped renewing it (then another resumes)",
       [](Config& c, const std::string& v) {
         c.campaigns.lease = std::chrono::milliseconds(parse_int(v, 1000, 600000));
       }},
      {"log_level", "SB_LOG_LEVEL", "information",
       "trace, debug, information, notice, warning, error, fatal or none",
       [](Config& c, const std::string& v) {
         static const char* kLevels[] = {"trace",   "debug", "information", "notice",
                                         "warning", "error", "fatal",       "none"};
         for (const char* l : kLevels) {
           if (v == l) {
             c.log_level = v;
             return;
           }
         }
         if (v == "info") {
           c.log_level = "information";
           return;
         }
         throw std::invalid_argument(
             "expected one of trace, debug, information, notice, "
             "warning, error, fatal, none; got '" +
             v + "'");
       }},
  };
  return table;
}

[[noreturn]] void fail(const std::string& where, const std::string& why) {
  throw Error(ErrorCode::kConfigInvalid, where + ": " + why, {{"setting", where}});
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

const Setting* find_by_key(const std::string& key) {
  for (const Setting& s : settings()) {
    if (key == s.key) return &s;
  }
  return nullptr;
}

}  // namespace

Environment process_environment() {
  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

Config load_config(const Environment& env, const std::optional<std::string>& file) {
  Config config;
  std::optional<std::string> path = file;
  if (!path) {
    auto it = env.find("SB_CONFIG");
    if (it != env.end() && !it->second.empty()) path = it->second;
  }
  if (path) {
    std::ifstream in(*path);
    if (!in) fail(*path, "cannot read the configuration file");
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      std::string t = trim(line);
      if (t.empty() || t[0] == '#') continue;
      std::string where = *path + ":" + std::to_string(line_no);
      auto eq = t.find('=');
      if (eq == std::string::npos) fail(where, "expected 'key = value'");
      std::string key = trim(t.substr(0, eq));
      const Setting* s = find_by_key(key);
      if (!s) fail(where, "unknown setting '" + key + "'");
      try {
        s->apply(config, trim(t.substr(eq + 1)));
      } catch (const std::invalid_argument& e) {
        fail(where + " (" + key + ")", e.what());
      }
    }
  }
  for (const auto& [name, value] : env) {
    if (name.rfind("SB_", 0) != 0 || name == "SB_CONFIG") continue;
    const Setting* match = nullptr;
    for (const Setting& s : settings()) {
      if (name == s.env) match = &s;
    }
    // A typo (SB_HTTP_PROT) silently ignored is worse than a refusal to start.
    if (!match) fail(name, "unknown setting (see switchboard --help for the list)");
    try {
      match->apply(config, value);
    } catch (const std::invalid_argument& e) {
      fail(name, e.what());
    }
  }
  return config;
}

std::string settings_help() {
  std::string out;
  for (const Setting& s : settings()) {
    std::string line = "  ";
    line += s.env;
    line.resize(std::max<std::size_t>(line.size() + 1, 30), ' ');
    line += s.help;
    line += " [";
    line += s.default_text;
    line += "]\n";
    out += line;
  }
  return out;
}

}  // namespace sb
