// The SDK as an outside developer gets it: installed to a fresh prefix with `cmake
// --install --component sdk`, examples/plugin-hello configured and built against that
// prefix only (CMake package, and pkg-config for a plain compiler line), then loaded into a
// running server and called from Lua and REST.
#include <Poco/JSON/Object.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crm_fixture.h"
#include "model/contact_json.h"
#include "support/process.h"
#include "switchboard/plugin.h"

namespace sb::test {
namespace {

// The version the SDK under test declares (the installed package must say the same).
const std::string kApi =
    std::to_string(SB_PLUGIN_API_MAJOR) + "." + std::to_string(SB_PLUGIN_API_MINOR);

namespace fs = std::filesystem;

// Built once for the suite (both backends load the same library).
struct BuiltExample {
  TempDir root;
  std::string plugins_dir, error;
};

BuiltExample& example() {
  static BuiltExample built = [] {
    BuiltExample b;
    const std::string prefix = b.root.path() + "/sdk";
    const std::string build = b.root.path() + "/build";
    b.plugins_dir = b.root.path() + "/plugins";
    fs::create_directories(b.plugins_dir);
    auto step = [&](const std::string& what, const std::string& program,
                    const std::vector<std::string>& args, const Poco::Process::Env& env = {}) {
      if (!b.error.empty()) return;
      RunResult r = run_program(program, args, env);
      if (r.exit_code != 0)
        b.error = what + " failed (" + std::to_string(r.exit_code) + "):\n" + r.out + r.err;
    };
    step("installing the SDK", "cmake",
         {"--install", SB_BUILD_DIR, "--component", "sdk", "--prefix", prefix});
    // Nothing of the source tree is visible: only the prefix.
    step("configuring the example", "cmake",
         {"-S", std::string(SB_SOURCE_DIR) + "/examples/plugin-hello", "-B", build,
          "-DCMAKE_PREFIX_PATH=" + prefix, "-DCMAKE_BUILD_TYPE=Release"});
    step("building the example", "cmake", {"--build", build});
    if (b.error.empty()) fs::copy_file(build + "/hello.so", b.plugins_dir + "/hello.so");
    return b;
  }();
  return built;
}

class SdkExampleTest : public CrmTest {
 protected:
  void adjust(Config& c) override {
    c.events.workers = 0;
    c.workflows_dir = "";
    ASSERT_EQ(example().error, "") << example().error;
    std::ofstream(example().plugins_dir + "/hello.conf") << "greeting = Welcome\n";
    c.plugins_dir = example().plugins_dir;
  }
};

TEST_P(SdkExampleTest, BuildsAgainstTheInstalledSdkAndRunsFromRestAndLua) {
  auto list = client().get("/v1/plugins");
  ASSERT_NE(list.body.find("\"name\":\"hello\""), std::string::npos) << list.body;
  EXPECT_NE(list.body.find("\"api\":\"" + kApi + "\""), std::string::npos) << list.body;
  long long id = create("/v1/contacts", "{\"name\":\"Ana\"}");
  auto r = client().post("/v1/actions/hello.greet", "{\"id\":" + std::to_string(id) + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"message\":\"Welcome, Ana!\""), std::string::npos) << r.body;

  Poco::JSON::Object o;
  o.set("name", "greeter");
  o.set("source", R"(
on("contact.created", function(e)
  local out = crm.actions["hello.greet"]({ id = e.contact.id })
  crm.log(out.message)
end)
)");
  ASSERT_EQ(client().post("/v1/workflows", json_text(o)).status, 201);
  create("/v1/contacts", "{\"name\":\"Ben\"}");
  for (int i = 0; i < 20 && server_->dispatcher().run_once() > 0; ++i) {
  }
  auto runs = client().get("/v1/workflows/1/runs").body;
  EXPECT_NE(runs.find("Welcome, Ben!"), std::string::npos) << runs;
}

// Without CMake: the flags from pkg-config and a bare compiler line make a loadable module.
TEST(SdkPackageTest, PkgConfigBuildsThePluginWithABareCompilerLine) {
  ASSERT_EQ(example().error, "") << example().error;
  const Poco::Process::Env env = {
      {"PKG_CONFIG_PATH", example().root.path() + "/sdk/lib/pkgconfig"}};
  RunResult version = run_program("pkg-config", {"--modversion", "switchboard-plugin"}, env);
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out, kApi + "\n");
  RunResult cflags = run_program("pkg-config", {"--cflags", "switchboard-plugin"}, env);
  ASSERT_EQ(cflags.exit_code, 0) << cflags.err;
  std::vector<std::string> args = {"-std=c++17", "-shared", "-fPIC"};
  std::istringstream words(cflags.out);
  for (std::string w; words >> w;) args.push_back(w);
  const std::string out = example().root.path() + "/bare_hello.so";
  args.insert(args.end(),
              {std::string(SB_SOURCE_DIR) + "/examples/plugin-hello/hello.cpp", "-o", out});
  RunResult cc = run_program("c++", args);
  ASSERT_EQ(cc.exit_code, 0) << cc.err;
  // Exactly one dynamic symbol of ours: the entry point (hidden visibility did its job).
  RunResult nm = run_program("nm", {"-D", "--defined-only", out});
  ASSERT_EQ(nm.exit_code, 0) << nm.err;
  EXPECT_NE(nm.out.find(" T sb_plugin_init"), std::string::npos) << nm.out;
  EXPECT_EQ(nm.out.find("switchboard"), std::string::npos) << nm.out;
}

SB_INSTANTIATE_BACKENDS(SdkExampleTest);

}  // namespace
}  // namespace sb::test
