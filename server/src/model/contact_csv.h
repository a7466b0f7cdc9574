// A contact as one CSV row: the columns the export writes and the import recognises by
// name, so an exported file re-imports unchanged. Lists and metadata are JSON text;
// custom fields are columns named custom.<key>.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/contact.h"

namespace sb {

// The fixed columns, in export order (custom.<key> columns follow).
const std::vector<std::string_view>& contact_csv_columns();
inline constexpr std::string_view kCustomColumnPrefix = "custom.";

void append_contact_csv_header(std::string& out, const std::vector<std::string>& custom_keys);
// One row, CRLF-terminated.
void append_contact_csv_row(std::string& out, const Contact& c,
                            const std::vector<std::string>& custom_keys);

}  // namespace sb
