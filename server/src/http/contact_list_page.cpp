#include "http/contact_list_page.h"

#include <soci/soci.h>

#include "model/contact_json.h"

namespace sb {

Response contact_list_page(ApiServices& sv, std::int64_t team_id, const ContactListParams& params) {
  ContactPage page = sv.db.read([&](soci::session& s) {
    return sv.contacts.list(s, team_id, params.filter, params.sort, params.after, params.limit);
  });
  Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
  for (const Contact& c : page.contacts) data->add(contact_to_json(c));
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  body.set("data", data);
  body.set("next_cursor", page.next
                              ? Poco::Dynamic::Var(encode_contact_cursor(*page.next, params.sort))
                              : Poco::Dynamic::Var());
  return Response::json(200, body);
}

}  // namespace sb
