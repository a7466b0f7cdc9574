// lead_score: points for what a contact has shown (details given, purchase intent,
// engagement, tags such as "booked") -> the contact's score; above a threshold the contact
// moves to a stage once. Settings (lead_score.conf, all optional):
//   email = 10, phone = 10, name = 5, intent_comparing = 15, intent_ready_to_buy = 40,
//   per_message = 1, max_messages = 20, tag_booked = 20, threshold = 60, stage = Qualified
#include <switchboard/plugin.hpp>

#include <algorithm>
#include <string>

namespace {

struct Points {
  long long email = 10, phone = 10, name = 5;
  long long intent_comparing = 15, intent_ready_to_buy = 40;
  long long per_message = 1, max_messages = 20, tag_booked = 20;
  long long threshold = 60;
  std::string stage = "Qualified";
};

long long setting(const switchboard::Plugin& p, const char* key, long long otherwise) {
  auto v = p.config(key);
  if (!v) return otherwise;
  try {
    return std::stoll(*v);
  } catch (const std::exception&) {
    p.log(SB_LOG_WARN, std::string("setting ") + key + " is not a number; using the default");
    return otherwise;
  }
}

long long score_of(const Points& pts, const switchboard::Json& c) {
  long long s = 0;
  if (!c["email"].as_string().empty()) s += pts.email;
  if (!c["phone"].as_string().empty()) s += pts.phone;
  if (!c["name"].as_string().empty()) s += pts.name;
  std::string intent = c["purchase_intent"].as_string();
  if (intent == "comparing") s += pts.intent_comparing;
  if (intent == "ready_to_buy") s += pts.intent_ready_to_buy;
  long long messages = c["activity"]["message_count"].as_int();
  s += std::min(messages, pts.max_messages) * pts.per_message;
  for (const auto& t : c["tags"].items()) {
    if (t.as_string() == "booked") s += pts.tag_booked;
  }
  return std::clamp(s, 0LL, 100LL);
}

// Writes the score (and the stage once over the threshold) when it changed.
switchboard::Json rescore(const Points& pts, switchboard::Call& call, long long contact_id) {
  auto c = call.contact(contact_id);
  if (!c) throw std::runtime_error("no contact " + std::to_string(contact_id) + " in this team");
  long long score = score_of(pts, *c);
  switchboard::Json patch = switchboard::Json::object();
  if ((*c)["score"].as_int(-1) != score) patch.set("score", score);
  bool qualifies =
      score >= pts.threshold && !pts.stage.empty() && (*c)["stage"].as_string() != pts.stage;
  if (qualifies) patch.set("stage", pts.stage);
  if (patch.size() > 0) call.update_contact(contact_id, patch);
  return switchboard::Json::object()
      .set("contact_id", contact_id)
      .set("score", score)
      .set("stage_set", qualifies);
}

}  // namespace

SWITCHBOARD_PLUGIN(plugin) {
  plugin.describe("lead_score", "1.0.0",
                  "Scores contacts from details, intent, engagement and bookings; moves "
                  "qualified ones to a stage");
  plugin.settings({"email", "phone", "name", "intent_comparing", "intent_ready_to_buy",
                   "per_message", "max_messages", "tag_booked", "threshold", "stage"});
  auto pts = std::make_shared<Points>();
  pts->email = setting(plugin, "email", pts->email);
  pts->phone = setting(plugin, "phone", pts->phone);
  pts->name = setting(plugin, "name", pts->name);
  pts->intent_comparing = setting(plugin, "intent_comparing", pts->intent_comparing);
  pts->intent_ready_to_buy = setting(plugin, "intent_ready_to_buy", pts->intent_ready_to_buy);
  pts->per_message = setting(plugin, "per_message", pts->per_message);
  pts->max_messages = setting(plugin, "max_messages", pts->max_messages);
  pts->tag_booked = setting(plugin, "tag_booked", pts->tag_booked);
  pts->threshold = setting(plugin, "threshold", pts->threshold);
  pts->stage = plugin.config_or("stage", pts->stage);

  // crm.actions["lead_score.update"](contact) / POST /v1/actions/lead_score.update {"id": N}
  plugin.action("update", "Recomputes one contact's score now; input: a contact or {id}",
                [pts](switchboard::Call& call, const switchboard::Json& input) {
                  long long id = input.is_number() ? input.as_int() : input["id"].as_int();
                  if (id <= 0) throw std::runtime_error("input needs the contact id: {\"id\": N}");
                  return rescore(*pts, call, id);
                });
  // Every change of a contact or a message from it re-scores it. Our own score write emits
  // contact.updated too: the second pass finds nothing to change and stops there.
  auto on_contact = [pts](switchboard::Call& call, const switchboard::Json& e) {
    if (e["subject_type"].as_string() != "contact") return;
    long long id = e["subject_id"].as_int();
    if (id > 0 && call.contact(id)) rescore(*pts, call, id);
  };
  plugin.on("contacts", "contact.*", on_contact);
  plugin.on("messages", "message.received", on_contact);
}
