// What a chat agent posts and what capture answers: items (messages and conversation
// events) already parsed and checked by the HTTP layer, and per-item results.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "capture/extractor.h"
#include "model/clock.h"

namespace sb::capture {

// A value the bot's own LLM extracted ("fields" of a message).
struct BotField {
  std::string key;  // email, phone, name, company, needs, interests, ... or a custom key
  std::vector<std::string> values;  // one, or several for list fields
  double confidence = 0.8;
};

struct IngestItem {
  std::size_t index = 0;         // position in the request
  std::string kind = "message";  // message|handoff|escalation|resolved|feedback
  std::string external_id, conversation_ref, platform, user_id;
  std::optional<std::string> user_name;
  std::string role = "user";
  std::string text;
  EpochMs sent_at = 0;
  std::string attachments_json = "[]";
  std::string data_json = "{}";  // reason / rating / comment of conversation events
  std::optional<std::int64_t> rating;
  std::optional<std::string> comment;
  std::vector<BotField> bot_fields;
  // Filled by Ingestor::extract: candidate values (bot fields first), refusals of bot
  // fields that could not be read, and the message's sentiment.
  std::vector<Extracted> extracted;
  std::vector<std::pair<std::string, std::string>> refused;  // field, reason
  std::optional<std::string> sentiment;
  std::optional<double> sentiment_score;
};

struct IngestRequest {
  std::int64_t team_id = 0;
  std::int64_t agent_id = 0;
  std::optional<std::int64_t> key_id;
  std::vector<IngestItem> items;
};

struct ItemResult {
  std::int64_t message_id = 0, conversation_id = 0, contact_id = 0;
  std::string capture_json =
      "{}";  // {"captured": [...], "ignored": [...]}, stored with the message
};

struct IngestResult {
  std::vector<ItemResult> items;  // one per request item, in order
};

}  // namespace sb::capture
