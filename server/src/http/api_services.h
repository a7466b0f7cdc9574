// What route handlers may use: the database and the repositories built on it. Owned by
// the HttpServer; one instance shared by all request threads (every member is thread-safe).
#pragma once

#include <atomic>
#include <chrono>

#include "auth/sign_in.h"
#include "capture/conversation_closer.h"
#include "capture/ingest_queue.h"
#include "capture/ingestor.h"
#include "http/auth_cache.h"
#include "store/api_key_store.h"
#include "store/audit_store.h"
#include "store/blob_store.h"
#include "store/contact_erasure.h"
#include "store/contact_merge.h"
#include "store/contact_store.h"
#include "store/crm_services.h"
#include "store/custom_field_store.h"
#include "store/database.h"
#include "store/event_queue_store.h"
#include "store/event_store.h"
#include "store/file_store.h"
#include "store/import_store.h"
#include "store/note_store.h"
#include "store/team_settings_store.h"
#include "store/team_store.h"
#include "store/user_store.h"

namespace sb {

class Dispatcher;
namespace plugins {
class PluginHost;
}
namespace channels {
class Messenger;
class WebhookSubscriptions;
}  // namespace channels
namespace campaigns {
class CampaignRunner;
}
namespace wf {
class WorkflowRegistry;
class WorkflowTester;
}  // namespace wf
namespace imports {
class ImportRunner;
}
class Metrics;
class Router;

struct ApiServices {
  explicit ApiServices(Database& database,
                       std::chrono::milliseconds auth_cache_ttl = std::chrono::milliseconds(0),
                       const std::string& data_dir = "./data", std::size_t upload_limit = 10 << 20,
                       auth::SignInOptions sign_in_options = {})
      : db(database),
        keys(database.dialect()),
        teams(database.dialect()),
        events(database.dialect()),
        auth_cache(auth_cache_ttl),
        contacts(database.dialect()),
        custom_fields(database.dialect()),
        notes(database.dialect()),
        settings(database.dialect()),
        merger(contacts),
        files(database.dialect()),
        users(database.dialect()),
        blobs(data_dir + "/files"),
        data_dir(data_dir),
        max_upload_bytes(upload_limit),
        sign_in(database, std::move(sign_in_options)) {}

  Database& db;
  ApiKeyStore keys;
  TeamStore teams;
  EventStore events;
  AuthCache auth_cache;
  ContactStore contacts;
  CustomFieldStore custom_fields;
  NoteStore notes;
  TeamSettingsStore settings;
  ContactMerger merger;
  FileStore files;
  UserStore users;
  BlobStore blobs;
  std::string data_dir;  // uploads: data_dir/files, data_dir/imports
  std::size_t max_upload_bytes;
  auth::SignIn sign_in;
  const Metrics* metrics = nullptr;               // for GET /metrics
  const Router* router = nullptr;                 // for the OpenAPI consistency check
  const Dispatcher* dispatcher = nullptr;         // for queue metrics; null in tools and tests
  wf::WorkflowRegistry* workflows = nullptr;      // null: workflow writes are not checked live
  wf::WorkflowTester* workflow_tester = nullptr;  // null: POST /v1/workflows/test answers 503
  plugins::PluginHost* plugins = nullptr;         // null: /v1/plugins and /v1/actions answer 404
  channels::Messenger* messenger = nullptr;       // null: tracking links answer 404
  channels::WebhookSubscriptions* webhooks = nullptr;    // null: /v1/webhooks answers 404
  campaigns::CampaignRunner* campaign_runner = nullptr;  // null: campaigns wait for a poll
  imports::ImportRunner* import_runner = nullptr;        // null: imports wait for a poll
  std::size_t max_import_bytes = std::size_t{1} << 30;
  std::string metrics_token_sha256;  // of SB_METRICS_TOKEN; empty: /metrics is open
  std::string public_url;            // SB_PUBLIC_URL ("": none)
  std::string own_url;               // this server as it listens ("http://127.0.0.1:8080")
  // GET /v1/stream: each open stream holds one of the server's threads, so at most this
  // many at once; `stopping` ends them when the server shuts down.
  int max_streams = 16;
  std::atomic<int> open_streams{0};
  std::atomic<bool> stopping{false};
  EventQueueStore queue{db.dialect()};
  AuditStore audit{db.dialect()};
  ContactEraser eraser{db.dialect(), contacts};
  ImportStore imports{db.dialect()};
  CrmServices crm{db.dialect(), contacts};
  capture::Ingestor ingestor{contacts};
  capture::IngestQueue ingest{db, ingestor};
  capture::ConversationCloser closer{contacts};
};

}  // namespace sb
