// Webhook type patterns and the delivery envelope.
#include "model/webhook.h"

#include <Poco/JSON/Object.h>

#include <sstream>

#include "model/error.h"
#include "model/event_catalog.h"

namespace sb {

namespace {

bool pattern_matches(std::string_view pattern, std::string_view type) {
  if (pattern == "*") return true;
  if (pattern.size() > 2 && pattern.substr(pattern.size() - 2) == ".*") {
    return type.substr(0, pattern.size() - 1) == pattern.substr(0, pattern.size() - 1);
  }
  return pattern == type;
}

bool valid_type(std::string_view t) {
  if (t.empty() || t.size() > 100 || t.front() == '.' || t.back() == '.') return false;
  char previous = 0;
  for (char c : t) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    if (!ok || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return true;
}

}  // namespace

bool WebhookSubscription::wants(std::string_view type) const {
  for (const auto& p : events) {
    if (pattern_matches(p, type)) return true;
  }
  return false;
}

void check_webhook_event_patterns(const std::vector<std::string>& patterns) {
  if (patterns.empty() || patterns.size() > 50)
    throw Error::validation("events", "must list 1 to 50 event type patterns");
  for (const auto& p : patterns) {
    const std::string_view family = p.size() > 2 && p.substr(p.size() - 2) == ".*"
                                        ? std::string_view(p).substr(0, p.size() - 2)
                                        : std::string_view(p);
    if (p != "*" && !valid_type(family)) {
      throw Error::validation("events", "'" + p +
                                            "' is not an event type, '<family>.*' or '*' "
                                            "(lower-case letters, digits, _ and dots)");
    }
    // A typo would subscribe to nothing, silently (webhook.test: the ping).
    if (p != "webhook.test" && !pattern_matches_known_event(p))
      throw Error::validation("events", "'" + p + "' matches no event type (docs/events.md)");
  }
}

std::string webhook_envelope(std::string_view id, std::string_view type, EpochMs created_at,
                             std::int64_t team_id, std::string_view data_json) {
  Poco::JSON::Object head(Poco::JSON_PRESERVE_KEY_ORDER);
  head.set("id", std::string(id));
  head.set("type", std::string(type));
  head.set("version", kWebhookEnvelopeVersion);
  head.set("created_at", format_iso8601(created_at));
  head.set("team_id", team_id);
  std::ostringstream out;
  head.stringify(out);
  std::string text = out.str();
  // The payload is spliced in as stored: no parse and re-serialise per delivery.
  text.pop_back();
  text += ",\"data\":";
  text += data_json.empty() ? std::string_view("{}") : data_json;
  text += '}';
  return text;
}

}  // namespace sb
