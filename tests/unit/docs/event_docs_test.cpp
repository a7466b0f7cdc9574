// The event documentation names every event type the server emits (model/event_catalog),
// so a new event cannot ship undocumented. docs/*.md spell families as `a.b|c|d`, and
// record entities share "`<entity>.created|updated|deleted` for `lead`, ...".
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "model/crm_schemas.h"
#include "model/event_catalog.h"

namespace sb::test {
namespace {

std::string all_docs() {
  std::string text;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SB_SOURCE_DIR) + "/docs")) {
    if (entry.path().extension() != ".md") continue;
    std::ifstream in(entry.path());
    std::stringstream s;
    s << in.rdbuf();
    text += s.str() + "\n";
  }
  // Fenced code blocks would throw the pairing of inline backticks off.
  return std::regex_replace(text, std::regex("```[^`]*```"), "");
}

// Every `...` span, with line breaks inside it folded away.
std::set<std::string> documented_types(const std::string& docs) {
  std::set<std::string> out;
  std::set<std::string> generic_suffixes;
  std::regex span("`([^`]+)`");
  for (std::sregex_iterator it(docs.begin(), docs.end(), span), end; it != end; ++it) {
    std::string text = (*it)[1];
    text.erase(
        std::remove_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == ' '; }),
        text.end());
    auto dot = text.find('.');
    if (dot == std::string::npos || dot == 0) continue;
    std::string prefix = text.substr(0, dot);
    std::stringstream names(text.substr(dot + 1));
    std::string name;
    while (std::getline(names, name, '|')) {
      if (prefix == "<entity>") {
        generic_suffixes.insert(name);
      } else {
        out.insert(prefix + "." + name);
      }
    }
  }
  for (const EntitySchema* schema : crm::all()) {
    bool listed = docs.find("`" + std::string(schema->name) + "`") != std::string::npos;
    if (!listed) continue;
    for (const auto& suffix : generic_suffixes)
      out.insert(std::string(schema->name) + "." + suffix);
  }
  return out;
}

TEST(EventDocsTest, EveryEmittedEventTypeIsDocumented) {
  const auto documented = documented_types(all_docs());
  std::vector<std::string> missing;
  for (const std::string& type : known_event_types()) {
    if (!documented.count(type)) missing.push_back(type);
  }
  std::string list;
  for (const auto& m : missing) list += " " + m;
  EXPECT_TRUE(missing.empty()) << "undocumented in docs/*.md:" << list;
}

}  // namespace
}  // namespace sb::test
