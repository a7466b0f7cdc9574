// Route table assembly.
#include "http/routes.h"

namespace sb {

Router build_routes(ApiServices& services) {
  Router router;
  add_system_routes(router, services);
  add_me_routes(router, services);
  add_auth_routes(router, services);
  add_stream_routes(router, services);
  add_api_key_routes(router, services);
  add_user_routes(router, services);
  add_custom_field_routes(router, services);
  add_settings_routes(router, services);
  add_webhook_routes(router, services);
  add_analytics_routes(router, services);
  add_contact_routes(router, services);
  add_note_routes(router, services);
  add_file_routes(router, services);
  add_event_routes(router, services);
  add_pipeline_routes(router, services);
  add_account_routes(router, services);
  add_ticket_routes(router, services);
  add_appointment_routes(router, services);
  add_form_routes(router, services);
  add_agent_routes(router, services);
  add_message_routes(router, services);
  add_conversation_routes(router, services);
  add_segment_routes(router, services);
  add_workflow_routes(router, services);
  add_plugin_routes(router, services);
  add_messaging_routes(router, services);
  add_campaign_routes(router, services);
  add_sequence_routes(router, services);
  add_tracking_routes(router, services);
  add_audit_routes(router, services);
  add_export_routes(router, services);
  add_import_routes(router, services);
  add_privacy_routes(router, services);
  return router;
}

}  // namespace sb
