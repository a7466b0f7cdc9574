// A team's chat-capture settings: the default phone region, the purchase-intent phrases,
// the keyword -> interest map and extra sentiment words. Stored as one JSON value in
// team_settings ("capture"); defaults apply to what a team never set.
#pragma once

#include <Poco/JSON/Object.h>

#include <map>
#include <string>
#include <vector>

namespace sb {

struct CaptureSettings {
  // Calling code used for numbers written without one ("0901 234 567" -> "+84901234567"
  // when "84"); empty: such numbers are not captured.
  std::string phone_country_code;
  // purchase_intent level (browsing|comparing|ready_to_buy) -> lower-case words/phrases.
  std::map<std::string, std::vector<std::string>> intent_phrases;
  // lower-case keyword or phrase -> interest name.
  std::map<std::string, std::string> interests;
  std::vector<std::string> positive_words, negative_words;  // added to the built-in lexicon

  static CaptureSettings defaults();
  // Reads a stored or submitted object over the defaults; keys absent keep their defaults.
  // Throws Error::validation naming the field.
  static CaptureSettings from_json(const Poco::JSON::Object::Ptr& object);
  Poco::JSON::Object to_json() const;
};

}  // namespace sb
