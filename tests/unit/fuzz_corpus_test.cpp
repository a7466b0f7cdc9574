// Every checked-in fuzz input (seeds and the inputs of crashes once found) replayed through
// its target in the normal build, so a fixed crash stays fixed without clang or libFuzzer.
#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "fuzz/fuzz_target.h"

namespace fs = std::filesystem;

namespace {

const fs::path kCorpusRoot = fs::path(SB_SOURCE_DIR) / "tests" / "fuzz" / "corpus";

// A target aborts on a violated property: name the input before the process dies.
char g_current[4096];
void name_input(int sig) {
  const char prefix[] = "\nfuzz replay: crashed on input ";
  [[maybe_unused]] auto a = write(2, prefix, sizeof prefix - 1);
  [[maybe_unused]] auto b = write(2, g_current, std::strlen(g_current));
  [[maybe_unused]] auto c = write(2, "\n", 1);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

TEST(FuzzCorpus, EveryTargetHasSeedsAndEveryCorpusATarget) {
  std::set<std::string> dirs;
  for (const auto& d : fs::directory_iterator(kCorpusRoot)) dirs.insert(d.path().filename());
  std::set<std::string> names;
  for (const auto& [name, target] : sb::fuzz::targets()) names.insert(name);
  EXPECT_EQ(dirs, names);
  EXPECT_GE(names.size(), 8u);
}

TEST(FuzzCorpus, EveryInputRunsCleanThroughItsTarget) {
  std::signal(SIGABRT, name_input);
  std::signal(SIGSEGV, name_input);
  std::size_t inputs = 0;
  for (const auto& [name, target] : sb::fuzz::targets()) {
    std::size_t for_target = 0;
    for (const auto& f : fs::recursive_directory_iterator(kCorpusRoot / name)) {
      if (!f.is_regular_file()) continue;
      std::ifstream in(f.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      std::snprintf(g_current, sizeof g_current, "%s", f.path().c_str());
      try {
        target(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
      } catch (const std::exception& e) {
        // What the HTTP edge would answer with a 500; libFuzzer reports it as a crash.
        ADD_FAILURE() << f.path() << ": exception escaped the target: " << e.what();
      }
      ++for_target;
    }
    EXPECT_GT(for_target, 0u) << name;
    inputs += for_target;
  }
  std::signal(SIGABRT, SIG_DFL);
  std::signal(SIGSEGV, SIG_DFL);
  RecordProperty("inputs", static_cast<int>(inputs));
}

}  // namespace
