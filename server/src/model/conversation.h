// Conversations and messages captured from chat agents, as plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/clock.h"

namespace sb {

struct Conversation {
  std::int64_t team_id = 0, id = 0, agent_id = 0, contact_id = 0;
  std::string external_id, platform;
  std::string status = "open";              // open|closed
  std::optional<std::string> close_reason;  // idle|resolved|closed
  EpochMs started_at = 0, last_message_at = 0;
  std::optional<EpochMs> ended_at, awaiting_since;  // awaiting: oldest unanswered user message
  std::int64_t message_count = 0, user_message_count = 0;
  bool handed_off = false, escalated = false, resolved = false;
  std::optional<std::int64_t> rating;
  std::optional<std::string> feedback;
  std::vector<std::string> topics;
  EpochMs created_at = 0, updated_at = 0;
};

struct ChatMessage {
  std::int64_t team_id = 0, id = 0, agent_id = 0, conversation_id = 0, contact_id = 0;
  std::string conversation_ref, external_id;
  std::string kind = "message";  // message|handoff|escalation|resolved|feedback
  std::string role = "user";     // user|bot|agent|system
  std::string text;
  EpochMs sent_at = 0;
  std::optional<std::string> sentiment;
  std::optional<double> sentiment_score;
  std::string attachments_json = "[]";
  std::string data_json = "{}";      // reason, rating, comment of conversation events
  std::string captured_json = "{}";  // what capture took from it (the ingest answer)
  EpochMs created_at = 0;
};

namespace chat_enums {
inline const std::vector<std::string_view> kKinds = {"message", "handoff", "escalation", "resolved",
                                                     "feedback"};
inline const std::vector<std::string_view> kRoles = {"user", "bot", "agent", "system"};
}  // namespace chat_enums

namespace chat_limits {
constexpr std::size_t kMaxBatch = 500;        // items per ingest request
constexpr std::size_t kMaxTextBytes = 32768;  // one message's text
constexpr std::size_t kMaxIdBytes = 200;      // external ids
constexpr std::size_t kMaxAttachments = 20;
constexpr std::size_t kMaxBotFields = 50;
constexpr std::size_t kMaxTopics = 20;
}  // namespace chat_limits

}  // namespace sb
