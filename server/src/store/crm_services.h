// The CRM entities' write paths (RecordService + domain hooks) wired together: what the
// HTTP handlers, and later workflows and plugins, use for pipelines, leads, accounts,
// tickets, appointments and forms.
#pragma once

#include "store/account_rules.h"
#include "store/agent_rules.h"
#include "store/appointment_rules.h"
#include "store/form_rules.h"
#include "store/group_rules.h"
#include "store/messaging_rules.h"
#include "store/pipeline_rules.h"
#include "store/record_service.h"
#include "store/segment_rules.h"
#include "store/ticket_rules.h"

namespace sb {

class CrmServices {
 public:
  CrmServices(const Dialect& dialect, const ContactStore& contacts);
  CrmServices(const CrmServices&) = delete;
  CrmServices& operator=(const CrmServices&) = delete;

  // Services refer to hooks declared below them: only their addresses are taken here.
  RecordService pipelines, stages, leads, activities, accounts, sla_policies, tickets, comments,
      appointments, forms, submissions, agents, conversations, groups, notifications, outbox,
      segments, templates, campaigns, sequences;
  FormSubmitter form_submitter;

  // The service of a schema from crm::all().
  const RecordService& of(const EntitySchema& schema) const;

 private:
  PipelineHooks pipeline_hooks_;
  StageHooks stage_hooks_;
  LeadHooks lead_hooks_;
  ActivityHooks activity_hooks_;
  AccountHooks account_hooks_;
  SlaPolicyHooks sla_policy_hooks_;
  TicketHooks ticket_hooks_;
  CommentHooks comment_hooks_;
  AppointmentHooks appointment_hooks_;
  FormHooks form_hooks_;
  AgentHooks agent_hooks_;
  GroupHooks group_hooks_;
  SegmentHooks segment_hooks_;
  TemplateHooks template_hooks_;
  CampaignHooks campaign_hooks_;
  SequenceHooks sequence_hooks_;
};

}  // namespace sb
