// Wiring of the CRM entity services.
#include "store/crm_services.h"

#include <stdexcept>

#include "model/crm_schemas.h"

namespace sb {

CrmServices::CrmServices(const Dialect& d, const ContactStore& contacts)
    : pipelines(crm::pipeline(), d, &pipeline_hooks_),
      stages(crm::stage(), d, &stage_hooks_),
      leads(crm::lead(), d, &lead_hooks_),
      activities(crm::activity(), d, &activity_hooks_),
      accounts(crm::account(), d, &account_hooks_),
      sla_policies(crm::sla_policy(), d, &sla_policy_hooks_),
      tickets(crm::ticket(), d, &ticket_hooks_),
      comments(crm::comment(), d, &comment_hooks_),
      appointments(crm::appointment(), d, &appointment_hooks_),
      forms(crm::form(), d, &form_hooks_),
      submissions(crm::submission(), d),
      agents(crm::agent(), d, &agent_hooks_),
      conversations(crm::conversation(), d),
      groups(crm::user_group(), d, &group_hooks_),
      notifications(crm::notification(), d),
      outbox(crm::outbox_message(), d),
      segments(crm::segment(), d, &segment_hooks_),
      templates(crm::message_template(), d, &template_hooks_),
      campaigns(crm::campaign(), d, &campaign_hooks_),
      sequences(crm::sequence(), d, &sequence_hooks_),
      form_submitter(contacts, submissions),
      pipeline_hooks_(d),
      lead_hooks_(leads),
      sla_policy_hooks_(d),
      ticket_hooks_(tickets),
      comment_hooks_(tickets),
      appointment_hooks_(appointments),
      group_hooks_(d),
      segment_hooks_(d),
      template_hooks_(d),
      campaign_hooks_(d),
      sequence_hooks_(d) {}

const RecordService& CrmServices::of(const EntitySchema& schema) const {
  for (const RecordService* s :
       {&pipelines,    &stages,   &leads,         &activities,   &accounts,
        &sla_policies, &tickets,  &comments,      &appointments, &forms,
        &submissions,  &agents,   &conversations, &groups,       &notifications,
        &outbox,       &segments, &templates,     &campaigns,    &sequences}) {
    if (&s->schema() == &schema) return *s;
  }
  throw std::logic_error("no service for schema " + std::string(schema.name));
}

}  // namespace sb
