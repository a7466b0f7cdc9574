// Recipient moves are claims: once a recipient is sent (or being sent by SMS), no other
// sender's move applies, so two processes holding one campaign never both send.
#include "store/campaign_store.h"

#include "store/store_fixture.h"

namespace sb::test {
namespace {

class CampaignStoreTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    migrated().write([](soci::session& s) {
      for (int contact : {1, 2, 3}) {
        s << "INSERT INTO campaign_recipients (team_id, campaign_id, contact_id, status) VALUES "
             "(1, 7, :c, 'pending')",
            soci::use(contact);
      }
    });
  }
  std::vector<bool> move(const std::vector<RecipientMove>& moves) {
    return db_->write([&](soci::session& s) {
      return CampaignStore(db_->dialect()).move(s, CampaignRef{1, 7}, moves, 1000);
    });
  }
  std::string status(int contact) {
    return db_->read([&](soci::session& s) {
      std::string st;
      s << "SELECT status FROM campaign_recipients WHERE campaign_id = 7 AND contact_id = :c",
          soci::use(contact), soci::into(st);
      return st;
    });
  }
};

TEST_P(CampaignStoreTest, ASentRecipientIsClaimedOnce) {
  // Two senders commit "sent" for contact 1 in turn: the second learns it lost.
  EXPECT_EQ(move({{1, "sent", "", 0, true}, {2, "pending", "451 later", 5000, true}}),
            (std::vector<bool>{true, true}));
  EXPECT_EQ(move({{1, "sent", "", 0, true}, {3, "sent", "", 0, true}}),
            (std::vector<bool>{false, true}));
  // A late failure report from the losing sender does not undo the send either.
  EXPECT_EQ(move({{1, "failed", "timeout", 0, true}}), (std::vector<bool>{false}));
  EXPECT_EQ(status(1), "sent");
  EXPECT_EQ(count("SELECT attempts FROM campaign_recipients WHERE contact_id = 1"), 1);
}

TEST_P(CampaignStoreTest, OnlyOneSenderMovesARecipientToSending) {
  EXPECT_EQ(move({{2, "sending", "", 0, true}}), (std::vector<bool>{true}));
  EXPECT_EQ(move({{2, "sending", "", 0, true}}), (std::vector<bool>{false}));
  EXPECT_EQ(move({{2, "sent", "", 0, false}}), (std::vector<bool>{true}))
      << "the sender that claimed it records the outcome";
  EXPECT_EQ(status(2), "sent");
}

SB_INSTANTIATE_BACKENDS(CampaignStoreTest);

}  // namespace
}  // namespace sb::test
