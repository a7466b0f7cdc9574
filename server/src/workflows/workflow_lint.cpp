#include "workflows/workflow_lint.h"

#include <algorithm>
#include <regex>
#include <string_view>

#include "model/event_catalog.h"
#include "workflows/crm_api.h"
#include "workflows/workflow_engine.h"

namespace sb::wf {
namespace {

// The source with comments and string literals blanked (newlines kept), so a scan for
// `crm.x` sees code only and line numbers still hold.
std::string code_only(const std::string& src) {
  std::string out = src;
  auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to && k < out.size(); ++k) {
      if (out[k] != '\n') out[k] = ' ';
    }
  };
  // "[[", "[==[" at i: the level, or -1.
  auto long_bracket = [&](std::size_t i) -> int {
    if (i >= src.size() || src[i] != '[') return -1;
    std::size_t j = i + 1;
    while (j < src.size() && src[j] == '=') ++j;
    return j < src.size() && src[j] == '[' ? static_cast<int>(j - i - 1) : -1;
  };
  auto long_end = [&](std::size_t from, int level) {
    std::string close = "]" + std::string(static_cast<std::size_t>(level), '=') + "]";
    std::size_t e = src.find(close, from);
    return e == std::string::npos ? src.size() : e + close.size();
  };
  std::size_t i = 0;
  while (i < src.size()) {
    char c = src[i];
    if (c == '-' && i + 1 < src.size() && src[i + 1] == '-') {
      int level = long_bracket(i + 2);
      std::size_t end = level >= 0 ? long_end(i + 2 + static_cast<std::size_t>(level) + 2, level)
                                   : src.find('\n', i);
      if (end == std::string::npos) end = src.size();
      blank(i, end);
      i = end;
    } else if (c == '"' || c == '\'') {
      std::size_t j = i + 1;
      while (j < src.size() && src[j] != c && src[j] != '\n') j += src[j] == '\\' ? 2 : 1;
      blank(i, j + 1);
      i = j + 1;
    } else if (int level = long_bracket(i); level >= 0) {
      std::size_t end = long_end(i + static_cast<std::size_t>(level) + 2, level);
      blank(i, end);
      i = end;
    } else {
      ++i;
    }
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

bool is_ident(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

// `crm.a.b` uses whose chain is neither a crm function (or a longer path through one, such
// as a field of what it returns) nor a namespace of them (`crm.tickets`).
std::vector<LintFinding> unknown_crm_uses(const std::string& source) {
  const auto& names = crm_function_names();
  std::string code = code_only(source);
  std::vector<LintFinding> found;
  int line = 1;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if (code[i] == '\n') ++line;
    if (code.compare(i, 3, "crm") != 0 ||
        (i > 0 && (is_ident(code[i - 1], false) || code[i - 1] == '.' || code[i - 1] == ':'))) {
      continue;
    }
    std::size_t j = i + 3;
    if (j < code.size() && is_ident(code[j], false)) continue;  // crmx: another name
    std::string chain;
    while (j < code.size() && code[j] == '.' && j + 1 < code.size() &&
           is_ident(code[j + 1], true)) {
      std::size_t k = j + 1;
      while (k < code.size() && is_ident(code[k], false)) ++k;
      chain += (chain.empty() ? "" : ".") + code.substr(j + 1, k - j - 1);
      j = k;
    }
    i = j - 1;
    if (chain.empty()) continue;
    bool ok = false;
    for (const std::string& n : names) {
      ok = ok || chain == n || chain.rfind(n + ".", 0) == 0 || n.rfind(chain + ".", 0) == 0;
    }
    if (ok) continue;
    std::string best;
    std::size_t best_d = 4;
    for (const std::string& n : names) {
      std::size_t d = edit_distance(chain, n);
      if (d < best_d) best_d = d, best = n;
    }
    found.push_back({line, "unknown crm function crm." + chain +
                               (best.empty() ? "" : " (did you mean crm." + best + "?)")});
  }
  return found;
}

int line_of(const std::string& source, const std::string& needle) {
  std::size_t at = source.find(needle);
  if (at == std::string::npos) return 0;
  return 1 + static_cast<int>(std::count(source.begin(), source.begin() + at, '\n'));
}

}  // namespace

std::string handler_label(const HandlerSpec& h) {
  switch (h.kind) {
    case HandlerKind::kOn:
      return "on " + h.pattern;
    case HandlerKind::kEvery:
      return "every " + h.pattern;
    case HandlerKind::kBefore:
      return "before " + h.pattern;
  }
  return h.pattern;
}

LintResult lint_workflow(WorkflowEngine& engine, WorkflowDef& def) {
  LintResult result;
  try {
    def.handlers.clear();
    engine.inspect(def);
  } catch (const std::exception& e) {
    // "<name>.lua:<line>: message\nstack traceback: ...": the first line, and its line number.
    std::string what = e.what();
    std::string first = what.substr(0, what.find('\n'));
    std::smatch m;
    static const std::regex at(R"(\.lua:(\d+): (.*))");
    if (std::regex_search(first, m, at)) {
      result.problems.push_back({std::stoi(m[1].str()), m[2].str()});
    } else {
      result.problems.push_back({0, first});
    }
    return result;
  }
  result.loads = true;
  result.problems = unknown_crm_uses(def.source);
  bool schedules = def.source.find("crm.later") != std::string::npos;
  for (const HandlerSpec& h : def.handlers) {
    if (h.kind != HandlerKind::kOn) continue;
    int line = line_of(def.source, "\"" + h.pattern + "\"");
    if (line == 0) line = line_of(def.source, "'" + h.pattern + "'");
    bool event_like = h.pattern == "*" || h.pattern.find('.') != std::string::npos;
    if (event_like && !pattern_matches_known_event(h.pattern)) {
      result.problems.push_back(
          {line, "on(\"" + h.pattern + "\"): no event of that type exists (see docs/events.md)"});
    } else if (!event_like && !schedules) {
      result.problems.push_back({line, "on(\"" + h.pattern +
                                           "\") is a timer handler, but nothing in this file "
                                           "calls crm.later to schedule it"});
    }
  }
  std::stable_sort(result.problems.begin(), result.problems.end(),
                   [](const LintFinding& a, const LintFinding& b) { return a.line < b.line; });
  return result;
}

}  // namespace sb::wf
