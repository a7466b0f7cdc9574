// A COMMIT whose answer is lost: PostgreSQL has (or has not) committed, and the client only
// sees its connection die. A proxy between the pool and the server cuts it exactly there.
// write_resolved() must tell the two apart; the campaign sender and once() rely on it to
// write an SMTP dot exactly when "sent" committed (a lost campaign email in the chaos
// suite came from treating such a commit as failed).
#include <memory>

#include "campaigns/group_commit.h"
#include "events/subscriber.h"
#include "model/error.h"
#include "store/event_queue_store.h"
#include "store/migrations.h"
#include "store/team_store.h"
#include "support/tcp_proxy.h"
#include "support/test_backend.h"

namespace sb::test {
namespace {

using Cut = TcpProxy::Cut;

class CommitOutcomeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DatabaseOptions direct = fresh_database(
        TestBackend::kPg, ::testing::UnitTest::GetInstance()->current_test_info()->name());
    direct_ = std::make_unique<Database>(direct);
    migrate(*direct_);
    direct_->write([](soci::session& s) { s << "CREATE TABLE probe (n INTEGER NOT NULL)"; });
    // postgresql://user@127.0.0.1:PORT/db -> the same through the proxy
    const std::string& url = direct.url;
    std::size_t colon = url.rfind(':'), slash = url.find('/', colon);
    proxy_ = std::make_unique<TcpProxy>(std::stoi(url.substr(colon + 1, slash - colon - 1)));
    DatabaseOptions via = direct;
    via.url = url.substr(0, colon + 1) + std::to_string(proxy_->port()) + url.substr(slash);
    via.pool_size = 2;
    via.commit_resolve_timeout = std::chrono::milliseconds(400);
    db_ = std::make_unique<Database>(via);
  }
  long long probes() {
    return direct_->read([](soci::session& s) {
      long long n = 0;
      s << "SELECT count(*) FROM probe", soci::into(n);
      return n;
    });
  }
  static void insert(soci::session& s) { s << "INSERT INTO probe (n) VALUES (1)"; }

  std::unique_ptr<Database> direct_;  // the truth, bypassing the proxy
  std::unique_ptr<TcpProxy> proxy_;
  std::unique_ptr<Database> db_;
};

TEST_F(CommitOutcomeTest, APlainWriteCallsACommittedTransactionUnavailable) {
  // Why write_resolved exists: without the look-up, a committed write reads as failed.
  proxy_->arm(Cut::kAnswerLost);
  try {
    db_->write(insert);
    ADD_FAILURE() << "the commit's answer was lost, yet write() returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
  }
  EXPECT_TRUE(proxy_->fired());
  EXPECT_EQ(probes(), 1) << "the server committed";
}

TEST_F(CommitOutcomeTest, WriteResolvedReturnsWhenTheLostCommitCommitted) {
  proxy_->arm(Cut::kAnswerLost);
  int result = db_->write_resolved([](soci::session& s) {
    insert(s);
    return 7;
  });
  EXPECT_TRUE(proxy_->fired());
  EXPECT_EQ(result, 7);
  EXPECT_EQ(probes(), 1);
  EXPECT_NO_THROW(db_->write(insert)) << "the pool recovered";
  EXPECT_EQ(probes(), 2);
}

TEST_F(CommitOutcomeTest, WriteResolvedThrowsWhenTheCommitNeverArrived) {
  proxy_->arm(Cut::kBeforeForwarding);
  try {
    db_->write_resolved(insert);
    ADD_FAILURE() << "nothing committed, yet write_resolved() returned";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_FALSE(commit_outcome_unknown(e)) << "the server answered: not committed";
  }
  EXPECT_TRUE(proxy_->fired());
  EXPECT_EQ(probes(), 0);
}

TEST_F(CommitOutcomeTest, AnOutcomeThatCannotBeLookedUpIsReportedAsUnknown) {
  proxy_->arm(Cut::kAnswerLost);
  proxy_->refuse_new(true);  // the database stays unreachable past the look-up's time
  try {
    db_->write_resolved(insert);
    ADD_FAILURE() << "write_resolved() returned without knowing";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable);
    EXPECT_TRUE(commit_outcome_unknown(e)) << e.internal();
    EXPECT_NE(e.internal().find("could not be looked up"), std::string::npos) << e.internal();
  }
  EXPECT_EQ(probes(), 1);
  proxy_->refuse_new(false);
  EXPECT_NO_THROW(db_->write(insert));
}

TEST_F(CommitOutcomeTest, WriteResolvedReconnectsWhenItsBeginFindsTheConnectionDead) {
  proxy_->arm(Cut::kBeforeForwarding, "BEGIN");  // the pooled connection dies at BEGIN
  EXPECT_NO_THROW(db_->write_resolved(insert));
  EXPECT_TRUE(proxy_->fired());
  EXPECT_EQ(probes(), 1);
}

TEST_F(CommitOutcomeTest, GroupCommitWritesTheDotWhenTheLostCommitCommitted) {
  int dots = 0;
  campaigns::GroupCommit group(*db_, [](soci::session& s, const std::vector<RecipientMove>& m) {
    insert(s);
    return std::vector<bool>(m.size(), true);
  });
  proxy_->arm(Cut::kAnswerLost);
  EXPECT_TRUE(group.commit({1, "sent", "", 0, true}, [&] { ++dots; }));
  EXPECT_TRUE(proxy_->fired());
  EXPECT_EQ(dots, 1) << "committed: the message must be finished";
  proxy_->arm(Cut::kBeforeForwarding);
  EXPECT_THROW(group.commit({2, "sent", "", 0, true}, [&] { ++dots; }), Error);
  EXPECT_EQ(dots, 1) << "not committed: no dot, the recipient stays pending";
  EXPECT_EQ(probes(), 1);
}

TEST_F(CommitOutcomeTest, OnceCountsAnEffectAsDoneOnlyWhenItCommitted) {
  std::int64_t team = provision_team(*direct_, "T", std::nullopt, false)->team.id;
  StoredEvent event;
  event.team_id = team;
  event.id = 1;
  DeliveryContext ctx(*db_, event, "mailer");
  proxy_->arm(Cut::kAnswerLost);
  EXPECT_TRUE(ctx.once("1/welcome", insert)) << "its commit happened: the sender goes on";
  EXPECT_FALSE(ctx.once("1/welcome", insert)) << "and a redelivery finds it done";
  proxy_->arm(Cut::kBeforeForwarding);
  EXPECT_THROW(ctx.once("1/other", insert), Error);
  EXPECT_TRUE(ctx.once("1/other", insert)) << "not committed: the retry runs it";
  EXPECT_EQ(probes(), 2);
}

}  // namespace
}  // namespace sb::test
