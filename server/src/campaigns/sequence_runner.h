// Moves sequence enrolments: each "sequence.step_due" event queues its step's message
// (sent by the outbox sender past the send policy) and schedules the next step; events
// that meet a sequence's exit conditions end the contact's enrolment.
#pragma once

#include "events/subscriber.h"
#include "store/contact_store.h"
#include "store/crm_services.h"
#include "store/record_store.h"
#include "store/sequence_store.h"

namespace sb::campaigns {

class SequenceRunner : public Subscriber {
 public:
  explicit SequenceRunner(const Dialect& dialect);
  std::string name() const override { return "campaigns.sequences"; }
  std::string pattern() const override { return kSequenceStepEvent; }
  bool wants(std::string_view type) const override;
  Outcome handle(const StoredEvent& event, DeliveryContext& context) override;

 private:
  // The step of `event` in the caller's transaction.
  void run_step(soci::session& s, std::int64_t team, std::int64_t enrollment, int run,
                int step) const;
  void check_exits(soci::session& s, const StoredEvent& event) const;

  ContactStore contacts_;
  CrmServices crm_;
  RecordStore records_;
  SequenceStore store_;
};

}  // namespace sb::campaigns
