// /v1/agents (chatbots) and what a bot reads and writes in the CRM: contact lookup with
// open tickets, next appointment and recent conversations; a customer's own name, email
// and phone; the access check of restricted and paid agents.
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <algorithm>

#include "http/record_routes.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/conversation_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/field_sources.h"
#include "model/json_body.h"

namespace sb {
namespace {

bool is_bot(const Request& req) {
  return req.auth().role == Role::kAgentBot;
}

// The contact a lookup names: (platform, external_id), email or phone; exactly one.
std::optional<std::int64_t> find_contact(ApiServices& sv, soci::session& s, const Request& req) {
  const auto& convs = sv.ingestor.conversations();
  const std::int64_t team = req.auth().team_id;
  auto platform = req.query_param("platform"), external = req.query_param("external_id");
  auto email = req.query_param("email"), phone = req.query_param("phone");
  int selectors = (external ? 1 : 0) + (email ? 1 : 0) + (phone ? 1 : 0);
  if (selectors != 1) {
    throw Error(ErrorCode::kBadRequest,
                "look up by exactly one of: platform + external_id, email, phone");
  }
  for (const auto& [k, v] : req.query) {
    if (k != "platform" && k != "external_id" && k != "email" && k != "phone") {
      throw Error(ErrorCode::kBadRequest, "unknown parameter '" + k + "'", {{"param", k}});
    }
  }
  if (external) {
    if (!platform)
      throw Error(ErrorCode::kBadRequest, "external_id needs platform",
                  {{"param", std::string("platform")}});
    auto found = convs.resolve_identities(s, team, {{*platform, *external}});
    if (found.empty()) return std::nullopt;
    return found.begin()->second;
  }
  std::string column = email ? "email" : "phone";
  std::string value;
  try {
    value = email ? normalize_email("email", *email) : normalize_phone("phone", *phone);
  } catch (const Error& e) {
    throw Error(ErrorCode::kBadRequest, e.what(), {{"param", column}});
  }
  auto found = convs.contacts_by(s, team, column, {value});
  if (found.empty()) return std::nullopt;
  return found.begin()->second;
}

// A bot sees only the contacts that talked to it; a team key sees the team.
void require_visible(ApiServices& sv, soci::session& s, const Request& req,
                     std::int64_t contact_id) {
  if (!is_bot(req)) return;
  if (!sv.ingestor.conversations().agent_knows_contact(s, req.auth().team_id, req.path_id("id"),
                                                       contact_id)) {
    throw Error::not_found("contact", contact_id);
  }
}

Response lookup(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, agent = req.path_id("id");
  return sv.db.read([&](soci::session& s) {
    sv.crm.agents.require(s, team, agent);
    auto id = find_contact(sv, s, req);
    if (!id) throw Error(ErrorCode::kNotFound, "no contact matches this lookup");
    require_visible(sv, s, req, *id);
    Contact c = sv.contacts.require(s, team, *id);

    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("contact", contact_to_json(c));
    const auto& ticket = crm::ticket();
    RecordQuery tq;
    tq.limit = 10;
    tq.newest_first = true;
    tq.filters.push_back({ticket.index("contact_id"), {c.id}});
    tq.filters.push_back({ticket.index("status"), {std::string("open"), std::string("pending")}});
    Poco::JSON::Array tickets;
    for (const Record& r : sv.crm.tickets.list(s, team, tq))
      tickets.add(sv.crm.tickets.to_json(s, r));
    body.set("open_tickets", tickets);

    const auto& appt = crm::appointment();
    RecordQuery aq;
    aq.limit = 200;
    aq.filters.push_back({appt.index("contact_id"), {c.id}});
    aq.filters.push_back({appt.index("status"), {std::string("booked")}});
    std::optional<Record> next;
    EpochMs now = now_ms();
    for (Record& r : sv.crm.appointments.list(s, team, aq)) {
      std::int64_t at = r.int_or(appt, "starts_at", 0);
      if (at >= now && (!next || at < next->int_or(appt, "starts_at", 0))) next = std::move(r);
    }
    body.set("next_appointment", next ? Poco::Dynamic::Var(sv.crm.appointments.to_json(s, *next))
                                      : Poco::Dynamic::Var());

    Poco::JSON::Array recent;
    for (const Conversation& conv :
         sv.ingestor.conversations().recent_for_contact(s, team, c.id, 5)) {
      recent.add(conversation_summary_json(conv));
    }
    body.set("recent_conversations", recent);
    return Response::json(200, body);
  });
}

// "Update my email": a customer's own name, email and phone, through the bot.
Response patch_contact(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, agent = req.path_id("id");
  const std::int64_t contact_id = req.path_id("contact_id");
  JsonFields f(req.json());
  ContactPatch patch;
  f.read("name", patch.name, contact_limits::kMaxTextBytes);
  f.read("email", patch.email, 320);
  f.read("phone", patch.phone, 40);
  f.reject_unknown_as("(body)", "a bot may change only name, email and phone");
  if (!patch.name.present && !patch.email.present && !patch.phone.present) {
    throw Error::validation("(body)", "give at least one of name, email, phone");
  }
  Contact updated = sv.db.write([&](soci::session& s) {
    sv.crm.agents.require(s, team, agent);
    require_visible(sv, s, req, contact_id);
    Contact current = sv.contacts.require(s, team, contact_id, /*for_update=*/true);
    // The customer said it: capture (confidence below 1) will not overwrite it.
    FieldSources sources = FieldSources::parse(current.field_sources_json);
    FieldSource said{.source = "agent_api",
                     .confidence = 1.0,
                     .key_id = req.auth().actor().key_id,
                     .user_id = req.auth().actor().user_id,
                     .at = now_ms()};
    if (patch.name.present) sources.set("name", said);
    if (patch.email.present) sources.set("email", said);
    if (patch.phone.present) sources.set("phone", said);
    patch.field_sources.set(sources.to_json_text());
    return sv.contacts.update(s, team, contact_id, patch, std::nullopt, req.auth().actor());
  });
  return Response::json(200, contact_to_json(updated));
}

// Gated agents: restricted admits contacts already in the CRM (not blocked); paid also
// needs the agent's paid_tag on the contact. Public admits everyone.
Response access(ApiServices& sv, Request& req) {
  const std::int64_t team = req.auth().team_id, agent_id = req.path_id("id");
  JsonFields f(req.json());
  auto email = f.optional_string("email", 320);
  auto phone = f.optional_string("phone", 40);
  f.reject_unknown();
  if ((email ? 1 : 0) + (phone ? 1 : 0) != 1) {
    throw Error::validation("(body)", "give exactly one of email, phone");
  }
  std::string column = email ? "email" : "phone";
  std::string value = email ? normalize_email("email", *email) : normalize_phone("phone", *phone);
  Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
  sv.db.read([&](soci::session& s) {
    const auto& schema = crm::agent();
    Record agent = sv.crm.agents.require(s, team, agent_id);
    std::string visibility = agent.text_or(schema, "visibility", "public");
    body.set("visibility", visibility);
    auto deny = [&](const std::string& reason) {
      body.set("allowed", false);
      body.set("reason", reason);
    };
    if (visibility == "public") {
      body.set("allowed", true);
      body.set("reason", std::string("the agent is public"));
      return;
    }
    auto found = sv.ingestor.conversations().contacts_by(s, team, column, {value});
    if (found.empty()) return deny("no contact with this " + column + " in the CRM");
    Contact c = sv.contacts.require(s, team, found.begin()->second);
    if (c.status == "blocked") return deny("the contact is blocked");
    if (visibility == "paid") {
      std::string tag = agent.text_or(schema, "paid_tag", "");
      if (std::find(c.tags.begin(), c.tags.end(), tag) == c.tags.end()) {
        return deny("the contact has no active subscription (tag '" + tag + "')");
      }
    }
    body.set("allowed", true);
    body.set("reason",
             visibility == "paid" ? std::string("subscriber") : std::string("known contact"));
    body.set("contact_id", c.id);
  });
  return Response::json(200, body);
}

}  // namespace

void add_agent_routes(Router& router, ApiServices& sv) {
  add_record_routes(router, sv, sv.crm.agents,
                    {.base = "/v1/agents", .item_param = "id", .write_role = Role::kAdmin});
  router.add(Route::get("/v1/agents/{id}/contacts/lookup", Role::kAgent,
                        [&sv](Request& r) { return lookup(sv, r); })
                 .for_agent_bot()
                 .reads_personal_data());
  router.add(Route::patch("/v1/agents/{id}/contacts/{contact_id}", Role::kAgent,
                          [&sv](Request& r) { return patch_contact(sv, r); })
                 .json_body()
                 .for_agent_bot());
  router.add(Route::post("/v1/agents/{id}/access", Role::kAgent,
                         [&sv](Request& r) { return access(sv, r); })
                 .json_body()
                 .for_agent_bot());
}

}  // namespace sb
