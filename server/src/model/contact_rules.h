// Validation and normalisation of contact data, shared by every writer. Pure functions:
// each throws Error::validation(field, reason) on bad input.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/contact.h"
#include "model/custom_field.h"

namespace sb {

// "Ann@Example.COM " -> "ann@example.com"; rejects what cannot be an address.
// Without leading and trailing spaces, tabs and line breaks.
std::string trim(std::string_view s);
std::string normalize_email(std::string_view field, std::string_view raw);
// "+84 90-123 4567", "0084901234567" -> "+84901234567" (E.164); the country code is required.
std::string normalize_phone(std::string_view field, std::string_view raw);
// Same, but a number written without a calling code ("0901 234 567") takes `calling_code`
// ("84") after dropping its trunk 0; with an empty calling code it must carry its own.
std::string normalize_local_phone(std::string_view field, std::string_view raw,
                                  std::string_view calling_code);
// Trims, drops empties and duplicates (case-insensitive for tags), enforces limits.
std::vector<std::string> normalize_list(std::string_view field, std::vector<std::string> items,
                                        std::size_t max_items, bool lower_case);
void require_one_of(std::string_view field, std::string_view value,
                    const std::vector<std::string_view>& allowed);
void require_one_of(std::string_view field, std::string_view value,
                    const std::vector<std::string>& allowed);
std::string require_text(std::string_view field, std::string_view value, std::size_t max_bytes);

// Checks one custom value against its definition and returns it normalised (emails
// lower-cased, phones in E.164, multiselect de-duplicated).
Poco::Dynamic::Var validate_custom_value(const CustomField& def, const Poco::Dynamic::Var& value);

// Applies the validated patch to `c` (which holds current values) and returns the names
// of the fields whose value changed. Does not check team-level rules (status list, custom
// field definitions, identity uniqueness): the store does those.
std::vector<std::string> apply_contact_patch(Contact& c, const ContactPatch& patch);

}  // namespace sb
