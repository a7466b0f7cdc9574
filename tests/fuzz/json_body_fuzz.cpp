// A request body through the contact routes' parsing: syntax check, typed field reads,
// unknown-field refusal, then the patch applied to a contact and written back as JSON.
// Whatever is accepted must serialise to JSON our own scanner accepts.
#include "fuzz/fuzz_target.h"
#include "model/contact.h"
#include "model/contact_json.h"
#include "model/contact_patch_json.h"
#include "model/contact_rules.h"
#include "model/json_body.h"
#include "model/json_syntax.h"

SB_FUZZ_TARGET(json_body) {
  try {
    sb::JsonFields fields(sb::parse_json_object(sb::fuzz::text(data, size)));
    sb::ContactPatch patch = sb::read_contact_patch(fields);
    fields.reject_unknown();
    sb::Contact contact;
    contact.status = "new";
    sb::apply_contact_patch(contact, patch);
    std::string out = sb::contact_json_text(contact);
    SB_FUZZ_CHECK(!sb::check_json_syntax(out));
  } catch (const sb::Error& e) {
    sb::fuzz::expect_client_error(e);
  }
  return 0;
}
