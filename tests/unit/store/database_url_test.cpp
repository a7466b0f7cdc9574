// SB_DATABASE_URL parsing.
#include "store/database_url.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace sb {
namespace {

TEST(DatabaseUrl, ParsesSqlite) {
  auto u = parse_database_url("sqlite:./data/x.db", 7);
  EXPECT_EQ(u.backend, Backend::kSqlite);
  EXPECT_EQ(u.sqlite_path, "./data/x.db");
  EXPECT_EQ(u.connect_string, "db=./data/x.db timeout=7");
}

TEST(DatabaseUrl, ParsesPostgresAndMasksThePassword) {
  auto u = parse_database_url("postgresql://sb:s3cret@db.local:5433/crm");
  EXPECT_EQ(u.backend, Backend::kPostgresql);
  EXPECT_EQ(u.display, "postgresql://sb:***@db.local:5433/crm");
  EXPECT_NE(u.connect_string.find("connect_timeout=5"), std::string::npos);
  auto v = parse_database_url("postgres://h/db?connect_timeout=1");
  EXPECT_EQ(v.connect_string.find("connect_timeout=5"), std::string::npos);
  EXPECT_NE(v.connect_string.find("&application_name=switchboard"), std::string::npos);
}

TEST(DatabaseUrl, RejectsWhatItCannotServe) {
  for (const char* bad : {"", "mysql://x/y", "sqlite:", "sqlite::memory:", "sqlite:/a b.db",
                          "postgresql://h/db name"}) {
    try {
      parse_database_url(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kConfigInvalid);
    }
  }
}

}  // namespace
}  // namespace sb
