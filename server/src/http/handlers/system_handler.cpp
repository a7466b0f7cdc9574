// Public operational routes: GET /health, GET /metrics, GET /v1/openapi.json.
#include <soci/soci.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "events/dispatcher.h"
#include "http/metrics.h"
#include "http/routes.h"
#include "model/embedded_file.h"
#include "model/error.h"
#include "model/hash.h"
#include "store/statement_cache.h"

namespace sb {

std::span<const EmbeddedFile> embedded_docs();

namespace {

long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * sysconf(_SC_PAGESIZE);
}

Response health(ApiServices& services) {
  Poco::JSON::Object db(Poco::JSON_PRESERVE_KEY_ORDER);
  db.set("backend", std::string(backend_name(services.db.backend())));
  auto started = std::chrono::steady_clock::now();
  bool up = true;
  try {
    services.db.ping();
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    db.set("status", "up");
    db.set("latency_ms", std::round(ms * 1000) / 1000);
  } catch (const Error& e) {
    up = false;
    db.set("status", "down");
    db.set("error", std::string(e.what()));
  }
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("status", up ? "ok" : "unavailable");
  body.set("database", db);
  return Response::json(up ? 200 : 503, body);
}

// Queue depth and lag (shared by every process on the database) and this process's
// delivery counters.
void append_event_metrics(ApiServices& services, std::string& out) {
  const DispatcherCounters& c = services.dispatcher->counters();
  QueueStats q =
      services.db.read([&](soci::session& s) { return services.queue.stats(s, now_ms()); });
  double age = q.oldest_due ? static_cast<double>(now_ms() - q.oldest_due) / 1000.0 : 0;
  out +=
      "# HELP sb_events_pending Events waiting to be handled (due or retrying).\n# TYPE "
      "sb_events_pending gauge\n";
  out += "sb_events_pending " + std::to_string(q.pending) + "\n";
  out +=
      "# HELP sb_events_dead Events that exhausted their retries.\n# TYPE sb_events_dead gauge\n";
  out += "sb_events_dead " + std::to_string(q.dead) + "\n";
  out +=
      "# HELP sb_events_oldest_due_age_seconds Age of the oldest due event.\n# TYPE "
      "sb_events_oldest_due_age_seconds gauge\n";
  out += "sb_events_oldest_due_age_seconds " + std::to_string(age) + "\n";
  out +=
      "# HELP sb_event_deliveries_total Deliveries made by this process.\n# TYPE "
      "sb_event_deliveries_total counter\n";
  out += "sb_event_deliveries_total{result=\"ok\"} " + std::to_string(c.delivered_ok.load()) + "\n";
  out += "sb_event_deliveries_total{result=\"retry\"} " + std::to_string(c.delivered_retry.load()) +
         "\n";
  out += "sb_event_deliveries_total{result=\"failed\"} " +
         std::to_string(c.delivered_failed.load()) + "\n";
}

// With SB_METRICS_TOKEN set, only a scraper presenting it reads the metrics. Compared as
// hashes, in constant time: neither the token's length nor a mismatch's place shows.
void check_metrics_token(const ApiServices& services, const Request& request) {
  if (services.metrics_token_sha256.empty()) return;
  constexpr std::string_view kBearer = "Bearer ";
  const std::string presented = request.header("Authorization");
  if (presented.empty()) {
    throw Error(ErrorCode::kUnauthorized,
                "missing Authorization header: /metrics needs 'Authorization: Bearer <metrics "
                "token>' (SB_METRICS_TOKEN)");
  }
  if (presented.rfind(kBearer, 0) != 0 ||
      !equal_in_constant_time(sha256_hex(std::string_view(presented).substr(kBearer.size())),
                              services.metrics_token_sha256)) {
    throw Error(ErrorCode::kUnauthorized, "wrong metrics token");
  }
}

Response metrics(ApiServices& services, const Request& request) {
  check_metrics_token(services, request);
  Response r;
  r.content_type = "text/plain; version=0.0.4";
  services.metrics->render(r.body);
  r.body += "# HELP sb_db_pool_size Database sessions in the pool.\n# TYPE sb_db_pool_size gauge\n";
  r.body += "sb_db_pool_size " + std::to_string(services.db.pool_size()) + "\n";
  r.body +=
      "# HELP sb_db_pool_in_use Database sessions leased now.\n# TYPE sb_db_pool_in_use gauge\n";
  r.body += "sb_db_pool_in_use " + std::to_string(services.db.sessions_in_use()) + "\n";
  const StatementCacheStats statements = services.db.statement_stats();
  r.body +=
      "# HELP sb_db_statements_prepared_total Statements prepared by the connections' "
      "caches.\n# TYPE sb_db_statements_prepared_total counter\n";
  r.body += "sb_db_statements_prepared_total " + std::to_string(statements.prepares) + "\n";
  r.body +=
      "# HELP sb_db_statement_cache_hits_total Executions that reused a prepared "
      "statement.\n# TYPE sb_db_statement_cache_hits_total counter\n";
  r.body += "sb_db_statement_cache_hits_total " + std::to_string(statements.hits) + "\n";
  r.body +=
      "# HELP process_resident_memory_bytes Resident set size.\n# TYPE "
      "process_resident_memory_bytes gauge\n";
  r.body += "process_resident_memory_bytes " + std::to_string(resident_bytes()) + "\n";
  if (services.dispatcher) append_event_metrics(services, r.body);
  return r;
}

Response openapi() {
  for (const EmbeddedFile& f : embedded_docs()) {
    if (f.path == "api/openapi.json") {
      Response r;
      r.body = std::string(f.content);
      return r;
    }
  }
  throw Error(ErrorCode::kInternal, "OpenAPI document missing from the build");
}

}  // namespace

void add_system_routes(Router& router, ApiServices& services) {
  router.add(
      Route::get("/health", Access::kPublic, [&services](Request&) { return health(services); }));
  router.add(Route::get("/metrics", Access::kPublic,
                        [&services](Request& request) { return metrics(services, request); }));
  router.add(Route::get("/v1/openapi.json", Access::kPublic, [](Request&) { return openapi(); }));
}

}  // namespace sb
