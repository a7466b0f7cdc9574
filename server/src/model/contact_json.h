// JSON form of contacts, custom fields and other contact-side values: the shape of API
// responses and of event payloads, in one place.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <string_view>
#include <vector>

#include "model/contact.h"
#include "model/contact_attachments.h"
#include "model/custom_field.h"

namespace sb {

Poco::JSON::Object contact_to_json(const Contact& c);
// contact_json_text(c), byte for byte, written without building the object: the
// form of event payloads and exports, where a bulk import or a 1M-row export pays it per row.
std::string contact_json_text(const Contact& c);
void append_contact_json(std::string& out, const Contact& c);
// The inverse of contact_to_json (merge journals restore contacts from it).
Contact contact_from_json(const Poco::JSON::Object::Ptr& o, std::int64_t team_id);
Poco::JSON::Object custom_field_to_json(const CustomField& f);
Poco::JSON::Object note_to_json(const Note& n);
// `<prefix>_key_id`, `<prefix>_user_id` and `<prefix>_name`, each null when unknown.
void set_actor(Poco::JSON::Object& o, std::string_view prefix, const ActorRef& a);
Poco::JSON::Object file_to_json(const ContactFile& f);
Poco::JSON::Object user_to_json(const User& u);
Poco::JSON::Array::Ptr string_array(const std::vector<std::string>& items);
// Optional values as JSON null when empty.
Poco::Dynamic::Var or_null(const std::optional<std::string>& v);
Poco::Dynamic::Var or_null(const std::optional<std::int64_t>& v);
// Counts by name as a JSON object, in name order (stats by reason, by status).
Poco::JSON::Object counts_json(const std::map<std::string, std::int64_t>& counts);
// An optional time as ISO-8601 text, or null.
Poco::Dynamic::Var time_or_null(const std::optional<std::int64_t>& ms);
std::string json_text(const Poco::JSON::Object& o);
std::string json_text(const Poco::JSON::Array& a);

// Parsing helpers for values stored as JSON text.
std::vector<std::string> parse_string_array(const std::string& json);
std::map<std::string, std::string> parse_string_map(const std::string& json);
std::string string_map_json(const std::map<std::string, std::string>& m);

}  // namespace sb
