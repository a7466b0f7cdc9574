// What route handlers may use: the database and the repositories built on it. Owned by
// the HttpServer; one instance shared by all request threads (every member is thread-safe).
#pragma once

#include "store/api_key_store.h"
#include "store/database.h"
#include "store/event_store.h"
#include "store/team_store.h"

namespace sb {

class Metrics;
class Router;

struct ApiServices {
  explicit ApiServices(Database& database)
      : db(database),
        keys(database.dialect()),
        teams(database.dialect()),
        events(database.dialect()) {}

  Database& db;
  ApiKeyStore keys;
  TeamStore teams;
  EventStore events;
  const Metrics* metrics = nullptr;  // for GET /metrics
  const Router* router = nullptr;    // for the OpenAPI consistency check
};

}  // namespace sb
