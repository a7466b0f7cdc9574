// Cursor round trip and parameter validation.
#include "http/pagination.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace sb {
namespace {

Request with_query(std::vector<std::pair<std::string, std::string>> q) {
  Request r;
  r.query = std::move(q);
  return r;
}

TEST(Pagination, CursorRoundTrips) {
  PageRequest p = read_page_request(with_query({{"cursor", encode_cursor(12345)}, {"limit", "7"}}));
  EXPECT_EQ(p.after_id, 12345);
  EXPECT_EQ(p.limit, 7);
  EXPECT_EQ(read_page_request(with_query({})).limit, 50);
}

TEST(Pagination, RejectsBadLimitsAndForgedCursors) {
  for (const char* bad : {"0", "201", "-1", "ten", "5x", ""}) {
    EXPECT_THROW(read_page_request(with_query({{"limit", bad}})), Error) << bad;
  }
  for (const char* bad : {"", "!!!", "aWQ6LTE", "eHl6", "' OR 1=1 --"}) {
    EXPECT_THROW(read_page_request(with_query({{"cursor", bad}})), Error) << bad;
  }
}

TEST(Pagination, EnvelopeHasDataAndNullCursorOnLastPage) {
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  EXPECT_EQ(page_response(items, std::nullopt).body, "{\"data\":[],\"next_cursor\":null}");
}

}  // namespace
}  // namespace sb
