#include "app/scratch_workflow_tester.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <stdlib.h>

#include <filesystem>
#include <sstream>

#include "app/server_runtime.h"
#include "model/error.h"
#include "store/api_key_store.h"
#include "store/event_store.h"
#include "workflows/workflow_engine.h"

namespace sb {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "switchboard-wftest-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      throw Error(ErrorCode::kInternal, "cannot create a scratch directory");
    }
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Reply {
  int status = 0;
  std::string body;
};

class LocalClient {
 public:
  LocalClient(int port, std::string key) : port_(port), key_(std::move(key)) {}
  Reply send(const std::string& method, const std::string& path, const std::string& body = "") {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
    Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + key_);
    if (!body.empty()) {
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse res;
    std::istream& in = session.receiveResponse(res);
    Reply r;
    r.status = res.getStatus();
    std::ostringstream o;
    Poco::StreamCopier::copyStream(in, o);
    r.body = o.str();
    return r;
  }

 private:
  int port_;
  std::string key_;
};

std::string json_text(const Poco::Dynamic::Var& v) {
  std::ostringstream o;
  Poco::JSON::Stringifier::stringify(v, o);
  return o.str();
}

Poco::JSON::Object::Ptr object_of(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

// A refusal that names what the caller sent: the message reads well on a terminal, the
// details point a REST client at the field.
Error refused(const std::string& field, const std::string& reason) {
  return Error(ErrorCode::kValidationFailed, field + ": " + reason,
               {{"field", field}, {"reason", reason}});
}

bool plain_resource(const std::string& r) {
  if (r.empty() || r.size() > 40) return false;
  for (char c : r) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

void load_fixtures(LocalClient& client, const std::vector<wf::TestFixture>& fixtures) {
  for (const wf::TestFixture& f : fixtures) {
    if (!plain_resource(f.resource)) {
      throw refused(f.label, "resource '" + f.resource + "' is not a collection name (a-z, _)");
    }
    for (std::size_t i = 0; f.items && i < f.items->size(); ++i) {
      Reply r = client.send("POST", "/v1/" + f.resource, json_text(f.items->get(i)));
      if (r.status / 100 != 2) {
        throw refused(
            f.label + " item " + std::to_string(i),
            "POST /v1/" + f.resource + " answered " + std::to_string(r.status) + ": " + r.body);
      }
    }
  }
}

Config scratch_config(const std::string& dir, const std::string& plugins_dir) {
  Config config;
  config.database.url = "sqlite:" + dir + "/scratch.db";
  config.http.host = "127.0.0.1";
  config.http.port = 0;
  config.http.access_log = false;
  config.http.rate_limit_rps = 0;
  config.http.data_dir = dir + "/data";
  config.events.workers = 0;  // only the one event below runs, on this thread
  config.workflows_dir = "";  // only the workflow under test
  config.plugins_dir = plugins_dir;
  config.announce = false;
  config.bootstrap_api_key = ApiKeyStore::generate_secret();
  return config;
}

// "cron" stands for the workflow's first every() handler, as the scheduler names its tick.
std::string cron_event_type(ServerRuntime& runtime, std::int64_t team, std::int64_t workflow_id) {
  auto def = runtime.workflows().team(team)->find(workflow_id);
  for (std::size_t i = 0; def && i < def->handlers.size(); ++i) {
    if (def->handlers[i].kind == wf::HandlerKind::kEvery) {
      return "cron.wf" + std::to_string(workflow_id) + "." + std::to_string(i) + ".v" +
             std::to_string(def->version);
    }
  }
  throw refused("event.type", "the event is \"cron\" but the workflow has no every() handler");
}

}  // namespace

wf::TestReport ScratchWorkflowTester::run(const wf::TestRun& input) {
  std::lock_guard<std::mutex> lock(one_at_a_time_);
  ScratchDir scratch;
  Config config = scratch_config(scratch.path(), plugins_dir_);
  ServerRuntime runtime(config);
  runtime.start();
  const std::int64_t team = runtime.first_team()->team.id;
  LocalClient client(runtime.port(), *config.bootstrap_api_key);
  load_fixtures(client, input.fixtures);

  Poco::JSON::Object body;
  body.set("name", input.name);
  body.set("source", input.source);
  Reply created = client.send("POST", "/v1/workflows", json_text(body));
  if (created.status != 201) {
    auto err = object_of(created.body)->getObject("error");
    throw refused("source", err ? err->getValue<std::string>("message") : created.body);
  }
  std::int64_t workflow_id = object_of(created.body)->getValue<std::int64_t>("id");
  runtime.workflows().refresh(true);

  NewEvent e{.team_id = team, .type = input.event_type};
  Poco::JSON::Object::Ptr payload = new Poco::JSON::Object(*input.payload);
  if (input.contact_id) {
    Reply c = client.send("GET", "/v1/contacts/" + std::to_string(*input.contact_id));
    if (c.status != 200) {
      throw refused(input.event_label, "contact_id " + std::to_string(*input.contact_id) +
                                           " is not among the fixtures' contacts");
    }
    e.subject_type = "contact";
    e.subject_id = *input.contact_id;
    // Handlers read e.contact: the contact as the fixtures made it, unless the event says.
    if (!payload->has("contact")) payload->set("contact", object_of(c.body));
  }
  if (input.event_type == "cron") e.type = cron_event_type(runtime, team, workflow_id);
  e.payload_json = json_text(payload);
  StoredEvent stored;
  stored.team_id = team;
  stored.type = e.type;
  stored.subject_type = e.subject_type;
  stored.subject_id = e.subject_id;
  stored.payload_json = e.payload_json;
  stored.created_at = now_ms();
  stored.available_at = stored.created_at;
  stored.status = "pending";
  EventStore events(runtime.database().dialect());
  stored.id = runtime.database().write([&](soci::session& s) { return events.append(s, e); });
  runtime.workflow_runner().deliver(stored);

  Reply runs =
      client.send("GET", "/v1/workflows/" + std::to_string(workflow_id) + "/runs?limit=200");
  auto items = object_of(runs.body)->getArray("data");
  wf::TestReport report;
  // Newest first from the API; the report reads in the order the runs happened.
  for (std::size_t i = items->size(); i-- > 0;) {
    auto run = items->getObject(static_cast<unsigned>(i));
    Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const char* key : {"handler", "outcome", "actions", "log", "error", "duration_us"}) {
      r->set(key, run->get(key));
    }
    report.ok = report.ok && run->getValue<std::string>("outcome") != "error";
    report.runs->add(r);
  }
  runtime.stop();
  return report;
}

}  // namespace sb
