// API keys, teams and the outbox on both backends.
#include "store/api_key_store.h"
#include "model/error.h"
#include "store/event_queue_store.h"
#include "store/team_store.h"
#include "store_fixture.h"

namespace sb::test {
namespace {

class KeyStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    migrated();
  }
  ProvisionedTeam team(const std::string& name) {
    return *provision_team(*db_, name, std::nullopt, false);
  }
};

TEST_P(KeyStoreTest, IssuedKeyAuthenticatesAndIsStoredOnlyAsHash) {
  ProvisionedTeam t = team("Acme");
  const std::string& secret = t.owner_key.secret;
  EXPECT_EQ(secret.rfind("sb_", 0), 0u);
  EXPECT_EQ(secret.size(), 43u);
  ApiKeyStore keys(db_->dialect());
  auto p = db_->read([&](soci::session& s) { return keys.authenticate(s, secret); });
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->team_id, t.team.id);
  EXPECT_EQ(p->role, Role::kOwner);
  EXPECT_EQ(count("SELECT COUNT(*) FROM api_keys WHERE key_hash = '" + secret + "'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM api_keys WHERE key_hash = '" +
                  ApiKeyStore::hash_secret(secret) + "'"),
            1);
}

TEST_P(KeyStoreTest, RevokedAndUnknownKeysDoNotAuthenticate) {
  ProvisionedTeam t = team("Acme");
  ApiKeyStore keys(db_->dialect());
  bool revoked =
      db_->write([&](soci::session& s) { return keys.revoke(s, t.team.id, t.owner_key.key.id); });
  EXPECT_TRUE(revoked);
  auto again =
      db_->write([&](soci::session& s) { return keys.revoke(s, t.team.id, t.owner_key.key.id); });
  EXPECT_FALSE(again);
  db_->read([&](soci::session& s) {
    EXPECT_FALSE(keys.authenticate(s, t.owner_key.secret).has_value());
    EXPECT_FALSE(keys.authenticate(s, "sb_" + std::string(40, 'x')).has_value());
    EXPECT_FALSE(keys.authenticate(s, "' OR 1=1 --").has_value());
    EXPECT_FALSE(keys.authenticate(s, "").has_value());
  });
}

TEST_P(KeyStoreTest, EveryReadIsScopedByTeam) {
  ProvisionedTeam a = team("A");
  ProvisionedTeam b = team("B");
  ApiKeyStore keys(db_->dialect());
  db_->read([&](soci::session& s) {
    EXPECT_TRUE(keys.get(s, a.team.id, a.owner_key.key.id).has_value());
    EXPECT_FALSE(keys.get(s, a.team.id, b.owner_key.key.id).has_value());
    auto listed = keys.list(s, a.team.id, 0, 100);
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].id, a.owner_key.key.id);
  });
  bool revoked =
      db_->write([&](soci::session& s) { return keys.revoke(s, a.team.id, b.owner_key.key.id); });
  EXPECT_FALSE(revoked);
  auto still =
      db_->read([&](soci::session& s) { return keys.authenticate(s, b.owner_key.secret); });
  EXPECT_TRUE(still.has_value());
}

TEST_P(KeyStoreTest, ListPagesInIdOrder) {
  ProvisionedTeam t = team("Acme");
  ApiKeyStore keys(db_->dialect());
  db_->write([&](soci::session& s) {
    for (int i = 0; i < 4; ++i) keys.issue(s, t.team.id, "k" + std::to_string(i), Role::kAgent);
  });
  auto page1 = db_->read([&](soci::session& s) { return keys.list(s, t.team.id, 0, 3); });
  ASSERT_EQ(page1.size(), 3u);
  auto page2 =
      db_->read([&](soci::session& s) { return keys.list(s, t.team.id, page1.back().id, 3); });
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_LT(page1.back().id, page2.front().id);
}

TEST_P(KeyStoreTest, ReusedSecretIsAConflictAndLeavesNoEvent) {
  ProvisionedTeam t = team("Acme");
  ApiKeyStore keys(db_->dialect());
  long long events_before = count("SELECT COUNT(*) FROM events");
  try {
    db_->write([&](soci::session& s) {
      keys.issue(s, t.team.id, "dup", Role::kAgent, t.owner_key.secret);
    });
    FAIL() << "expected a conflict";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM events"), events_before);
}

TEST_P(KeyStoreTest, ChangeAndEventCommitOrRollBackTogether) {
  ProvisionedTeam t = team("Acme");
  EventQueueStore events(db_->dialect());
  auto recent = db_->read([&](soci::session& s) { return events.list(s, t.team.id, {}, 0, 10); });
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].type, "api_key.created");
  EXPECT_EQ(recent[1].type, "team.created");
  EXPECT_EQ(recent[0].status, "pending");
  EXPECT_NE(recent[0].payload_json.find("\"role\""), std::string::npos);
  EXPECT_EQ(recent[0].payload_json.find(t.owner_key.secret), std::string::npos)
      << "the secret must never reach the outbox";

  ApiKeyStore keys(db_->dialect());
  long long keys_before = count("SELECT COUNT(*) FROM api_keys");
  EXPECT_THROW(db_->write([&](soci::session& s) {
    keys.issue(s, t.team.id, "rolled back", Role::kAgent);
    throw std::runtime_error("caller fails after the write");
  }),
               std::runtime_error);
  EXPECT_EQ(count("SELECT COUNT(*) FROM api_keys"), keys_before);
  EXPECT_EQ(
      db_->read([&](soci::session& s) { return events.list(s, t.team.id, {}, 0, 10); }).size(), 2u);
}

TEST_P(KeyStoreTest, ProvisionIfEmptyHappensOnce) {
  auto first = provision_team(*db_, "First", std::string("sb_bootstrap_key_for_tests_0001"), true);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->owner_key.secret, "sb_bootstrap_key_for_tests_0001");
  EXPECT_FALSE(provision_team(*db_, "Second", std::nullopt, true).has_value());
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams"), 1);
}

TEST_P(KeyStoreTest, HostileStringsAreStoredVerbatim) {
  std::string name = "Robert'); DROP TABLE teams;-- \xc3\xa9";
  ProvisionedTeam t = team(name);
  TeamStore teams(db_->dialect());
  auto back = db_->read([&](soci::session& s) { return teams.get(s, t.team.id); });
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->name, name);
  EXPECT_EQ(count("SELECT COUNT(*) FROM teams"), 1);
}

SB_INSTANTIATE_BACKENDS(KeyStoreTest);

}  // namespace
}  // namespace sb::test
