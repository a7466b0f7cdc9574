// Chat messages and conversation summaries as JSON.
#include "model/conversation_json.h"

#include <Poco/JSON/Parser.h>

#include "model/contact_json.h"

namespace sb {

Poco::JSON::Object message_to_json(const ChatMessage& m) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  Poco::JSON::Parser parser;
  o.set("id", m.id);
  o.set("external_id", m.external_id);
  o.set("conversation_id", m.conversation_id);
  o.set("conversation_external_id", m.conversation_ref);
  o.set("agent_id", m.agent_id);
  o.set("contact_id", m.contact_id);
  o.set("type", m.kind);
  o.set("role", m.role);
  o.set("text", m.text);
  o.set("sent_at", format_iso8601(m.sent_at));
  o.set("sentiment", or_null(m.sentiment));
  o.set("sentiment_score",
        m.sentiment_score ? Poco::Dynamic::Var(*m.sentiment_score) : Poco::Dynamic::Var());
  o.set("attachments", parser.parse(m.attachments_json));
  parser.reset();
  auto data = parser.parse(m.data_json).extract<Poco::JSON::Object::Ptr>();
  for (const auto& [k, v] : *data) o.set(k, v);  // reason, rating, comment of events
  o.set("created_at", format_iso8601(m.created_at));
  return o;
}

Poco::JSON::Object conversation_summary_json(const Conversation& c) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", c.id);
  o.set("external_id", c.external_id);
  o.set("agent_id", c.agent_id);
  o.set("contact_id", c.contact_id);
  o.set("platform", c.platform);
  o.set("status", c.status);
  o.set("started_at", format_iso8601(c.started_at));
  o.set("last_message_at", format_iso8601(c.last_message_at));
  o.set("message_count", c.message_count);
  o.set("user_message_count", c.user_message_count);
  o.set("handed_off", c.handed_off);
  o.set("escalated", c.escalated);
  o.set("resolved", c.resolved);
  o.set("topics", string_array(c.topics));
  return o;
}

Poco::JSON::Object conversation_ended_json(const Conversation& c) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  EpochMs end = c.ended_at.value_or(c.last_message_at);
  o.set("conversation", conversation_summary_json(c));
  o.set("contact_id", c.contact_id);
  o.set("agent_id", c.agent_id);
  o.set("reason", or_null(c.close_reason));
  o.set("message_count", c.message_count);
  o.set("user_message_count", c.user_message_count);
  o.set("bot_message_count", c.message_count - c.user_message_count);
  o.set("duration_seconds", static_cast<double>(end - c.started_at) / 1000.0);
  o.set("ended_at", format_iso8601(end));
  return o;
}

}  // namespace sb
