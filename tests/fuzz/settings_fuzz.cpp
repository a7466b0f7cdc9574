// JSON settings an admin submits and the runners later read back: sequences, SLA targets,
// business hours, form fields, capture settings. Each check either refuses the value with
// a client error or accepts one its parser then reads without failing.
#include <Poco/JSON/Object.h>

#include "fuzz/fuzz_target.h"
#include "model/capture_settings.h"
#include "model/contact_json.h"
#include "model/form_fields.h"
#include "model/json_body.h"
#include "model/json_syntax.h"
#include "model/sequence.h"
#include "model/sla.h"

namespace {

// The check refuses the value, or returns the normalised text the store keeps, which the
// runner's parse must then read without failing.
template <typename Check, typename Parse>
void accepted_parses(const Poco::Dynamic::Var& value, Check check, Parse parse) {
  std::string stored;
  try {
    stored = check(value, "field");
  } catch (const sb::Error& e) {
    sb::fuzz::expect_client_error(e);
    return;
  }
  parse(stored);
}

}  // namespace

SB_FUZZ_TARGET(settings) {
  // The value arrives as a field of a request body, parsed at the HTTP edge.
  Poco::Dynamic::Var value;
  try {
    std::string body = "{\"v\":" + std::string(sb::fuzz::text(data, size)) + "\n}";
    value = sb::parse_json_object(body)->get("v");
  } catch (const sb::Error& e) {
    sb::fuzz::expect_client_error(e);
    return 0;
  }
  accepted_parses(value, sb::check_sequence_steps, sb::parse_sequence_steps);
  accepted_parses(value, sb::check_sequence_exit, sb::parse_sequence_exit);
  accepted_parses(value, sb::check_sla_targets, sb::parse_sla_targets);
  accepted_parses(value, sb::check_business_hours, sb::parse_business_hours);
  accepted_parses(value, sb::check_form_fields, sb::parse_form_fields);
  if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
    try {
      auto s = sb::CaptureSettings::from_json(value.extract<Poco::JSON::Object::Ptr>());
      SB_FUZZ_CHECK(!sb::check_json_syntax(sb::json_text(s.to_json())));
    } catch (const sb::Error& e) {
      sb::fuzz::expect_client_error(e);
    }
  }
  return 0;
}
