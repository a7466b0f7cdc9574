// Migration 006 gives teams that existed before it the defaults a new team gets: the
// "Sales" pipeline with its six stages and the "Standard" SLA policy.
#include "model/clock.h"
#include "store_fixture.h"

namespace sb::test {
namespace {

class CrmMigrationTest : public StoreTest {};

TEST_P(CrmMigrationTest, ExistingTeamsGetTheDefaults) {
  std::string backend(backend_name(db_->backend()));
  auto all = load_migrations(backend, embedded_migrations());
  std::vector<Migration> before_crm;
  for (const auto& m : all) {
    if (m.version < 6) before_crm.push_back(m);
  }
  ASSERT_EQ(before_crm.size(), 5u);
  migrate(*db_, before_crm);
  db_->write([&](soci::session& s) {
    long long now = now_ms();
    s << "INSERT INTO teams (name, created_at) VALUES ('Old team', :n)", soci::use(now);
  });
  MigrationReport report = migrate(*db_, all);
  EXPECT_GE(report.current_version, 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM pipelines WHERE is_default = 1"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM pipeline_stages"), 6);
  EXPECT_EQ(count("SELECT COUNT(*) FROM pipeline_stages WHERE is_won = 1 AND name = 'Won'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sla_policies WHERE is_default = 1"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM pipeline_stages s JOIN pipelines p ON p.team_id = "
                  "s.team_id AND p.id = s.pipeline_id"),
            6);
}

SB_INSTANTIATE_BACKENDS(CrmMigrationTest);

}  // namespace
}  // namespace sb::test
