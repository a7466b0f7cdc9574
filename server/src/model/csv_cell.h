// CSV cells as RFC 4180 writes them, made safe for spreadsheets: a cell a spreadsheet would
// run as a formula (= + - @, tab, CR first) gets a leading apostrophe. Import removes that
// one apostrophe again, so an export re-imports unchanged.
#pragma once

#include <string>
#include <string_view>

namespace sb {

// Appends `value` as one cell (neutralised, quoted when it holds , " CR or LF).
void append_csv_cell(std::string& out, std::string_view value, char delimiter = ',');
// The cell as written before neutralisation: drops the apostrophe append_csv_cell added.
std::string_view strip_formula_guard(std::string_view cell);

}  // namespace sb
