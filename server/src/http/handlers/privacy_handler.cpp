// Erasure and the team's privacy settings.
#include <soci/soci.h>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPServerRequest.h>

#include "http/privacy.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_body.h"

namespace sb {
namespace {

constexpr const char* kSettingsKey = "privacy";

// The stored policy, or "anonymise": keeping conversations' shape (counts, times) for the
// business's reports while nothing in them identifies the person.
std::string conversation_policy(ApiServices& sv, soci::session& s, std::int64_t team) {
  std::string json = sv.settings.get_json(s, team, kSettingsKey);
  if (json.empty()) return "anonymise";
  auto o = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
  return o->optValue<std::string>("erase_conversations", "anonymise");
}

Response settings_response(const std::string& policy) {
  Poco::JSON::Object body;
  body.set("erase_conversations", policy);
  return Response::json(200, body);
}

Response get_settings(ApiServices& sv, Request& req) {
  return settings_response(
      sv.db.read([&](soci::session& s) { return conversation_policy(sv, s, req.auth().team_id); }));
}

Response put_settings(ApiServices& sv, Request& req) {
  JsonFields f(req.json());
  auto policy = f.optional_string("erase_conversations", 16);
  f.reject_unknown();
  if (!policy) throw Error::validation("erase_conversations", "is required");
  if (*policy != "anonymise" && *policy != "delete")
    throw Error::validation("erase_conversations", "must be anonymise or delete");
  Poco::JSON::Object stored;
  stored.set("erase_conversations", *policy);
  sv.db.write([&](soci::session& s) {
    sv.settings.set_json(s, req.auth().team_id, kSettingsKey, json_text(stored));
  });
  return settings_response(*policy);
}

Poco::JSON::Object counts(const std::map<std::string, long long>& m) {
  Poco::JSON::Object o;
  for (const auto& [k, v] : m) o.set(k, v);
  return o;
}

}  // namespace

Response erase_contact(ApiServices& sv, Request& req, std::int64_t id,
                       const std::optional<std::string>& conversations) {
  const std::int64_t team = req.auth().team_id;
  std::string origin = req.client_address;
  std::string policy;
  ErasureReport report = sv.db.write([&](soci::session& s) {
    policy = conversations ? *conversations : conversation_policy(sv, s, team);
    return sv.eraser.erase(
        s, team, id,
        policy == "delete" ? ConversationErasure::kDelete : ConversationErasure::kAnonymise,
        req.auth().actor(), origin, req.request_id);
  });
  // Stored files are shared by content: their bytes go once no row of any team points at them.
  long long blobs = 0;
  for (const std::string& sha : report.file_digests) {
    if (sv.db.read([&](soci::session& s) { return sv.eraser.blob_references(s, sha); }) == 0) {
      sv.blobs.remove(sha);
      ++blobs;
    }
  }
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("id", id);
  body.set("erased", true);
  body.set("conversations", policy == "delete" ? "deleted" : "anonymised");
  body.set("removed", counts(report.removed));
  body.set("anonymised", counts(report.anonymised));
  body.set("stored_files_deleted", blobs);
  return Response::json(200, body);
}

void add_privacy_routes(Router& router, ApiServices& sv) {
  router.add(Route::get("/v1/settings/privacy", Role::kViewer,
                        [&sv](Request& r) { return get_settings(sv, r); }));
  router.add(Route::put("/v1/settings/privacy", Role::kAdmin, [&sv](Request& r) {
               return put_settings(sv, r);
             }).json_body());
}

}  // namespace sb
