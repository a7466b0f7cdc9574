// The crm.* functions are bound from one table (workflows/crm_api.cpp); the editor's
// annotations (workflows/crm.lua) and the reference (docs/lua-api.md) must name exactly
// those, so a function cannot ship undocumented or a documented one be missing.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "workflows/crm_api.h"

namespace sb::test {
namespace {

std::string read(const std::string& relative) {
  std::ifstream in(std::string(SB_SOURCE_DIR) + "/" + relative);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::set<std::string> bound() {
  const auto& names = wf::crm_function_names();
  return {names.begin(), names.end()};
}

TEST(CrmApiDocs, TheAnnotationsDeclareExactlyTheBoundFunctions) {
  std::string lua = read("workflows/crm.lua");
  ASSERT_FALSE(lua.empty());
  std::set<std::string> declared;
  std::regex fn(R"(function crm\.([a-z_.]+)\()");
  for (std::sregex_iterator it(lua.begin(), lua.end(), fn), end; it != end; ++it) {
    declared.insert((*it)[1]);
  }
  if (lua.find("crm.actions = ") != std::string::npos) declared.insert("actions");
  EXPECT_EQ(declared, bound());
}

TEST(CrmApiDocs, TheReferenceDocumentsEveryBoundFunction) {
  std::string doc = read("docs/lua-api.md");
  ASSERT_FALSE(doc.empty());
  for (const std::string& name : bound()) {
    // Module functions may be written after the first as ".update(...)" in its row.
    auto dot = name.find('.');
    bool found = doc.find("crm." + name) != std::string::npos;
    if (!found && dot != std::string::npos) {
      std::istringstream lines(doc);
      for (std::string line; !found && std::getline(lines, line);) {
        found = line.find("crm." + name.substr(0, dot) + ".") != std::string::npos &&
                line.find(name.substr(dot) + "(") != std::string::npos;
      }
    }
    EXPECT_TRUE(found) << "crm." << name << " is not in docs/lua-api.md";
  }
}

}  // namespace
}  // namespace sb::test
