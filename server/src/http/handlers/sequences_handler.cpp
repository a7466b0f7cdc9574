// /v1/sequences: CRUD (record routes), enrolments (enrol, list, exit), stats, and a
// contact's enrolments. Steps are run by the sequence runner (campaigns/) from the bus.
#include <soci/soci.h>

#include "http/pagination.h"
#include "http/record_routes.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/json_body.h"
#include "store/sequence_store.h"

namespace sb {
namespace {

Poco::JSON::Object enrollment_json(const Enrollment& e) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", e.id);
  o.set("sequence_id", e.sequence_id);
  o.set("contact_id", e.contact_id);
  o.set("status", e.status);
  o.set("run", e.run);
  o.set("steps_done", e.step);
  o.set("next_step_at", time_or_null(e.next_at));
  o.set("exit_reason", or_null(e.exit_reason));
  o.set("source", e.source);
  o.set("enrolled_at", format_iso8601(e.enrolled_at));
  o.set("updated_at", format_iso8601(e.updated_at));
  o.set("finished_at", time_or_null(e.finished_at));
  return o;
}

std::string read_status(const Request& req) {
  return req.choice_param("status", {"active", "completed", "exited"}).value_or("");
}

std::string who(const Request& req) {
  return "api_key:" + std::to_string(req.auth().key_id);
}

// POST /v1/sequences/{id}/enrollments {"contact_id"}: 201, or 409 when already active.
Response enroll(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  Patch<std::int64_t> contact;
  {
    JsonFields f(req.json());
    f.read("contact_id", contact);
    f.reject_unknown();
  }
  if (!contact.present || !contact.value || *contact.value < 1) {
    throw Error::validation("contact_id", "is required (a contact id)");
  }
  auto [e, created] = sv.db.write([&](soci::session& s) {
    return SequenceStore(sv.db.dialect()).enroll(s, team, id, *contact.value, who(req));
  });
  if (!created) {
    throw Error(ErrorCode::kConflict, "the contact is already active in this sequence",
                {{"enrollment_id", e.id}});
  }
  return Response::json(201, enrollment_json(e));
}

Response list_enrollments(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  req.allow_params({"status", "limit", "cursor"});
  PageRequest page = read_page_request(req);
  std::string status = read_status(req);
  auto rows = sv.db.read([&](soci::session& s) {
    sv.crm.sequences.require(s, team, id);
    return SequenceStore(sv.db.dialect())
        .list(s, team, id, std::nullopt, status, page.after_id, page.limit + 1);
  });
  return id_page(std::move(rows), page.limit, enrollment_json);
}

// DELETE /v1/sequences/{id}/enrollments/{contact_id}: ends an active enrolment (manual).
Response exit_enrollment(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id"),
                     contact = req.path_id("contact_id");
  Enrollment e = sv.db.write([&](soci::session& s) {
    sv.crm.sequences.require(s, team, id);
    SequenceStore store(sv.db.dialect());
    auto found = store.find(s, team, id, contact);
    if (!found) throw Error::not_found("enrollment of contact", contact);
    if (!store.exit(s, *found, "manual")) {
      throw Error(ErrorCode::kConflict, "the enrolment is already " + found->status,
                  {{"status", found->status}});
    }
    return *store.get(s, team, found->id);
  });
  return Response::json(200, enrollment_json(e));
}

Response stats(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, id = req.path_id("id");
  SequenceStats st = sv.db.read([&](soci::session& s) {
    sv.crm.sequences.require(s, team, id);
    return SequenceStore(sv.db.dialect()).stats(s, team, id);
  });
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("sequence_id", id);
  body.set("enrolled", st.enrolled);
  body.set("active", st.active);
  body.set("completed", st.completed);
  body.set("exited", st.exited);
  body.set("exited_by_reason", counts_json(st.exited_by_reason));
  body.set("messages_by_status", counts_json(st.messages_by_status));
  return Response::json(200, body);
}

Response contact_enrollments(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, contact = req.path_id("id");
  req.allow_params({"status", "limit", "cursor"});
  PageRequest page = read_page_request(req);
  std::string status = read_status(req);
  auto rows = sv.db.read([&](soci::session& s) {
    sv.contacts.require(s, team, contact);
    return SequenceStore(sv.db.dialect())
        .list(s, team, std::nullopt, contact, status, page.after_id, page.limit + 1);
  });
  return id_page(std::move(rows), page.limit, enrollment_json);
}

}  // namespace

void add_sequence_routes(Router& router, ApiServices& sv) {
  add_record_routes(router, sv, sv.crm.sequences,
                    {.base = "/v1/sequences", .item_param = "id", .write_role = Role::kAdmin});
  router.add(Route::post("/v1/sequences/{id}/enrollments", Role::kAgent, [&sv](Request& r) {
               return enroll(sv, r);
             }).json_body());
  router.add(Route::get("/v1/sequences/{id}/enrollments", Role::kViewer,
                        [&sv](Request& r) { return list_enrollments(sv, r); }));
  router.add(Route::del("/v1/sequences/{id}/enrollments/{contact_id}", Role::kAgent,
                        [&sv](Request& r) { return exit_enrollment(sv, r); }));
  router.add(Route::get("/v1/sequences/{id}/stats", Role::kViewer,
                        [&sv](Request& r) { return stats(sv, r); }));
  router.add(Route::get("/v1/contacts/{id}/sequences", Role::kViewer,
                        [&sv](Request& r) { return contact_enrollments(sv, r); }));
}

}  // namespace sb
