// How an import's CSV columns become contact fields: the mapping a request gives (header
// -> target) or, for headers it leaves out, the export's own column names; and one row as
// the JSON body POST /v1/contacts would take, so import validates exactly like the API.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/custom_field.h"

namespace sb {

// Targets: a contact field (name, email, ...), "custom.<key>", "metadata.<key>",
// "metadata" (a JSON object), "tags" | "interests" | "traits" (a JSON array, or values
// separated by , or ;), "tag" (the cell is one more tag), or "ignore".
struct ImportColumn {
  std::string header;
  std::string target;  // "" : ignored
};

// Throws Error(kValidationFailed) naming "mapping.<header>" for an unknown target, a
// custom field the team does not have, or a header the file does not have.
std::vector<ImportColumn> resolve_import_mapping(
    const std::vector<std::string>& header, const Poco::JSON::Object::Ptr& mapping,
    const std::map<std::string, CustomField>& custom_fields);

struct ImportRow {
  Poco::JSON::Object::Ptr body;  // as POST /v1/contacts takes it; empty cells left out
  std::string error;             // set: the cell `column` cannot be read
  std::string column;
};

ImportRow import_row(const std::vector<ImportColumn>& columns,
                     const std::vector<std::string>& cells,
                     const std::map<std::string, CustomField>& custom_fields);

// The header of the cell that supplied a field the API names in an error ("email",
// "custom_fields.plan", "metadata.site"); "" when none did.
std::string column_for_field(const std::vector<ImportColumn>& columns, const std::string& field);

}  // namespace sb
