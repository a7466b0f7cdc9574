// CSV cell writing and the formula guard (OWASP "CSV injection").
#include "model/csv_cell.h"

namespace sb {
namespace {

bool formula_start(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

// A cell that starts like a formula, after any apostrophes: guarding those that already
// look guarded too keeps strip_formula_guard the exact inverse.
bool needs_guard(std::string_view v) {
  std::size_t i = v.find_first_not_of('\'');
  return i != std::string_view::npos && formula_start(v[i]);
}

}  // namespace

void append_csv_cell(std::string& out, std::string_view value, char delimiter) {
  const bool guard = needs_guard(value);
  const bool quote =
      value.find_first_of(std::string{'"', '\r', '\n', delimiter}) != std::string_view::npos;
  if (quote) out.push_back('"');
  if (guard) out.push_back('\'');
  for (char c : value) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  if (quote) out.push_back('"');
}

std::string_view strip_formula_guard(std::string_view cell) {
  if (cell.size() > 1 && cell[0] == '\'' && needs_guard(cell.substr(1))) return cell.substr(1);
  return cell;
}

}  // namespace sb
