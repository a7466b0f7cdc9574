// Keeps segment membership current: a saved or changed segment is evaluated in full, and
// every event about a contact re-evaluates that contact against the team's segments (for a
// contact update, only the rules that read a field it changed). The differences become
// segment.entered / segment.exited events.
#pragma once

#include "events/subscriber.h"

namespace sb {

class SegmentSubscriber : public Subscriber {
 public:
  std::string name() const override { return "segments"; }
  std::string pattern() const override { return "*"; }
  bool wants(std::string_view type) const override;
  Outcome handle(const StoredEvent& event, DeliveryContext& context) override;
};

// The periodic pass for rules that read the clock (now-30d): every team's time-based
// segments, one transaction per team. Returns how many segments were evaluated.
int refresh_time_based_segments(Database& db);

}  // namespace sb
