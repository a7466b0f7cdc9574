// Analytics over calendar periods: counts computed in SQL, grouped per period (bound as
// one JSON rows parameter) and a key, so both backends give the same numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/calendar_periods.h"
#include "model/time_zone.h"
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

// Appointments by the period they start in.
struct BookingTotals {
  int period = 0;
  std::int64_t total = 0, booked = 0, confirmed = 0, completed = 0, no_show = 0, cancelled = 0,
               rescheduled = 0;
  std::int64_t lead_ms_sum = 0;  // sum of starts_at - booked_at
};

// Campaign messages by the period they were sent in, per channel.
struct CampaignTotals {
  int period = 0;
  std::string channel;
  std::int64_t sent = 0, opened = 0, clicked = 0, unsubscribed = 0;
};

// Workflow runs by the period they ran in, per workflow.
struct WorkflowRunTotals {
  int period = 0;
  std::int64_t workflow_id = 0;
  std::int64_t runs = 0, failed = 0, rejected = 0;
  std::int64_t p95_duration_us = 0;  // nearest rank: the run at ceil(0.95 n) by duration
};

// Tickets by the period they were opened in: response and resolution times (ms, nearest
// rank over the tickets that have one; 0 with none) and SLA breaches.
struct TicketTotals {
  int period = 0;
  std::int64_t created = 0, responded = 0, resolved = 0, breached = 0;
  std::int64_t response_p50_ms = 0, response_p90_ms = 0, resolution_p50_ms = 0,
               resolution_p90_ms = 0;
};

// Conversations by the period they started in that have a customer message: how many got a
// bot reply and a reply from a person of the team after the first one, and how long those
// took (ms, nearest rank; 0 with none).
struct ResponseTotals {
  int period = 0;
  std::int64_t asked = 0, answered_by_bot = 0, answered_by_team = 0;
  std::int64_t bot_p50_ms = 0, bot_p90_ms = 0, team_p50_ms = 0, team_p90_ms = 0;
};

// How many of something fell in one local hour of one weekday.
struct HourCount {
  int weekday = 1;  // 1 = Monday ... 7 = Sunday
  int hour = 0;     // 0..23, local
  std::int64_t count = 0;
};

// One stage of a pipeline's funnel over the leads that entered the pipeline in a window.
struct FunnelStage {
  std::int64_t stage_id = 0;
  std::string name;
  int position = 0;
  bool won = false, lost = false;
  std::int64_t entered = 0;  // leads of the cohort that were ever in this stage
  std::int64_t reached = 0;  // in it or a stage further along (lost stages: entered)
  std::int64_t left = 0, median_ms_in_stage = 0;  // moves out of it, the median time before
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
  // Appointments starting in each period; `assignee_id` narrows them.
  std::vector<BookingTotals> bookings(soci::session& s, std::int64_t team_id,
                                      const std::vector<CalendarPeriod>& periods,
                                      std::optional<std::int64_t> assignee_id) const;
  // Workflow runs in each period, per workflow (the run log keeps SB_EVENT_RETENTION_HOURS).
  std::vector<WorkflowRunTotals> workflow_runs(soci::session& s, std::int64_t team_id,
                                               const std::vector<CalendarPeriod>& periods) const;
  // Campaign messages sent in each period, by channel, with what their recipients did since;
  // `channel` narrows them.
  std::vector<CampaignTotals> campaigns(soci::session& s, std::int64_t team_id,
                                        const std::vector<CalendarPeriod>& periods,
                                        const std::string& channel) const;

  // Tickets opened in each period; `assignee_id` narrows them.
  std::vector<TicketTotals> tickets(soci::session& s, std::int64_t team_id,
                                    const std::vector<CalendarPeriod>& periods,
                                    std::optional<std::int64_t> assignee_id) const;

  // Appointments starting ("bookings", cancelled ones left out) or conversations starting
  // ("conversations") within the spans, by local weekday and hour: each instant is shifted
  // by its span's offset in SQL. `assignee_id` narrows appointments.
  std::vector<HourCount> busy_hours(soci::session& s, std::int64_t team_id,
                                    const std::vector<TimeZone::OffsetSpan>& spans,
                                    const std::string& of,
                                    std::optional<std::int64_t> assignee_id) const;

  // The stages of `pipeline_id`, in position order, over the leads whose first stage row in
  // it falls in [from, to); `cohort` receives how many leads that is.
  std::vector<FunnelStage> funnel(soci::session& s, std::int64_t team_id, std::int64_t pipeline_id,
                                  EpochMs from, EpochMs to, std::int64_t& cohort) const;

  // Conversations started in each period; `agent_id` and `platform` narrow them.
  std::vector<ResponseTotals> response_times(soci::session& s, std::int64_t team_id,
                                             const std::vector<CalendarPeriod>& periods,
                                             std::optional<std::int64_t> agent_id,
                                             const std::string& platform) const;

 private:
  Dialect dialect_;
};

}  // namespace sb
