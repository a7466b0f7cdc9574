#include "plugins/plugin_bus.h"

#include <Poco/UTF8String.h>

#include "model/contact_json.h"
#include "plugins/call_context.h"
#include "store/database.h"
#include "store/event_queue_store.h"

namespace sb::plugins {
namespace {

std::string quoted(const std::string& s) {
  return "\"" + Poco::UTF8::escape(s, /*strictJSON=*/true) + "\"";
}

std::string event_json(const StoredEvent& e) {
  return "{\"id\":" + std::to_string(e.id) + ",\"type\":" + quoted(e.type) +
         ",\"subject_type\":" + (e.subject_type.empty() ? "null" : quoted(e.subject_type)) +
         ",\"subject_id\":" + (e.subject_id ? std::to_string(*e.subject_id) : "null") +
         ",\"created_at\":" + std::to_string(e.created_at) +
         ",\"attempt\":" + std::to_string(e.attempts) +
         ",\"payload\":" + (e.payload_json.empty() ? "{}" : e.payload_json) + "}";
}

}  // namespace

Outcome PluginSubscriber::handle(const StoredEvent& e, DeliveryContext& context) {
  auto set = host_.current();
  Database& db = context.db();
  EventQueueStore queue(db.dialect());
  std::string json;
  std::string retry, failed;
  for (const auto& p : set->loaded) {
    for (const auto& sub : p->subscriptions) {
      if (!event_type_matches(sub.pattern, e.type)) continue;
      std::string key = "plugin:" + sub.name + ":e" + std::to_string(e.id);
      if (db.read([&](soci::session& s) { return queue.has_effect(s, e.team_id, key); })) continue;
      if (json.empty()) json = event_json(e);
      CallResult r = host_.invoke(*p, {e.team_id, &db, nullptr}, sub.fn, sub.user_data, json);
      if (r.status == SB_RETRY) {
        retry += (retry.empty() ? "" : "; ") + sub.name + ": " + r.error;
        continue;
      }
      if (r.status == SB_ERROR) failed += (failed.empty() ? "" : "; ") + sub.name + ": " + r.error;
      db.write([&](soci::session& s) { queue.claim_effect(s, e.team_id, key); });
    }
  }
  if (!retry.empty()) return Outcome::retry(retry + (failed.empty() ? "" : "; " + failed));
  if (!failed.empty()) return Outcome::fail(failed);
  return Outcome::ok();
}

void PluginExtractors::extract(std::string_view text, const CaptureSettings&,
                               std::vector<capture::Extracted>& out) const {
  auto set = host_.current();
  for (const auto& p : set->loaded) {
    for (const auto& x : p->extractors) {
      sb_extraction sink;
      sink.out = &out;
      sink.source = "plugin:" + x.name;
      x.fn(&sink, text.data(), text.size(), x.user_data);
    }
  }
}

}  // namespace sb::plugins
