// The plugin tests' fixture: a server whose plugins directory holds every test plugin
// (tests/plugins), with the dispatcher driven by the test.
#pragma once

#include <filesystem>
#include <fstream>

#include "crm_fixture.h"
#include "events/dispatcher.h"

namespace sb::test {

namespace fs = std::filesystem;

class PluginTest : public CrmTest {
 protected:
  void adjust(Config& c) override {
    c.events.workers = 0;  // the test drives the dispatcher
    c.events.backoff_base = std::chrono::milliseconds(0);
    c.workflows_dir = "";
    for (const auto& e : fs::directory_iterator(SB_PLUGIN_CASES_DIR)) {
      if (e.path().extension() == ".so")
        fs::copy_file(e.path(), dir_.path() + "/" + e.path().filename().string());
    }
    std::ofstream(dir_.path() + "/probe.conf") << "# settings\ngreeting = hello there\n";
    c.plugins_dir = dir_.path();
  }
  Poco::JSON::Object::Ptr get_contact(long long id) {
    auto r = client().get("/v1/contacts/" + std::to_string(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  void drain() {
    for (int i = 0; i < 50 && server_->dispatcher().run_once() > 0; ++i) {
    }
  }
  HttpResult action(const std::string& name, const std::string& body,
                    const std::string& key = kOwnerKey) {
    return client(key).post("/v1/actions/" + name, body);
  }
  Poco::JSON::Object::Ptr plugin(const Poco::JSON::Object::Ptr& list, const std::string& name) {
    auto data = list->getArray("data");
    for (std::size_t i = 0; i < data->size(); ++i) {
      auto p = data->getObject(static_cast<unsigned>(i));
      if (p->getValue<std::string>("name") == name) return p;
    }
    return nullptr;
  }
  std::string failure(const Poco::JSON::Object::Ptr& list, const std::string& file) {
    auto failed = list->getArray("failed");
    for (std::size_t i = 0; i < failed->size(); ++i) {
      auto f = failed->getObject(static_cast<unsigned>(i));
      if (f->getValue<std::string>("file") == file) return f->getValue<std::string>("error");
    }
    return "";
  }
  // Copies a first-party plugin from the build, writes its settings, reloads.
  void install(const std::string& name, const std::string& conf = "") {
    // Copy, then rename over: writing into a loaded library's file would change the code
    // under the running server (the way operators must replace plugins too).
    const std::string target = dir_.path() + "/" + name + ".so";
    fs::copy_file(fs::path(SB_PLUGINS_BUILD_DIR) / (name + ".so"), target + ".tmp",
                  fs::copy_options::overwrite_existing);
    fs::rename(target + ".tmp", target);
    if (!conf.empty()) std::ofstream(dir_.path() + "/" + name + ".conf") << conf;
    auto r = client().post("/v1/plugins/reload", "");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  TempDir dir_;
};

}  // namespace sb::test
