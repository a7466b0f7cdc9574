// Team-defined contact fields: the definition and its allowed types.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/clock.h"

namespace sb {

struct CustomField {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
  std::string key;  // [a-z][a-z0-9_]{0,62}
  std::string label;
  std::string type;                  // text|number|boolean|date|select|multiselect|email|phone|url
  std::vector<std::string> options;  // select and multiselect
  bool required = false;
  bool allow_for_ai = false;  // the chat capture may fill it
  std::int64_t position = 0;  // lists are ordered by position, then id
  EpochMs created_at = 0;
  EpochMs updated_at = 0;
};

inline const std::vector<std::string_view> kCustomFieldTypes = {
    "text", "number", "boolean", "date", "select", "multiselect", "email", "phone", "url"};

bool valid_custom_field_key(std::string_view key);

}  // namespace sb
