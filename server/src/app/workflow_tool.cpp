#include "app/workflow_tool.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "app/scratch_workflow_tester.h"
#include "model/json_body.h"
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

// The event file: {"type", "contact_id"?, "payload"?}, nothing else.
void read_event(const std::string& file, wf::TestRun& run) {
  auto o = parse_object(read_file(file), file);
  run.event_label = file;
  for (const auto& [key, value] : *o) {
    if (key == "type" && value.isString()) {
      run.event_type = value.toString();
    } else if (key == "contact_id" && json_int64(value)) {
      run.contact_id = *json_int64(value);
    } else if (key == "payload" && value.type() == typeid(Poco::JSON::Object::Ptr)) {
      run.payload = value.extract<Poco::JSON::Object::Ptr>();
    } else {
      throw std::runtime_error(file + ": field '" + key +
                               "' is unknown or of the wrong type (type: string, contact_id: "
                               "integer, payload: object)");
    }
  }
  if (run.event_type.empty()) throw std::runtime_error(file + ": field 'type' is required");
}

std::string json_text(const Poco::Dynamic::Var& v, unsigned indent = 0) {
  std::ostringstream o;
  Poco::JSON::Stringifier::stringify(v, o, indent);
  return o.str();
}

// fixtures/NN-name.json -> /v1/name, in file-name order (so users come before groups).
std::vector<wf::TestFixture> read_fixtures(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry);
  }
  std::sort(files.begin(), files.end());
  std::vector<wf::TestFixture> fixtures;
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
    fixtures.push_back({f.string(), collection, v.extract<Poco::JSON::Array::Ptr>()});
  }
  return fixtures;
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
                  const std::optional<std::string>& fixtures_dir, std::ostream& out) {
  wf::TestRun run;
  run.name = stem_of(file);
  run.source = read_file(file);
  read_event(event_file, run);
  if (fixtures_dir) run.fixtures = read_fixtures(*fixtures_dir);
  // The scratch server's own chatter is not the tool's output.
  Poco::Logger::root().setLevel(Poco::Message::PRIO_WARNING);
  wf::TestReport result = ScratchWorkflowTester("./plugins").run(run);
  Poco::JSON::Array runs;
  for (std::size_t i = 0; i < result.runs->size(); ++i) {
    auto r = result.runs->getObject(static_cast<unsigned>(i));
    r->remove("duration_us");  // differs every run; the report is meant to be compared
    runs.add(r);
  }
  Poco::JSON::Object report(Poco::JSON_PRESERVE_KEY_ORDER);
  report.set("workflow", run.name);
  report.set("event", run.event_type);
  report.set("runs", runs);
  out << json_text(report, 2) << std::endl;
  return result.ok ? 0 : 1;
}

}  // namespace sb
