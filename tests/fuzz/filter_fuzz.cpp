// The contact filter language in both forms. The JSON form must round-trip: a tree that
// parsed, written back and parsed again, gives the same JSON.
#include <utility>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "model/contact_filter.h"
#include "model/contact_json.h"

namespace {

// "a=b&c.any=d,e" -> pairs, as a query string reaches the list route (already decoded).
std::vector<std::pair<std::string, std::string>> query_pairs(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!q.empty()) {
    std::size_t amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    std::size_t eq = pair.find('=');
    out.emplace_back(std::string(pair.substr(0, eq)),
                     eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace

SB_FUZZ_TARGET(filter) {
  std::string_view input = sb::fuzz::text(data, size);
  try {
    sb::FilterNode tree = sb::parse_filter_json_text(std::string(input));
    std::string once = sb::json_text(*sb::filter_to_json(tree));
    std::string twice = sb::json_text(*sb::filter_to_json(sb::parse_filter_json_text(once)));
    SB_FUZZ_CHECK(once == twice);
  } catch (const sb::Error& e) {
    sb::fuzz::expect_client_error(e);
  }
  try {
    sb::FilterNode tree = sb::parse_filter_query(query_pairs(input));
    sb::filter_to_json(tree);
  } catch (const sb::Error& e) {
    sb::fuzz::expect_client_error(e);
  }
  return 0;
}
