// The whole route table, built in one function so every route of the API is listed in one
// place. Each handlers/*.cpp file contributes its resource's routes.
#pragma once

#include "http/api_services.h"
#include "http/router.h"

namespace sb {

Router build_routes(ApiServices& services);

// One per resource, defined in handlers/<resource>_handler.cpp.
void add_system_routes(Router& router, ApiServices& services);  // /health, /metrics, openapi
void add_me_routes(Router& router, ApiServices& services);
void add_auth_routes(Router& router, ApiServices& services);    // sign-in, sessions, invites
void add_stream_routes(Router& router, ApiServices& services);  // GET /v1/stream (SSE)
// 403 unless the caller is an owner when `role` is owner (users_handler.cpp).
void require_owner_for(const Request& req, Role role);
void add_api_key_routes(Router& router, ApiServices& services);
void add_contact_routes(Router& router, ApiServices& services);
void add_note_routes(Router& router, ApiServices& services);
void add_file_routes(Router& router, ApiServices& services);
void add_user_routes(Router& router, ApiServices& services);
void add_event_routes(Router& router, ApiServices& services);
void add_custom_field_routes(Router& router, ApiServices& services);
void add_settings_routes(Router& router, ApiServices& services);
void add_webhook_routes(Router& router, ApiServices& services);    // subscriptions, deliveries
void add_analytics_routes(Router& router, ApiServices& services);  // counts per period
void add_pipeline_routes(Router& router, ApiServices& services);   // pipelines, stages, leads
void add_account_routes(Router& router, ApiServices& services);
void add_ticket_routes(Router& router, ApiServices& services);  // tickets, comments, SLA policies
void add_appointment_routes(Router& router, ApiServices& services);
void add_form_routes(Router& router, ApiServices& services);   // forms, submissions, POST /f/{slug}
void add_agent_routes(Router& router, ApiServices& services);  // agents, bot lookup and access
void add_message_routes(Router& router, ApiServices& services);       // chat ingestion, search
void add_conversation_routes(Router& router, ApiServices& services);  // + capture settings
void add_segment_routes(Router& router, ApiServices& services);
void add_workflow_routes(Router& router, ApiServices& services);  // + groups, notifications, outbox
void add_plugin_routes(Router& router, ApiServices& services);    // plugins, actions
void add_messaging_routes(Router& router, ApiServices& services);  // templates, do-not-contact
void add_campaign_routes(Router& router, ApiServices& services);
void add_sequence_routes(Router& router, ApiServices& services);  // + a contact's enrolments
void add_tracking_routes(Router& router, ApiServices& services);  // public: /t, /u, /hooks
void add_audit_routes(Router& router, ApiServices& services);
void add_privacy_routes(Router& router, ApiServices& services);  // /v1/settings/privacy
void add_import_routes(Router& router, ApiServices& services);
void add_export_routes(Router& router, ApiServices& services);  // + a contact's privacy export

}  // namespace sb
