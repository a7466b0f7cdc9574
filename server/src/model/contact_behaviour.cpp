// Contact behaviour aggregates: JSON form and the statistics derived from it.
#include "model/contact_behaviour.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <numeric>
#include <sstream>

namespace sb {

ContactBehaviour ContactBehaviour::parse(const std::string& json) {
  ContactBehaviour b;
  if (json.empty() || json == "{}") return b;
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
    if (auto a = o->getArray("response_ms")) {
      for (std::size_t i = 0; i < a->size(); ++i)
        b.response_ms.push_back(a->getElement<Poco::Int64>(static_cast<unsigned>(i)));
    }
    if (auto a = o->getArray("hours")) {
      for (std::size_t i = 0; i < a->size() && i < 24; ++i)
        b.hours[i] = a->getElement<Poco::Int64>(static_cast<unsigned>(i));
    }
  } catch (const Poco::Exception&) {
    return ContactBehaviour{};  // a damaged aggregate restarts rather than failing capture
  }
  return b;
}

std::string ContactBehaviour::to_json_text() const {
  std::ostringstream out;
  out << "{\"response_ms\":[";
  for (std::size_t i = 0; i < response_ms.size(); ++i) out << (i ? "," : "") << response_ms[i];
  out << "],\"hours\":[";
  for (std::size_t i = 0; i < hours.size(); ++i) out << (i ? "," : "") << hours[i];
  out << "]}";
  return out.str();
}

void ContactBehaviour::add_user_message(EpochMs at) {
  std::int64_t hour = ((at / 3'600'000) % 24 + 24) % 24;
  ++hours[static_cast<std::size_t>(hour)];
}

void ContactBehaviour::add_response(std::int64_t ms) {
  if (ms < 0) return;
  response_ms.push_back(ms);
  if (response_ms.size() > kResponseSamples) {
    response_ms.erase(
        response_ms.begin(),
        response_ms.begin() + static_cast<long>(response_ms.size() - kResponseSamples));
  }
}

std::int64_t ContactBehaviour::median_response_ms() const {
  if (response_ms.empty()) return -1;
  std::vector<std::int64_t> v = response_ms;
  std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(mid), v.end());
  if (v.size() % 2 == 1) return v[mid];
  std::int64_t upper = v[mid];
  std::int64_t lower = *std::max_element(v.begin(), v.begin() + static_cast<long>(mid));
  return (lower + upper) / 2;
}

std::vector<int> ContactBehaviour::preferred_hours() const {
  std::vector<int> order(24);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return hours[static_cast<std::size_t>(a)] > hours[static_cast<std::size_t>(b)];
  });
  std::vector<int> out;
  for (int h : order) {
    if (hours[static_cast<std::size_t>(h)] == 0 || out.size() == 3) break;
    out.push_back(h);
  }
  return out;
}

}  // namespace sb
