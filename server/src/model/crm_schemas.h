// The CRM entities beyond contacts, declared as schemas: what each field is, which are
// required, read-only or filterable. One declaration drives validation, SQL, JSON and the
// OpenAPI description.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/record.h"

namespace sb::crm {

const EntitySchema& pipeline();
const EntitySchema& stage();
const EntitySchema& lead();
const EntitySchema& activity();
const EntitySchema& account();
const EntitySchema& sla_policy();
const EntitySchema& ticket();
const EntitySchema& comment();
const EntitySchema& appointment();
const EntitySchema& form();
const EntitySchema& submission();
const EntitySchema& agent();             // chatbots that post conversations (capture)
const EntitySchema& conversation();      // read-only over REST: capture writes them
const EntitySchema& user_group();        // users that assignment strategies pick from
const EntitySchema& notification();      // staff notifications (crm.notify)
const EntitySchema& outbox_message();    // messages workflows queued for the channel layer
const EntitySchema& segment();           // saved contact rules; membership in segment_members
const EntitySchema& message_template();  // email and SMS templates (model/message_template.h)
const EntitySchema& campaign();  // a message to an audience; recipients in campaign_recipients
const EntitySchema& sequence();  // steps over time; enrolments in sequence_enrollments

const std::vector<const EntitySchema*>& all();

// The stages a new team's default pipeline starts with: name, probability, won, lost.
struct DefaultStage {
  std::string_view name;
  double probability;
  bool won, lost;
};
const std::vector<DefaultStage>& default_stages();

// "https://www.Example.com/about" -> "example.com"; 422 naming `field` when it is not a
// host name.
std::string normalize_domain(std::string_view field, std::string_view raw);
// The domain of an email address ("" when there is none).
std::string email_domain(std::string_view email);

}  // namespace sb::crm
