// Migration file splitting: statements end at ';' outside quotes, comments and $$ bodies.
#include <gtest/gtest.h>

#include "model/error.h"
#include "store/migrations.h"

namespace sb {
namespace {

TEST(SplitSql, SplitsOnSemicolonsOutsideQuotesAndComments) {
  auto parts = split_sql_statements(
      "-- header; comment\nCREATE TABLE a (x TEXT DEFAULT 'a;b');\n"
      "/* block; */ INSERT INTO a VALUES ('it''s;');\n"
      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n  \n");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_NE(parts[0].find("'a;b'"), std::string::npos);
  EXPECT_NE(parts[1].find("'it''s;'"), std::string::npos);
  EXPECT_NE(parts[2].find("SELECT 1; $body$"), std::string::npos);
}

TEST(SplitSql, KeepsATriggerBodyInOneStatement) {
  auto parts = split_sql_statements(
      "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  INSERT INTO b VALUES (1);\n"
      "  INSERT INTO c VALUES (2);\nEND;\nCREATE INDEX backend ON a (x);");
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_NE(parts[0].find("VALUES (2);\nEND"), std::string::npos);
  EXPECT_NE(parts[1].find("CREATE INDEX backend"), std::string::npos);
}

TEST(SplitSql, DropsCommentOnlyStatements) {
  EXPECT_TRUE(split_sql_statements("-- nothing\n;  ;\n/* x */").empty());
}

TEST(Migrations, LoadsSortsAndChecksumsPerBackend) {
  std::vector<EmbeddedFile> files = {
      {"sqlite/002_b.sql", "B"}, {"sqlite/001_a.sql", "A"}, {"postgresql/001_a.sql", "PG"}};
  auto list = load_migrations("sqlite", files);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "001_a.sql");
  EXPECT_EQ(list[1].version, 2);
  EXPECT_EQ(list[0].checksum, sha256_hex("A"));
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Migrations, RefusesBadNamesAndDuplicateVersions) {
  std::vector<EmbeddedFile> bad_name = {{"sqlite/first.sql", "A"}};
  EXPECT_THROW(load_migrations("sqlite", bad_name), Error);
  std::vector<EmbeddedFile> dup = {{"sqlite/001_a.sql", "A"}, {"sqlite/001_b.sql", "B"}};
  EXPECT_THROW(load_migrations("sqlite", dup), Error);
}

TEST(Migrations, EmbeddedSetsCoverTheSameVersionsOnBothBackends) {
  auto lite = load_migrations("sqlite", embedded_migrations());
  auto pg = load_migrations("postgresql", embedded_migrations());
  ASSERT_FALSE(lite.empty());
  ASSERT_EQ(lite.size(), pg.size());
  for (std::size_t i = 0; i < lite.size(); ++i) EXPECT_EQ(lite[i].name, pg[i].name);
}

}  // namespace
}  // namespace sb
