// On PostgreSQL with a million contacts, the lookups chat capture and agents do all the
// time (email, phone, external id) and the default list order are answered from indexes:
// the plan of the exact query the list runs has no sequential scan of contacts.
#include "model/contact_filter.h"
#include "store/contact_store.h"
#include "store/team_store.h"
#include "store_fixture.h"

namespace sb::test {
namespace {

class ContactIndexTest : public StoreTest {};

TEST_P(ContactIndexTest, LookupsStayIndexBackedAtOneMillionContacts) {
  migrated();
  provision_team(*db_, "A", std::nullopt, false);
  provision_team(*db_, "B", std::nullopt, false);
  db_->write([](soci::session& s) {
    s << "SET LOCAL statement_timeout = 0";  // a million rows can outlast the 30 s guard on a busy
                                             // box
    s << "INSERT INTO contacts (team_id, source, platform, external_id, name, email, phone, "
         "status, "
         "first_seen, last_active, created_at, updated_at) "
         "SELECT CASE WHEN g % 10 = 0 THEN 2 ELSE 1 END, 'api', 'web', 'ext-' || g, 'Name ' || g, "
         "'user' || g || '@example.com', '+8490' || lpad(CAST(g AS TEXT), 7, '0'), 'new', g, g, g, "
         "g "
         "FROM generate_series(1, 1000000) AS g";
  });
  db_->read([](soci::session& s) { s << "ANALYZE contacts"; });
  ASSERT_EQ(count("SELECT COUNT(*) FROM contacts"), 1000000);

  ContactStore contacts(db_->dialect());
  struct Case {
    std::string query;
    std::string value;
    std::string index;
  } cases[] = {{"email", "user777@example.com", "contacts_email"},
               {"phone", "+84900000777", "contacts_phone"},
               {"external_id", "ext-777", "contacts_"}};
  for (const auto& c : cases) {
    FilterNode f = parse_filter_query({{c.query, c.value}});
    auto plan = db_->read(
        [&](soci::session& s) { return contacts.explain_list(s, 1, f, ContactSort{}, 50); });
    std::string text;
    for (const auto& line : plan) text += line + "\n";
    EXPECT_EQ(text.find("Seq Scan on contacts"), std::string::npos) << c.query << ":\n" << text;
    EXPECT_NE(text.find(c.index), std::string::npos) << c.query << ":\n" << text;
    auto page = db_->read(
        [&](soci::session& s) { return contacts.list(s, 1, f, ContactSort{}, std::nullopt, 50); });
    ASSERT_EQ(page.contacts.size(), 1u) << c.query;
  }
  FilterNode all;
  auto plan = db_->read(
      [&](soci::session& s) { return contacts.explain_list(s, 1, all, ContactSort{}, 50); });
  std::string text;
  for (const auto& line : plan) text += line + "\n";
  EXPECT_EQ(text.find("Seq Scan on contacts"), std::string::npos) << "newest first:\n" << text;
}

INSTANTIATE_TEST_SUITE_P(pg, ContactIndexTest, ::testing::Values(TestBackend::kPg));

}  // namespace
}  // namespace sb::test
