// The contact list over HTTP on both backends: every filter kind, search, sort, cursor
// pagination under inserts, and hostile filter input.
#include <Poco/URI.h>

#include "api_fixture.h"

namespace sb::test {
namespace {

class ContactListTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    client().post("/v1/custom-fields",
                  R"({"key":"plan","label":"Plan","type":"select","options":["free","pro"]})");
    client().post("/v1/custom-fields", R"({"key":"seats","label":"Seats","type":"number"})");
    client().post("/v1/custom-fields",
                  R"({"key":"langs","label":"Langs","type":"multiselect","options":["en","vi"]})");
    client().post("/v1/custom-fields", R"({"key":"vip","label":"VIP","type":"boolean"})");
    seed(
        R"({"name":"Ann","email":"ann@a.io","platform":"web","tags":["vip","lead"],"status":"qualified","score":90,
      "metadata":{"utm":"fb"},"custom_fields":{"plan":"pro","seats":25,"langs":["en","vi"],"vip":true},
      "last_active":"2026-03-01T10:00:00Z","purchase_intent":"ready_to_buy"})");
    seed(
        R"({"name":"Bob","email":"bob@b.io","platform":"zalo","tags":["lead"],"score":10,"phone":"+84901111111",
      "metadata":{"utm":"google"},"custom_fields":{"plan":"free","seats":2,"langs":["vi"],"vip":false},
      "last_active":"2026-01-15T00:00:00Z","purchase_intent":"browsing"})");
    seed(
        R"({"name":"Chloé 100%_off","platform":"whatsapp","external_id":"wa-3","tags":[],"score":50,
      "last_active":"2026-02-01T00:00:00Z","needs":"wants a demo"})");
    seed(
        R"({"name":"dave","email":"dave@d.io","platform":"web","tags":["vip"],"score":50,"owner_id":)" +
        std::to_string(owner_ = user("owner")) + R"(,
      "last_active":"2026-02-20T00:00:00Z"})");
  }
  void seed(const std::string& body) {
    auto r = client().post("/v1/contacts", body);
    ASSERT_EQ(r.status, 201) << r.body;
    names_[r.json()->getValue<long long>("id")] = r.json()->getValue<std::string>("name");
  }
  // The sorted names of a page of contacts.
  static std::vector<std::string> sorted_names(const HttpResult& r) {
    std::vector<std::string> out;
    auto data = r.json()->getArray("data");
    for (std::size_t i = 0; data && i < data->size(); ++i)
      out.push_back(data->getObject(i)->getValue<std::string>("name"));
    std::sort(out.begin(), out.end());
    return out;
  }
  // Names matching a query string.
  std::vector<std::string> names(const std::string& query) {
    auto r = client().get("/v1/contacts?limit=200&" + query);
    EXPECT_EQ(r.status, 200) << query << " -> " << r.body;
    return sorted_names(r);
  }
  // Names matching a JSON filter.
  std::vector<std::string> search(const std::string& filter_json) {
    auto r = client().post("/v1/contacts/search", "{\"filter\":" + filter_json + ",\"limit\":200}");
    EXPECT_EQ(r.status, 200) << filter_json << " -> " << r.body;
    return sorted_names(r);
  }
  static std::string enc(const std::string& s) {
    std::string out;
    Poco::URI::encode(s, "&=+#%?/ ", out);
    return out;
  }
  std::map<long long, std::string> names_;
  long long owner_ = 0;
  using V = std::vector<std::string>;
};

TEST_P(ContactListTest, QueryStringFiltersOfEveryKind) {
  EXPECT_EQ(names("status=qualified"), (V{"Ann"}));
  EXPECT_EQ(names("status.ne=qualified"), (V{"Bob", "Chloé 100%_off", "dave"}));
  EXPECT_EQ(names("platform.in=web,zalo"), (V{"Ann", "Bob", "dave"}));
  EXPECT_EQ(names("purchase_intent.exists=false"), (V{"Chloé 100%_off", "dave"}));
  EXPECT_EQ(names("tags.any=vip"), (V{"Ann", "dave"}));
  EXPECT_EQ(names("tags.all=vip,lead"), (V{"Ann"}));
  EXPECT_EQ(names("tags.none=vip"), (V{"Bob", "Chloé 100%_off"}));
  EXPECT_EQ(names("tags.exists=false"), (V{"Chloé 100%_off"}));
  EXPECT_EQ(names("tags.any=VIP"), (V{"Ann", "dave"})) << "tags are case-insensitive";
  EXPECT_EQ(names("owner_id=" + std::to_string(owner_)), (V{"dave"}));
  EXPECT_EQ(names("score.gte=50"), (V{"Ann", "Chloé 100%_off", "dave"}));
  EXPECT_EQ(names("score.gt=50&score.lt=100"), (V{"Ann"}));
  EXPECT_EQ(names("last_active.gte=2026-02-01T00:00:00Z&last_active.lt=2026-03-01"),
            (V{"Chloé 100%_off", "dave"}));
  EXPECT_EQ(names("email=ANN@A.IO"), (V{"Ann"})) << "emails compare normalised";
  EXPECT_EQ(names("phone=0084901111111"), (V{"Bob"}));
  EXPECT_EQ(names("external_id=wa-3"), (V{"Chloé 100%_off"}));
  EXPECT_EQ(names("name.starts_with=D"), (V{"dave"}));
  EXPECT_EQ(names("needs.contains=DEMO"), (V{"Chloé 100%_off"}));
  EXPECT_EQ(names("metadata.utm=fb"), (V{"Ann"}));
  EXPECT_EQ(names("metadata.utm.exists=true"), (V{"Ann", "Bob"}));
  EXPECT_EQ(names("custom.plan=pro"), (V{"Ann"}));
  EXPECT_EQ(names("custom.plan.in=pro,free"), (V{"Ann", "Bob"}));
  EXPECT_EQ(names("custom.seats.gt=5"), (V{"Ann"}));
  EXPECT_EQ(names("custom.langs.any=vi"), (V{"Ann", "Bob"}));
  EXPECT_EQ(names("custom.langs.all=en,vi"), (V{"Ann"}));
  EXPECT_EQ(names("custom.vip=true"), (V{"Ann"}));
  EXPECT_EQ(names("custom.vip=false"), (V{"Bob"}));
  EXPECT_EQ(names("custom.plan.exists=false"), (V{"Chloé 100%_off", "dave"}));
  EXPECT_EQ(names("q=b.io"), (V{"Bob"}));
  EXPECT_EQ(names("q=GOOGLE"), (V{"Bob"})) << "q covers metadata values";
  EXPECT_EQ(names("q=" + enc("100%_")), (V{"Chloé 100%_off"})) << "% and _ are literal";
  EXPECT_EQ(names("q=" + enc("%")), (V{"Chloé 100%_off"}));
  EXPECT_EQ(names("tags.any=vip&platform=web&score.lt=60"), (V{"dave"}));
}

TEST_P(ContactListTest, JsonFiltersNestAllAnyNot) {
  EXPECT_EQ(
      search(
          R"({"any":[{"field":"platform","op":"eq","value":"zalo"},{"field":"score","op":"gte","value":90}]})"),
      (V{"Ann", "Bob"}));
  EXPECT_EQ(search(R"({"not":{"field":"tags","op":"any","value":["vip"]}})"),
            (V{"Bob", "Chloé 100%_off"}));
  EXPECT_EQ(
      search(
          R"({"all":[{"field":"tags","op":"any","value":["vip"]},{"not":{"field":"email","op":"exists","value":false}}]})"),
      (V{"Ann", "dave"}));
  EXPECT_EQ(search(R"({"all":[]})").size(), 4u);
  EXPECT_EQ(names("filter=" + enc(R"({"field":"status","op":"in","value":["qualified","new"]})") +
                  "&platform=web"),
            (V{"Ann", "dave"}));
}

TEST_P(ContactListTest, HostileOrWrongFiltersAre400AndChangeNothing) {
  std::string deep = R"({"field":"status","op":"eq","value":"new"})";
  for (int i = 0; i < 12; ++i) deep = "{\"not\":" + deep + "}";
  EXPECT_EQ(names("status=" + enc("' OR 1=1 --")), V{});
  EXPECT_EQ(names("name=" + enc("x\"; DROP TABLE contacts; --")), V{});
  EXPECT_EQ(names("metadata." + enc("utm') OR 1=1 --") + "=x"), V{});
  struct Bad {
    std::string query;
    const char* code;
  } bad[] = {
      {"nosuch=1", "invalid_filter"},
      {"status.like=x", "invalid_filter"},
      {"tags.gt=1", "invalid_filter"},
      {"score.gt=lots", "invalid_filter"},
      {"created_at.gt=yesterday", "invalid_filter"},
      {"custom.nope=1", "invalid_filter"},
      {"custom.seats.contains=2", "invalid_filter"},
      {"metadata." + enc("$.a") + "=1", "invalid_filter"},
      {"filter=" + enc("{not json"), "invalid_filter"},
      {"filter=" + enc(R"({"field":"status","op":"eq"})"), "invalid_filter"},
      {"filter=" + enc(R"({"field":"status","op":"eq","value":"x","extra":1})"), "invalid_filter"},
      {"filter=" + enc(deep), "invalid_filter"},
      {"sort=email", "validation_failed"},
      {"limit=1000", "validation_failed"},
      {"cursor=" + enc("not-a-cursor"), "validation_failed"},
  };
  for (const auto& b : bad) {
    auto r = client().get("/v1/contacts?" + b.query);
    EXPECT_EQ(r.error_code(), b.code) << b.query << " -> " << r.body;
    EXPECT_TRUE(r.status == 400 || r.status == 422) << b.query;
  }
  EXPECT_EQ(names("").size(), 4u);
}

TEST_P(ContactListTest, SortAndCursorStayStableUnderInserts) {
  auto page = [&](const std::string& q) { return client().get("/v1/contacts?" + q); };
  auto first = page("sort=-score&limit=2");
  auto data = first.json()->getArray("data");
  ASSERT_EQ(data->size(), 2u);
  EXPECT_EQ(data->getObject(0)->getValue<std::string>("name"), "Ann");
  std::string cursor = first.json()->getValue<std::string>("next_cursor");
  // New contacts arrive between pages: they must neither repeat nor shift what follows.
  seed(R"({"name":"Eve","score":95})");
  seed(R"({"name":"Fay","score":1})");
  auto second = page("sort=-score&limit=10&cursor=" + cursor);
  std::vector<std::string> rest;
  auto d2 = second.json()->getArray("data");
  for (std::size_t i = 0; i < d2->size(); ++i)
    rest.push_back(d2->getObject(i)->getValue<std::string>("name"));
  std::vector<std::string> seen = {data->getObject(0)->getValue<std::string>("name"),
                                   data->getObject(1)->getValue<std::string>("name")};
  EXPECT_EQ(std::find(rest.begin(), rest.end(), "Eve"), rest.end()) << "inserted before the cursor";
  EXPECT_NE(std::find(rest.begin(), rest.end(), "Fay"), rest.end());
  for (const auto& s : seen)
    EXPECT_EQ(std::find(rest.begin(), rest.end(), s), rest.end()) << s << " repeated";
  EXPECT_EQ(seen.size() + rest.size(), 5u);  // 4 seeded + Fay

  std::vector<std::string> by_name;
  std::string q = "sort=name&limit=1";
  for (int i = 0; i < 10; ++i) {
    auto r = page(q);
    auto d = r.json()->getArray("data");
    if (d->size() == 0) break;
    by_name.push_back(d->getObject(0)->getValue<std::string>("name"));
    if (r.json()->isNull("next_cursor")) break;
    q = "sort=name&limit=1&cursor=" + r.json()->getValue<std::string>("next_cursor");
  }
  EXPECT_EQ(by_name.size(), 6u);
  EXPECT_TRUE(std::is_sorted(by_name.begin(), by_name.end())) << "name order, page by page";
  EXPECT_EQ(page("sort=name&cursor=" + first.json()->getValue<std::string>("next_cursor")).status,
            422)
      << "a cursor belongs to its sort order";
}

TEST_P(ContactListTest, StatsAndDuplicates) {
  seed(R"({"name":"ANN ","phone":"+84901111111"})");
  auto st = client().get("/v1/contacts/stats").json();
  EXPECT_EQ(st->getValue<int>("total"), 5);
  EXPECT_EQ(st->getValue<int>("new_this_month"), 5);
  EXPECT_EQ(st->getObject("by_platform")->getValue<int>("web"), 2);
  EXPECT_EQ(st->getObject("by_intent")->getValue<int>("none"), 3);
  EXPECT_EQ(st->getObject("by_status")->getValue<int>("new"), 4);
  // The counts follow the list's filters: the same parameters, the same contacts.
  const std::vector<std::string> queries = {
      "platform=web", "status.nin=new", "q=ann",
      "filter=%7B%22field%22%3A%22platform%22%2C%22op%22%3A%22eq%22%2C%22value%22%3A%22web%22%7D"};
  for (const std::string& query : queries) {
    auto filtered = client().get("/v1/contacts/stats?" + query);
    ASSERT_EQ(filtered.status, 200) << query << " " << filtered.body;
    auto listed = client().get("/v1/contacts?limit=200&" + query).json()->getArray("data");
    EXPECT_EQ(filtered.json()->getValue<std::size_t>("total"), listed->size()) << query;
    auto by_platform = filtered.json()->getObject("by_platform");
    std::size_t sum = 0;
    for (const auto& [k, v] : *by_platform) sum += v.convert<std::size_t>();
    EXPECT_EQ(sum, listed->size()) << query;
  }
  EXPECT_EQ(client().get("/v1/contacts/stats?platform=web").json()->getValue<int>("total"), 2);
  EXPECT_EQ(client().get("/v1/contacts/stats?limit=5").status, 422);
  EXPECT_EQ(client().get("/v1/contacts/stats?nonsense=1").status, 400);
  auto dups = client().get("/v1/contacts/duplicates").json()->getArray("data");
  std::set<std::string> reasons;
  for (std::size_t i = 0; i < dups->size(); ++i)
    reasons.insert(dups->getObject(i)->getValue<std::string>("reason"));
  EXPECT_EQ(reasons, (std::set<std::string>{"phone", "name"}));
}

SB_INSTANTIATE_BACKENDS(ContactListTest);

}  // namespace
}  // namespace sb::test
