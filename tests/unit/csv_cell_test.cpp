// CSV cells: quoting, the formula guard, and its inverse (what makes export -> import exact).
#include <gtest/gtest.h>

#include "model/csv_cell.h"

namespace sb {
namespace {

std::string cell(std::string_view v, char delimiter = ',') {
  std::string out;
  append_csv_cell(out, v, delimiter);
  return out;
}

TEST(CsvCell, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(cell("plain"), "plain");
  EXPECT_EQ(cell(""), "");
  EXPECT_EQ(cell("a,b"), "\"a,b\"");
  EXPECT_EQ(cell("a;b"), "a;b");
  EXPECT_EQ(cell("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(cell("two\nlines"), "\"two\nlines\"");
}

TEST(CsvCell, NeutralisesFormulaStarts) {
  for (std::string_view v : {"=1+2", "+1555", "-3", "@SUM(A1)", "\tx", "\rx"}) {
    EXPECT_EQ(cell(v)[0] == '"' ? cell(v)[1] : cell(v)[0], '\'') << v;
  }
  EXPECT_EQ(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(cell("a=b"), "a=b");
  EXPECT_EQ(cell("'quoted"), "'quoted");
  EXPECT_EQ(cell("'=x"), "''=x");  // looks guarded already: guarded again, so import is exact
}

TEST(CsvCell, StripIsTheExactInverse) {
  for (std::string_view v : {"=1", "'=1", "''=1", "'", "'a", "-", "+", "@", "x", "", "'\t"}) {
    std::string written;
    append_csv_cell(written, v, '|');  // no quoting needed: compare the cell text itself
    EXPECT_EQ(strip_formula_guard(written), v) << v;
  }
}

}  // namespace
}  // namespace sb
