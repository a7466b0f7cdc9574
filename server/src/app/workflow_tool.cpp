#include "app/workflow_tool.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

#include "app/server_runtime.h"
#include "model/json_body.h"
#include "store/api_key_store.h"
#include "store/event_store.h"
#include "workflows/crm_api.h"
#include "workflows/workflow_engine.h"
#include "workflows/workflow_lint.h"

namespace sb {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream o;
  o << in.rdbuf();
  return o.str();
}

// The workflow's name: the file name without ".lua", as the workflows directory names it.
std::string stem_of(const std::string& file) {
  return fs::path(file).stem().string();
}

// ---- scratch server ------------------------------------------------------------------

class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "switchboard-wftest-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a scratch directory");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
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

Poco::JSON::Object::Ptr parse_object(const std::string& text, const std::string& where) {
  try {
    Poco::JSON::Parser parser;
    auto v = parser.parse(text);
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw std::runtime_error("not an object");
    return v.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception& e) {
    throw std::runtime_error(where + ": expected a JSON object: " + e.displayText());
  } catch (const std::exception& e) {
    throw std::runtime_error(where + ": expected a JSON object: " + e.what());
  }
}

struct TestEvent {
  std::string type;
  std::optional<std::int64_t> contact_id;
  Poco::JSON::Object::Ptr payload = new Poco::JSON::Object;
};

TestEvent read_event(const std::string& file) {
  auto o = parse_object(read_file(file), file);
  TestEvent e;
  for (const auto& [key, value] : *o) {
    if (key == "type" && value.isString()) {
      e.type = value.toString();
    } else if (key == "contact_id" && json_int64(value)) {
      e.contact_id = *json_int64(value);
    } else if (key == "payload" && value.type() == typeid(Poco::JSON::Object::Ptr)) {
      e.payload = value.extract<Poco::JSON::Object::Ptr>();
    } else {
      throw std::runtime_error(file + ": field '" + key +
                               "' is unknown or of the wrong type (type: string, contact_id: "
                               "integer, payload: object)");
    }
  }
  if (e.type.empty()) throw std::runtime_error(file + ": field 'type' is required");
  return e;
}

std::string json_text(const Poco::Dynamic::Var& v, unsigned indent = 0) {
  std::ostringstream o;
  Poco::JSON::Stringifier::stringify(v, o, indent);
  return o.str();
}

// fixtures/NN-name.json -> /v1/name, in file-name order (so users come before groups).
void load_fixtures(LocalClient& client, const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry);
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    std::string collection = f.stem().string();
    std::size_t k = 0;
    while (k < collection.size() && std::isdigit(static_cast<unsigned char>(collection[k]))) ++k;
    if (k > 0 && k < collection.size() && (collection[k] == '-' || collection[k] == '_')) {
      collection = collection.substr(k + 1);
    }
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var v;
    try {
      v = parser.parse(read_file(f.string()));
    } catch (const Poco::Exception& e) {
      throw std::runtime_error(f.string() + ": " + e.displayText());
    }
    if (v.type() != typeid(Poco::JSON::Array::Ptr)) {
      throw std::runtime_error(f.string() + ": expected a JSON array of request bodies");
    }
    auto items = v.extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < items->size(); ++i) {
      Reply r = client.send("POST", "/v1/" + collection, json_text(items->get(i)));
      if (r.status / 100 != 2) {
        throw std::runtime_error(f.string() + " item " + std::to_string(i) + ": POST /v1/" +
                                 collection + " answered " + std::to_string(r.status) + ": " +
                                 r.body);
      }
    }
  }
}

}  // namespace

int workflow_check(const std::string& file, std::ostream& out, std::ostream& err) {
  wf::WorkflowDef def;
  def.name = file.size() > 4 && file.substr(file.size() - 4) == ".lua"
                 ? file.substr(0, file.size() - 4)
                 : file;
  def.source = read_file(file);
  wf::WorkflowEngine engine;
  wf::LintResult lint = wf::lint_workflow(engine, def);
  if (!lint.loads) {
    for (const auto& p : lint.problems)
      err << file << ":" << p.line << ": " << p.message << std::endl;
    out << file << ": does not load" << std::endl;
    return 1;
  }
  for (const auto& f : lint.problems)
    err << file << ":" << f.line << ": " << f.message << std::endl;
  if (!lint.problems.empty()) {
    out << file << ": " << lint.problems.size() << " problem"
        << (lint.problems.size() > 1 ? "s" : "") << std::endl;
    return 1;
  }
  out << file << ": ok, " << def.handlers.size() << " handler"
      << (def.handlers.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < def.handlers.size(); ++i) {
    out << (i == 0 ? ": " : ", ") << wf::handler_label(def.handlers[i]);
  }
  out << std::endl;
  return 0;
}

int workflow_test(const std::string& file, const std::string& event_file,
                  const std::optional<std::string>& fixtures_dir, std::ostream& out,
                  std::ostream& err) {
  std::string source = read_file(file);
  TestEvent event = read_event(event_file);
  // The server's own start-up chatter is not the tool's output.
  Poco::Logger::root().setLevel(Poco::Message::PRIO_WARNING);
  ScratchDir scratch;
  Config config;
  config.database.url = "sqlite:" + scratch.path() + "/scratch.db";
  config.http.port = 0;
  config.http.access_log = false;
  config.http.rate_limit_rps = 0;
  config.http.data_dir = scratch.path() + "/data";
  config.events.workers = 0;  // only the one event below runs, on this thread
  config.workflows_dir = "";
  config.bootstrap_api_key = ApiKeyStore::generate_secret();
  ServerRuntime runtime(config);
  runtime.start();
  const std::int64_t team = runtime.first_team()->team.id;
  LocalClient client(runtime.port(), *config.bootstrap_api_key);
  if (fixtures_dir) load_fixtures(client, *fixtures_dir);

  Poco::JSON::Object body;
  body.set("name", stem_of(file));
  body.set("source", source);
  Reply created = client.send("POST", "/v1/workflows", json_text(body));
  if (created.status != 201) {
    err << file << ": not accepted (" << created.status << "): " << created.body << std::endl;
    return 1;
  }
  auto wf_row = parse_object(created.body, "POST /v1/workflows");
  std::int64_t workflow_id = wf_row->getValue<std::int64_t>("id");
  runtime.workflows().refresh(true);

  NewEvent e{.team_id = team, .type = event.type};
  if (event.contact_id) {
    Reply c = client.send("GET", "/v1/contacts/" + std::to_string(*event.contact_id));
    if (c.status != 200) {
      err << event_file << ": contact_id " << *event.contact_id
          << " is not among the fixtures' contacts" << std::endl;
      return 1;
    }
    e.subject_type = "contact";
    e.subject_id = *event.contact_id;
    // Handlers read e.contact: the contact as the fixtures made it, unless the event says.
    if (!event.payload->has("contact"))
      event.payload->set("contact", parse_object(c.body, "contact"));
  }
  if (event.type == "cron") {  // the workflow's first every() handler, as the scheduler ticks it
    auto def = runtime.workflows().team(team)->find(workflow_id);
    int index = -1;
    for (std::size_t i = 0; def && i < def->handlers.size() && index < 0; ++i) {
      if (def->handlers[i].kind == wf::HandlerKind::kEvery) index = static_cast<int>(i);
    }
    if (index < 0) {
      err << file << ": the event is \"cron\" but the workflow has no every() handler" << std::endl;
      return 1;
    }
    e.type = "cron.wf" + std::to_string(workflow_id) + "." + std::to_string(index) + ".v" +
             std::to_string(def->version);
  }
  e.payload_json = json_text(event.payload);
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
  auto items = parse_object(runs.body, "runs")->getArray("data");
  Poco::JSON::Array report_runs;
  bool failed = false;
  // Newest first from the API; the report reads in the order the runs happened.
  for (std::size_t i = items->size(); i-- > 0;) {
    auto run = items->getObject(static_cast<unsigned>(i));
    Poco::JSON::Object::Ptr r = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const char* key : {"handler", "outcome", "actions", "log", "error"}) {
      r->set(key, run->get(key));
    }
    failed = failed || run->getValue<std::string>("outcome") == "error";
    report_runs.add(r);
  }
  Poco::JSON::Object report(Poco::JSON_PRESERVE_KEY_ORDER);
  report.set("workflow", stem_of(file));
  report.set("event", event.type);
  report.set("runs", report_runs);
  out << json_text(report, 2) << std::endl;
  runtime.stop();
  return failed ? 1 : 0;
}

}  // namespace sb
