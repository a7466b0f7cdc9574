// JSON -> ContactPatch: the one reader of contact fields, shared by REST bodies, workflow
// writes (crm.update) and before-hook adjustments, so each is validated the same way.
#pragma once

#include "model/contact.h"
#include "model/json_body.h"

namespace sb {

// Reads every contact field the object has; unknown fields fail at reject_unknown().
ContactPatch read_contact_patch(JsonFields& fields);

}  // namespace sb
