// Analytics over calendar periods: counts computed in SQL, grouped per period (bound as
// one JSON rows parameter) and a key, so both backends give the same numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/calendar_periods.h"
#include "store/dialect.h"

namespace soci {
class session;
}

namespace sb {

struct PeriodCount {
  int period = 0;   // index into the periods asked for
  std::string key;  // the group's value ("none" for an empty one)
  std::int64_t count = 0;
};

struct ConversationTotals {
  int period = 0;
  std::string platform;
  std::int64_t total = 0, handed_off = 0, escalated = 0, resolved = 0, rated = 0, rating_sum = 0,
               satisfied = 0;  // satisfied: rated 4 or 5
};

class AnalyticsStore {
 public:
  explicit AnalyticsStore(const Dialect& dialect) : dialect_(dialect) {}

  // Contacts created in each period, by `by`: "source", "platform" or "purchase_intent".
  std::vector<PeriodCount> new_contacts(soci::session& s, std::int64_t team_id,
                                        const std::vector<CalendarPeriod>& periods,
                                        const std::string& by) const;
  // Conversations started in each period, by platform; `agent_id` and `platform` narrow them.
  std::vector<ConversationTotals> conversations(soci::session& s, std::int64_t team_id,
                                                const std::vector<CalendarPeriod>& periods,
                                                std::optional<std::int64_t> agent_id,
                                                const std::string& platform) const;

 private:
  Dialect dialect_;
};

}  // namespace sb
