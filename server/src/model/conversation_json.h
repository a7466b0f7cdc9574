// JSON form of chat messages and of the conversation summary carried by capture events.
#pragma once

#include <Poco/JSON/Object.h>

#include "model/conversation.h"

namespace sb {

Poco::JSON::Object message_to_json(const ChatMessage& m);
// What events and bot lookups carry about a conversation (the REST resource is the
// schema-described one).
Poco::JSON::Object conversation_summary_json(const Conversation& c);
// The payload of conversation.ended: counts and duration.
Poco::JSON::Object conversation_ended_json(const Conversation& c);

}  // namespace sb
