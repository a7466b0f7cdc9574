// A team's messaging settings (/v1/settings/messaging): the sender identity, quiet hours in
// the contact's time zone, the frequency cap shared by every channel and the team's send rate.
#pragma once

#include <optional>
#include <string>

#include "model/clock.h"

namespace Poco::JSON {
class Object;
}

namespace sb {

struct MessagingSettings {
  std::string from_name;
  std::string from_address;       // empty: the server's SB_EMAIL_FROM
  std::string time_zone = "UTC";  // contacts without metadata.time_zone
  // Minutes after local midnight; quiet from start to end (may wrap midnight). Equal: none.
  std::optional<int> quiet_start, quiet_end;
  // At most `cap_messages` per contact per `cap_hours`; 0: no cap.
  int cap_messages = 0;
  int cap_hours = 24;
  // At most this many messages of the team per minute, all channels; 0: no team limit.
  int send_rate_per_minute = 0;
};

// Throws Error::validation naming the member; unknown members refused.
MessagingSettings parse_messaging_settings(const Poco::JSON::Object& o);
MessagingSettings parse_messaging_settings_text(const std::string& json);  // "" = defaults
std::string messaging_settings_json(const MessagingSettings& s);

// When quiet hours in force at `now` (in `zone`) end, or nullopt when they are not.
std::optional<EpochMs> quiet_hours_end(const MessagingSettings& s, const std::string& zone,
                                       EpochMs now);

}  // namespace sb
