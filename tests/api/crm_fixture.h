// Shared helpers of the CRM entity API tests (pipelines, leads, accounts, tickets,
// appointments, forms).
#pragma once

#include <soci/soci.h>

#include <string>
#include <vector>

#include "api_fixture.h"
#include "store/event_queue_store.h"

namespace sb::test {

class CrmTest : public ApiTest {
 protected:
  // POST expecting 201; the new id.
  long long create(const std::string& url, const std::string& body,
                   const std::string& key = kOwnerKey) {
    auto r = client(key).post(url, body);
    EXPECT_EQ(r.status, 201) << url << " " << r.body;
    return r.status == 201 ? r.json()->getValue<long long>("id") : 0;
  }
  HttpResult patch(const std::string& url, const std::string& body,
                   const std::string& key = kOwnerKey) {
    return client(key).send("PATCH", url, body, {{"Content-Type", "application/json"}});
  }
  long long contact(const std::string& name, const std::string& email = "") {
    std::string body =
        "{\"name\":\"" + name + "\"" + (email.empty() ? "" : ",\"email\":\"" + email + "\"") + "}";
    return create("/v1/contacts", body);
  }
  static std::string field_of(const HttpResult& r) {
    auto e = r.json()->getObject("error");
    return e && e->getObject("details")
               ? e->getObject("details")->optValue<std::string>("field", "")
               : "";
  }
  long long count_of(const std::vector<std::string>& types, const std::string& type) {
    return std::count(types.begin(), types.end(), type);
  }
  std::vector<long long> ids(const HttpResult& r) {
    std::vector<long long> out;
    auto data = r.json()->getArray("data");
    for (std::size_t i = 0; data && i < data->size(); ++i)
      out.push_back(data->getObject(static_cast<unsigned>(i))->getValue<long long>("id"));
    return out;
  }
};

}  // namespace sb::test
