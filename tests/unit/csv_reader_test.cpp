// The incremental CSV reader: the shapes real files come in, fed in every chunk size, and
// the malformed and hostile ones.
#include <gtest/gtest.h>

#include "model/csv_reader.h"

namespace sb {
namespace {

struct Parsed {
  std::vector<CsvRecord> records;
  char delimiter = 0;
};

// Feeds `text` in chunks of `chunk` bytes (0: whole).
Parsed parse(std::string_view text, std::size_t chunk = 0, CsvLimits limits = {}) {
  Parsed p;
  CsvReader reader([&](CsvRecord& r) { p.records.push_back(r); }, limits);
  if (chunk == 0) chunk = text.size() + 1;
  for (std::size_t i = 0; i < text.size(); i += chunk) reader.feed(text.substr(i, chunk));
  reader.finish();
  p.delimiter = reader.delimiter();
  return p;
}

using Fields = std::vector<std::string>;

TEST(CsvReader, QuotedFieldsNewlinesAndEveryChunkSize) {
  std::string text =
      "\xEF\xBB\xBFname,note,email\r\n"
      "\"Lee, Ann\",\"two\r\nlines and \"\"quotes\"\"\",ann@x.io\r\n"
      "Bob,,bob@x.io\r\n"
      "\r\n"
      "Cy,last";  // no final newline, and ragged: the caller decides
  for (std::size_t chunk : {0, 1, 2, 3, 7, 64}) {
    Parsed p = parse(text, chunk);
    ASSERT_EQ(p.records.size(), 4u) << chunk;
    EXPECT_EQ(p.delimiter, ',');
    EXPECT_EQ(p.records[0].fields, (Fields{"name", "note", "email"})) << chunk;
    EXPECT_EQ(p.records[1].fields, (Fields{"Lee, Ann", "two\r\nlines and \"quotes\"", "ann@x.io"}))
        << chunk;
    EXPECT_EQ(p.records[2].fields, (Fields{"Bob", "", "bob@x.io"}));
    EXPECT_EQ(p.records[3].fields, (Fields{"Cy", "last"}));
    EXPECT_EQ(p.records[1].line, 2u);
    EXPECT_EQ(p.records[2].line, 4u);  // the quoted newline counts
    EXPECT_EQ(p.records[3].line, 6u);  // after the blank line, which is no record
    for (const auto& r : p.records) EXPECT_EQ(r.error, "") << r.line;
  }
}

TEST(CsvReader, DetectsTheDelimiterAndLineEndings) {
  EXPECT_EQ(parse("a;b;c\n1;2;3\n").delimiter, ';');
  EXPECT_EQ(parse("a\tb\n1\t2\n").delimiter, '\t');
  EXPECT_EQ(parse("a|b\n").delimiter, '|');
  EXPECT_EQ(parse("\"x;y\",b\n").delimiter, ',');  // quoted ; does not count
  EXPECT_EQ(parse("single\n").delimiter, ',');
  Parsed cr = parse("a;b\r1;2\r3;4");  // old Mac line ends
  ASSERT_EQ(cr.records.size(), 3u);
  EXPECT_EQ(cr.records[2].fields, (Fields{"3", "4"}));
  Parsed semi = parse("n;v\n\"1,5\";x\n");
  EXPECT_EQ(semi.records[1].fields, (Fields{"1,5", "x"}));
}

TEST(CsvReader, MalformedRowsFailAloneAndTheRestParses) {
  Parsed p = parse("a,b\n\"open,x\n");
  ASSERT_EQ(p.records.size(), 2u);
  EXPECT_NE(p.records[1].error.find("never closed"), std::string::npos) << p.records[1].error;
  EXPECT_EQ(p.records[1].line, 2u);

  p = parse("a,b\n\"x\"y,z\nok,1\n");
  ASSERT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.records[1].error, "text after a closing quote");
  EXPECT_EQ(p.records[1].error_field, 1u);
  EXPECT_EQ(p.records[2].fields, (Fields{"ok", "1"}));

  p = parse("a,b\nok,\xC3\x28\nfine,\xC3\xA9\n");  // a broken 2-byte sequence, then é
  ASSERT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.records[1].error, "invalid UTF-8");
  EXPECT_EQ(p.records[1].error_field, 2u);
  EXPECT_EQ(p.records[2].fields, (Fields{"fine", "\xC3\xA9"}));

  p = parse("a,b\nit\"s,ok\n");  // a stray quote inside an unquoted field is kept
  EXPECT_EQ(p.records[1].fields, (Fields{"it\"s", "ok"}));
}

TEST(CsvReader, BombsHitTheirLimitsInBoundedMemory) {
  CsvLimits limits{.max_fields = 10, .max_field_bytes = 100, .max_record_bytes = 1000};
  std::string wide = "h\n" + std::string(50, ',') + "\nnext\n";
  Parsed p = parse(wide, 7, limits);
  ASSERT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.records[1].error, "the row has more than 10 columns");
  EXPECT_EQ(p.records[2].fields, (Fields{"next"}));

  std::string giant = "h\n\"" + std::string(5000, 'x') + "\nstill inside\"\nafter\n";
  p = parse(giant, 13, limits);
  ASSERT_EQ(p.records.size(), 3u);
  EXPECT_NE(p.records[1].error.find("exceeds"), std::string::npos) << p.records[1].error;
  EXPECT_TRUE(p.records[1].fields.empty() || p.records[1].fields[0].size() <= 100);
  EXPECT_EQ(p.records[2].fields, (Fields{"after"}));

  // A header line with no end at all: decided at the record limit, still bounded.
  std::string endless(5000, 'a');
  p = parse(endless, 100, limits);
  ASSERT_EQ(p.records.size(), 1u);
  EXPECT_FALSE(p.records[0].error.empty());
}

}  // namespace
}  // namespace sb
