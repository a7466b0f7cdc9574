// The public form as plain HTML (GET /f/{slug}): one labelled control per field, by type,
// with the browser's own checks (required, maxlength, email, number, options), and the
// honeypot field hidden from people. Everything an admin wrote is escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/form_fields.h"

namespace sb {

// The <form> posting urlencoded to `action`, with a submit button.
std::string form_page_html(const std::vector<FormField>& fields, std::string_view honeypot,
                           std::string_view action);

}  // namespace sb
