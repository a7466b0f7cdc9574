// Contact fields from JSON, with the limits of contact_rules.
#include "model/contact_patch_json.h"

#include "model/contact.h"

namespace sb {

ContactPatch read_contact_patch(JsonFields& f) {
  using namespace contact_limits;
  ContactPatch p;
  f.read("source", p.source, 32);
  f.read("platform", p.platform, 32);
  f.read("external_id", p.external_id, kMaxTextBytes);
  f.read("name", p.name, kMaxTextBytes);
  f.read("email", p.email, 254);
  f.read("phone", p.phone, 64);
  f.read("status", p.status, 64);
  f.read("purchase_intent", p.purchase_intent, 32);
  f.read("interests", p.interests, 1000);
  f.read("traits", p.traits, 1000);
  f.read("needs", p.needs, kMaxNeedsBytes);
  f.read("tags", p.tags, 1000);
  f.read("owner_id", p.owner_id);
  f.read("account_id", p.account_id);
  f.read("stage", p.stage, kMaxTextBytes);
  f.read("sentiment", p.sentiment, 32);
  f.read("score", p.score);
  f.read("metadata", p.metadata);
  f.read_object("custom_fields", p.custom_json);
  f.read_time("first_seen", p.first_seen);
  f.read_time("last_active", p.last_active);
  return p;
}

}  // namespace sb
