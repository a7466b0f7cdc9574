// crm.* bindings. Expected failures return nil plus a reason; misuse raises an error that
// points at the admin's line.
#include "workflows/crm_api.h"

#include <Poco/JSON/Parser.h>
#include <soci/soci.h>
#include <lua.hpp>

#include <algorithm>
#include <cctype>

#include "model/contact_filter.h"
#include "model/contact_json.h"
#include "model/contact_patch_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/record_rules.h"
#include "plugins/plugin_host.h"
#include "store/outbox_queue.h"
#include "workflows/lua_json.h"
#include "workflows/lua_sandbox.h"
#include "workflows/timer.h"

namespace sb::wf {

void RunContext::record(const std::string& action_json) {
  if (!actions.empty()) actions += ',';
  actions += action_json;
}

namespace {

// Raises `msg` at the caller's line (level 2: the Lua code that called crm.*).
[[noreturn]] void raise(lua_State* L, const std::string& msg) {
  luaL_where(L, 1);
  lua_pushlstring(L, msg.data(), msg.size());
  lua_concat(L, 2);
  lua_error(L);
  std::abort();
}

RunContext& ctx_of(lua_State* L, const char* fn) {
  auto* ctx = static_cast<RunContext*>(LuaSandbox::of(L).user);
  if (!ctx) raise(L, std::string("crm.") + fn + " can only be called while a handler runs");
  if (!ctx->failed.empty()) {
    raise(L, std::string("crm.") + fn + ": an earlier crm call failed in this run (" + ctx->failed +
                 ")");
  }
  return *ctx;
}

RunContext& writer_of(lua_State* L, const char* fn) {
  RunContext& ctx = ctx_of(L, fn);
  if (ctx.before_hook) {
    raise(L, std::string("crm.") + fn +
                 " is not allowed in before hooks (they may only read, set fields or reject); "
                 "do it in on(...)");
  }
  return ctx;
}

std::string describe(const Error& e) {
  std::string msg = e.what();
  for (const ErrorDetail& d : e.details()) {
    if (d.key == "field" || d.key == "id") {
      msg += " (" + d.key + ": " +
             (std::holds_alternative<std::string>(d.value)
                  ? std::get<std::string>(d.value)
                  : std::to_string(std::get<std::int64_t>(d.value))) +
             ")";
    }
  }
  return msg;
}

// Calls `body`, turning server errors into Lua errors at the admin's line. Store errors that
// may have left the transaction unusable mark the run failed.
template <class F>
int guarded(lua_State* L, const char* fn, F&& body) {
  std::string err;
  try {
    return body();
  } catch (const Error& e) {
    err = describe(e);
    auto code = e.code();
    if (code == ErrorCode::kConflict || code == ErrorCode::kInternal ||
        code == ErrorCode::kUnavailable) {
      if (auto* ctx = static_cast<RunContext*>(LuaSandbox::of(L).user)) ctx->failed = err;
    }
  } catch (const soci::soci_error& e) {
    err = "database error";
    if (auto* ctx = static_cast<RunContext*>(LuaSandbox::of(L).user)) ctx->failed = e.what();
  } catch (const std::exception& e) {
    err = e.what();
  }
  raise(L, std::string("crm.") + fn + ": " + err);
}

std::int64_t id_arg(lua_State* L, int idx, const char* fn, const char* what) {
  if (lua_isinteger(L, idx)) return lua_tointeger(L, idx);
  if (lua_istable(L, idx)) {
    lua_getfield(L, idx, "id");
    if (lua_isinteger(L, -1)) {
      std::int64_t id = lua_tointeger(L, -1);
      lua_pop(L, 1);
      return id;
    }
    lua_pop(L, 1);
  }
  raise(L, std::string("crm.") + fn + ": argument " + std::to_string(idx) + " must be a " + what +
               " or its id");
}

std::string string_arg(lua_State* L, int idx, const char* fn, const char* what) {
  if (lua_type(L, idx) != LUA_TSTRING) {
    raise(L, std::string("crm.") + fn + ": " + what + " must be a string");
  }
  std::size_t n = 0;
  const char* s = lua_tolstring(L, idx, &n);
  return std::string(s, n);
}

void push_contact(lua_State* L, const Contact& c) {
  push_json(L, contact_json_text(c));
}

Poco::JSON::Object::Ptr object_arg(lua_State* L, int idx, const char* fn, const char* what) {
  if (!lua_istable(L, idx)) raise(L, std::string("crm.") + fn + ": " + what + " must be a table");
  std::string json = to_json(L, idx, what);
  if (json == "[]" || json.empty() || json[0] != '{') {
    if (json == "{}" || lua_rawlen(L, idx) == 0) return new Poco::JSON::Object;
    raise(L, std::string("crm.") + fn + ": " + what + " must be a table with named fields");
  }
  return parse_json_object(json);
}

Contact update_contact(RunContext& ctx, std::int64_t id, const ContactPatch& patch,
                       std::vector<std::string>* changed = nullptr) {
  return ctx.sv.contacts.update(ctx.s, ctx.def.team_id, id, patch, std::nullopt, Actor::none(),
                                changed);
}

void record_contact_action(RunContext& ctx, const char* action, std::int64_t id,
                           const std::vector<std::string>& changed, const std::string& extra = "") {
  std::string fields = "[";
  for (const auto& f : changed) fields += (fields.size() > 1 ? "," : "") + json_quoted(f);
  fields += "]";
  ctx.record(std::string("{\"action\":\"") + action + "\",\"contact_id\":" + std::to_string(id) +
             ",\"changed\":" + fields + extra + "}");
}

// ---- contacts ----

int crm_get(lua_State* L) {
  RunContext& ctx = ctx_of(L, "get");
  std::int64_t id = id_arg(L, 1, "get", "contact");
  return guarded(L, "get", [&] {
    auto c = ctx.sv.contacts.get(ctx.s, ctx.def.team_id, id);
    if (!c) {
      lua_pushnil(L);
      lua_pushliteral(L, "not_found");
      return 2;
    }
    push_contact(L, *c);
    return 1;
  });
}

int crm_find(lua_State* L) {
  RunContext& ctx = ctx_of(L, "find");
  std::string filter = lua_isnoneornil(L, 1) ? "{}" : to_json(L, 1, "crm.find filter");
  int limit = 50;
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "limit");
    if (lua_isinteger(L, -1)) limit = static_cast<int>(lua_tointeger(L, -1));
    lua_pop(L, 1);
  }
  if (limit < 1 || limit > 500) raise(L, "crm.find: limit must be 1..500");
  return guarded(L, "find", [&] {
    FilterNode node = parse_filter_json_text(filter == "[]" ? "{}" : filter);
    ContactPage page =
        ctx.sv.contacts.list(ctx.s, ctx.def.team_id, node, ContactSort{}, std::nullopt, limit);
    lua_createtable(L, static_cast<int>(page.contacts.size()), 0);
    lua_Integer i = 1;
    for (const Contact& c : page.contacts) {
      push_contact(L, c);
      lua_rawseti(L, -2, i++);
    }
    return 1;
  });
}

// Writes the patch, records the action when something changed, returns the contact.
int write_contact(lua_State* L, RunContext& ctx, const char* fn, std::int64_t id,
                  const ContactPatch& patch) {
  std::vector<std::string> changed;
  Contact c = update_contact(ctx, id, patch, &changed);
  if (!changed.empty()) record_contact_action(ctx, fn, id, changed);
  push_contact(L, c);
  return 1;
}

int apply_fields(lua_State* L, const char* fn, std::int64_t id, Poco::JSON::Object::Ptr fields) {
  RunContext& ctx = writer_of(L, fn);
  return guarded(L, fn, [&] {
    JsonFields f(fields);
    ContactPatch patch = read_contact_patch(f);
    f.reject_unknown();
    return write_contact(L, ctx, fn, id, patch);
  });
}

int crm_update(lua_State* L) {
  writer_of(L, "update");
  std::int64_t id = id_arg(L, 1, "update", "contact");
  return apply_fields(L, "update", id, object_arg(L, 2, "update", "fields"));
}

int set_one(lua_State* L, const char* fn, const char* field) {
  writer_of(L, fn);
  std::int64_t id = id_arg(L, 1, fn, "contact");
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  if (lua_isnil(L, 2)) {
    o->set(field, Poco::Dynamic::Var());
  } else {
    o->set(field, string_arg(L, 2, fn, field));
  }
  return apply_fields(L, fn, id, o);
}

int crm_set_stage(lua_State* L) {
  return set_one(L, "set_stage", "stage");
}
int crm_set_status(lua_State* L) {
  return set_one(L, "set_status", "status");
}

int change_tags(lua_State* L, const char* fn, bool add) {
  RunContext& ctx = writer_of(L, fn);
  std::int64_t id = id_arg(L, 1, fn, "contact");
  std::vector<std::string> tags;
  for (int i = 2; i <= lua_gettop(L); ++i) {
    if (lua_istable(L, i)) {
      for (lua_Integer k = 1; k <= static_cast<lua_Integer>(lua_rawlen(L, i)); ++k) {
        lua_rawgeti(L, i, k);
        tags.push_back(string_arg(L, -1, fn, "tag"));
        lua_pop(L, 1);
      }
    } else {
      tags.push_back(string_arg(L, i, fn, "tag"));
    }
  }
  return guarded(L, fn, [&] {
    Contact c = ctx.sv.contacts.require(ctx.s, ctx.def.team_id, id, true);
    std::vector<std::string> next = c.tags;
    for (const auto& t : tags) {
      auto it = std::find(next.begin(), next.end(), t);
      if (add && it == next.end()) next.push_back(t);
      if (!add && it != next.end()) next.erase(it);
    }
    ContactPatch patch;
    patch.tags.present = true;
    patch.tags.value = next;
    return write_contact(L, ctx, fn, id, patch);
  });
}

int crm_tag(lua_State* L) {
  return change_tags(L, "tag", true);
}
int crm_untag(lua_State* L) {
  return change_tags(L, "untag", false);
}

int crm_add_note(lua_State* L) {
  RunContext& ctx = writer_of(L, "add_note");
  std::int64_t id = id_arg(L, 1, "add_note", "contact");
  std::string text = string_arg(L, 2, "add_note", "text");
  return guarded(L, "add_note", [&] {
    ctx.sv.contacts.require(ctx.s, ctx.def.team_id, id);
    Note n = ctx.sv.notes.add(ctx.s, ctx.def.team_id, id, text, false, Actor::none());
    ctx.record("{\"action\":\"add_note\",\"contact_id\":" + std::to_string(id) +
               ",\"note_id\":" + std::to_string(n.id) + "}");
    lua_pushinteger(L, n.id);
    return 1;
  });
}

// ---- assignment ----

std::optional<Record> group_by_name(RunContext& ctx, const std::string& name) {
  const RecordService& groups = ctx.sv.crm.groups;
  RecordQuery q;
  std::string lowered = name;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  q.filters.push_back({groups.schema().index("name"), {FieldValue(lowered)}});
  q.limit = 1;
  auto rows = groups.list(ctx.s, ctx.def.team_id, q);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<std::int64_t> active_members(RunContext& ctx, const Record& group) {
  Poco::JSON::Parser parser;
  auto arr = parser.parse(group.text_or(crm::user_group(), "members", "[]"))
                 .extract<Poco::JSON::Array::Ptr>();
  std::vector<std::int64_t> ids;
  for (std::size_t i = 0; i < arr->size(); ++i) ids.push_back(arr->getElement<std::int64_t>(i));
  return ctx.sv.users.active_ids(ctx.s, ctx.def.team_id, ids);
}

std::string opt_string(lua_State* L, int idx, const char* key) {
  if (!lua_istable(L, idx)) return {};
  lua_getfield(L, idx, key);
  std::string out = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "";
  lua_pop(L, 1);
  return out;
}

int crm_assign(lua_State* L) {
  RunContext& ctx = writer_of(L, "assign");
  std::int64_t id = id_arg(L, 1, "assign", "contact");
  std::string strategy = opt_string(L, 2, "strategy");
  if (strategy.empty()) strategy = "round_robin";
  std::string group = opt_string(L, 2, "group");
  std::int64_t user = 0;
  bool force = false;
  if (lua_istable(L, 2)) {
    lua_getfield(L, 2, "user");
    if (!lua_isnil(L, -1)) user = id_arg(L, lua_gettop(L), "assign", "user");
    lua_pop(L, 1);
    lua_getfield(L, 2, "force");
    force = lua_toboolean(L, -1);
    lua_pop(L, 1);
  }
  if (strategy != "round_robin" && strategy != "least_loaded" && strategy != "user") {
    raise(L, "crm.assign: strategy must be round_robin, least_loaded or user");
  }
  if (strategy == "user" && user == 0) raise(L, "crm.assign: strategy user needs opts.user");
  if (strategy != "user" && group.empty())
    raise(L, "crm.assign: " + strategy + " needs opts.group");
  return guarded(L, "assign", [&]() -> int {
    Contact c = ctx.sv.contacts.require(ctx.s, ctx.def.team_id, id, true);
    if (c.owner_id && !force) {  // already someone's: keep it unless forced
      lua_pushinteger(L, *c.owner_id);
      lua_pushliteral(L, "already_assigned");
      return 2;
    }
    std::int64_t pick = user;
    std::int64_t group_id = 0;
    if (strategy != "user") {
      auto g = group_by_name(ctx, group);
      if (!g) {
        lua_pushnil(L);
        lua_pushliteral(L, "no_such_group");
        return 2;
      }
      group_id = g->id;
      std::vector<std::int64_t> members = active_members(ctx, *g);
      if (members.empty()) {
        lua_pushnil(L);
        lua_pushliteral(L, "group_has_no_active_members");
        return 2;
      }
      std::int64_t last = ctx.sv.workflows.cursor(ctx.s, ctx.def.team_id, group_id);
      auto after_last = [&](const std::vector<std::int64_t>& candidates) {
        auto it = std::upper_bound(candidates.begin(), candidates.end(), last);
        return it == candidates.end() ? candidates.front() : *it;
      };
      if (strategy == "round_robin") {
        pick = after_last(members);
      } else {
        auto loads = ctx.sv.workflows.owner_loads(ctx.s, ctx.def.team_id, members);
        std::int64_t best = INT64_MAX;
        std::vector<std::int64_t> lightest;
        for (std::int64_t m : members) {
          std::int64_t n = loads.count(m) ? loads[m] : 0;
          if (n < best) lightest.clear();
          if (n <= best) {
            best = n;
            lightest.push_back(m);
          }
        }
        pick = after_last(lightest);  // ties rotate, so equal loads share work
      }
      ctx.sv.workflows.set_cursor(ctx.s, ctx.def.team_id, group_id, pick);
    }
    ContactPatch patch;
    patch.owner_id.present = true;
    patch.owner_id.value = pick;
    std::vector<std::string> changed;
    update_contact(ctx, id, patch, &changed);
    record_contact_action(ctx, "assign", id, changed,
                          ",\"user_id\":" + std::to_string(pick) + ",\"strategy\":\"" + strategy +
                              "\"" + (group_id ? ",\"group_id\":" + std::to_string(group_id) : ""));
    lua_pushinteger(L, pick);
    return 1;
  });
}

// ---- records: tickets, leads ----

// A table argument as record input: `contact = <contact>` becomes contact_id.
Poco::JSON::Object::Ptr record_fields(lua_State* L, int idx, const char* fn) {
  Poco::JSON::Object::Ptr o = object_arg(L, idx, fn, "fields");
  if (o->has("contact")) {
    lua_getfield(L, idx, "contact");
    std::int64_t cid = id_arg(L, lua_gettop(L), fn, "contact");
    lua_pop(L, 1);
    o->remove("contact");
    o->set("contact_id", cid);
  }
  return o;
}

int push_record(lua_State* L, RunContext& ctx, const RecordService& svc, const Record& r) {
  push_json(L, json_text(svc.to_json(ctx.s, r)));
  return 1;
}

int create_record(lua_State* L, const char* fn, const RecordService& svc, std::int64_t parent,
                  Poco::JSON::Object::Ptr fields) {
  RunContext& ctx = writer_of(L, fn);
  return guarded(L, fn, [&] {
    RecordInput in = read_record_input(svc.schema(), *fields, InputMode::kCreate);
    Record r = svc.create(ctx.s, ctx.def.team_id, in, parent, WriteContext{});
    ctx.record(std::string("{\"action\":\"") + fn + "\",\"id\":" + std::to_string(r.id) + "}");
    return push_record(L, ctx, svc, r);
  });
}

int update_record(lua_State* L, const char* fn, const RecordService& svc, std::int64_t id,
                  Poco::JSON::Object::Ptr fields) {
  RunContext& ctx = writer_of(L, fn);
  return guarded(L, fn, [&] {
    RecordInput in = read_record_input(svc.schema(), *fields, InputMode::kUpdate);
    Record r = svc.update(ctx.s, ctx.def.team_id, id, in, 0, WriteContext{});
    ctx.record(std::string("{\"action\":\"") + fn + "\",\"id\":" + std::to_string(id) + "}");
    return push_record(L, ctx, svc, r);
  });
}

int crm_ticket_create(lua_State* L) {
  writer_of(L, "tickets.create");
  return create_record(L, "tickets.create", ctx_of(L, "tickets.create").sv.crm.tickets, 0,
                       record_fields(L, 1, "tickets.create"));
}

int crm_ticket_update(lua_State* L) {
  RunContext& ctx = writer_of(L, "tickets.update");
  std::int64_t id = id_arg(L, 1, "tickets.update", "ticket");
  return update_record(L, "tickets.update", ctx.sv.crm.tickets, id,
                       record_fields(L, 2, "tickets.update"));
}

int crm_ticket_comment(lua_State* L) {
  RunContext& ctx = writer_of(L, "tickets.comment");
  std::int64_t id = id_arg(L, 1, "tickets.comment", "ticket");
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("body", string_arg(L, 2, "tickets.comment", "text"));
  if (lua_istable(L, 3)) {
    lua_getfield(L, 3, "internal");
    o->set("internal", static_cast<bool>(lua_toboolean(L, -1)));
    lua_pop(L, 1);
  }
  return create_record(L, "tickets.comment", ctx.sv.crm.comments, id, o);
}

int crm_lead_create(lua_State* L) {
  writer_of(L, "leads.create");
  return create_record(L, "leads.create", ctx_of(L, "leads.create").sv.crm.leads, 0,
                       record_fields(L, 1, "leads.create"));
}

int crm_lead_move(lua_State* L) {
  RunContext& ctx = writer_of(L, "leads.move");
  std::int64_t id = id_arg(L, 1, "leads.move", "lead");
  bool by_name = lua_type(L, 2) == LUA_TSTRING;
  std::int64_t stage = by_name ? 0 : id_arg(L, 2, "leads.move", "stage");
  std::string name = by_name ? lua_tostring(L, 2) : "";
  return guarded(L, "leads.move", [&] {
    if (by_name) {
      Record lead = ctx.sv.crm.leads.require(ctx.s, ctx.def.team_id, id);
      std::int64_t pipeline = lead.int_or(crm::lead(), "pipeline_id", 0);
      RecordQuery q;
      q.limit = 200;
      for (const Record& st : ctx.sv.crm.stages.list(ctx.s, ctx.def.team_id, q, pipeline)) {
        if (st.text_or(crm::stage(), "name", "") == name) stage = st.id;
      }
      if (!stage)
        throw Error::validation("stage", "no stage named '" + name + "' in the lead's pipeline");
    }
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("stage_id", stage);
    RecordInput in = read_record_input(crm::lead(), *o, InputMode::kUpdate);
    Record r = ctx.sv.crm.leads.update(ctx.s, ctx.def.team_id, id, in, 0, WriteContext{});
    ctx.record("{\"action\":\"leads.move\",\"id\":" + std::to_string(id) +
               ",\"stage_id\":" + std::to_string(stage) + "}");
    return push_record(L, ctx, ctx.sv.crm.leads, r);
  });
}

// ---- messaging (queued in the outbox until the channel layer sends) ----

int queue_message(lua_State* L, RunContext& ctx, const char* fn, const std::string& channel,
                  std::optional<std::int64_t> contact, const std::string& recipient,
                  const std::string& tmpl, const std::string& body, const std::string& data) {
  std::int64_t id = queue_outbox_message(ctx.s, ctx.sv.crm.outbox,
                                         {.team_id = ctx.def.team_id,
                                          .channel = channel,
                                          .contact_id = contact,
                                          .recipient = recipient,
                                          .template_name = tmpl,
                                          .body = body,
                                          .data_json = data,
                                          .source = "workflow:" + ctx.def.name});
  ctx.record(std::string("{\"action\":\"") + fn + "\",\"outbox_id\":" + std::to_string(id) +
             (contact ? ",\"contact_id\":" + std::to_string(*contact) : "") + "}");
  lua_pushinteger(L, id);
  return 1;
}

int crm_email_send(lua_State* L) {
  RunContext& ctx = writer_of(L, "email.send");
  std::int64_t id = id_arg(L, 1, "email.send", "contact");
  std::string tmpl = string_arg(L, 2, "email.send", "template");
  std::string vars = lua_isnoneornil(L, 3) ? "{}" : to_json(L, 3, "crm.email.send vars");
  if (vars.empty() || vars[0] != '{') vars = "{}";
  return guarded(L, "email.send", [&]() -> int {
    Contact c = ctx.sv.contacts.require(ctx.s, ctx.def.team_id, id);
    if (!c.email) {
      lua_pushnil(L);
      lua_pushliteral(L, "no_email");
      return 2;
    }
    return queue_message(L, ctx, "email.send", "email", id, *c.email, tmpl, "", vars);
  });
}

int crm_sms_send(lua_State* L) {
  RunContext& ctx = writer_of(L, "sms.send");
  std::int64_t id = id_arg(L, 1, "sms.send", "contact");
  std::string text, tmpl, vars = "{}";
  if (lua_istable(L, 2)) {
    // {template = "name", vars = {...}}: a template, which a channel's session window never
    // holds back (free-form text only goes within it).
    lua_getfield(L, 2, "template");
    if (lua_type(L, -1) != LUA_TSTRING || lua_rawlen(L, -1) == 0) {
      raise(L, "crm.sms.send: expected text or {template = \"name\", vars = {...}}");
    }
    tmpl = lua_tostring(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, 2, "vars");
    if (!lua_isnil(L, -1)) vars = to_json(L, lua_absindex(L, -1), "crm.sms.send vars");
    lua_pop(L, 1);
    if (vars.empty() || vars[0] != '{') vars = "{}";
  } else {
    text = string_arg(L, 2, "sms.send", "text");
    if (text.empty() || text.size() > 1600) raise(L, "crm.sms.send: text must be 1..1600 bytes");
  }
  return guarded(L, "sms.send", [&]() -> int {
    Contact c = ctx.sv.contacts.require(ctx.s, ctx.def.team_id, id);
    if (!c.phone) {
      lua_pushnil(L);
      lua_pushliteral(L, "no_phone");
      return 2;
    }
    return queue_message(L, ctx, "sms.send", "sms", id, *c.phone, tmpl, text, vars);
  });
}

// ---- sequences ----

// A sequence given by id or by name.
std::int64_t sequence_arg(lua_State* L, RunContext& ctx, int index, const char* fn) {
  if (lua_type(L, index) != LUA_TSTRING) return id_arg(L, index, fn, "sequence");
  std::string name = lua_tostring(L, index);
  const RecordService& sequences = ctx.sv.crm.sequences;
  RecordQuery q;
  q.filters.push_back({sequences.schema().index("name"), {FieldValue(name)}});
  q.limit = 1;
  auto rows = sequences.list(ctx.s, ctx.def.team_id, q);
  if (rows.empty()) throw Error::validation("sequence", "no sequence named '" + name + "'");
  return rows.front().id;
}

int crm_sequence_enroll(lua_State* L) {
  RunContext& ctx = writer_of(L, "sequences.enroll");
  std::int64_t contact = id_arg(L, 1, "sequences.enroll", "contact");
  return guarded(L, "sequences.enroll", [&]() -> int {
    std::int64_t seq = sequence_arg(L, ctx, 2, "sequences.enroll");
    auto [e, created] =
        ctx.sv.sequences.enroll(ctx.s, ctx.def.team_id, seq, contact, "workflow:" + ctx.def.name);
    if (!created) {
      lua_pushnil(L);
      lua_pushliteral(L, "already_enrolled");
      return 2;
    }
    ctx.record("{\"action\":\"sequences.enroll\",\"sequence_id\":" + std::to_string(seq) +
               ",\"contact_id\":" + std::to_string(contact) +
               ",\"enrollment_id\":" + std::to_string(e.id) + "}");
    lua_pushinteger(L, e.id);
    return 1;
  });
}

int crm_sequence_exit(lua_State* L) {
  RunContext& ctx = writer_of(L, "sequences.exit");
  std::int64_t contact = id_arg(L, 1, "sequences.exit", "contact");
  return guarded(L, "sequences.exit", [&]() -> int {
    std::int64_t seq = sequence_arg(L, ctx, 2, "sequences.exit");
    const SequenceStore& store = ctx.sv.sequences;
    auto e = store.find(ctx.s, ctx.def.team_id, seq, contact);
    bool exited = e && store.exit(ctx.s, *e, "workflow:" + ctx.def.name);
    if (exited) {
      ctx.record("{\"action\":\"sequences.exit\",\"sequence_id\":" + std::to_string(seq) +
                 ",\"contact_id\":" + std::to_string(contact) + "}");
    }
    lua_pushboolean(L, exited);
    return 1;
  });
}

int crm_webhook_post(lua_State* L) {
  RunContext& ctx = writer_of(L, "webhook.post");
  std::string url = string_arg(L, 1, "webhook.post", "url");
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    raise(L, "crm.webhook.post: url must start with http:// or https://");
  }
  std::string body = lua_isnoneornil(L, 2) ? "{}" : to_json(L, 2, "crm.webhook.post body");
  if (body.size() > 64 * 1024) raise(L, "crm.webhook.post: body over 64 KiB");
  return guarded(L, "webhook.post", [&] {
    return queue_message(L, ctx, "webhook.post", "webhook", std::nullopt, url, "", body, "{}");
  });
}

// ---- staff ----

int crm_notify(lua_State* L) {
  RunContext& ctx = writer_of(L, "notify");
  bool to_group = lua_type(L, 1) == LUA_TSTRING;
  std::int64_t user = to_group ? 0 : id_arg(L, 1, "notify", "user");
  std::string group = to_group ? lua_tostring(L, 1) : "";
  std::string text = string_arg(L, 2, "notify", "text");
  std::optional<std::int64_t> contact;
  if (!lua_isnoneornil(L, 3)) contact = id_arg(L, 3, "notify", "contact");
  return guarded(L, "notify", [&]() -> int {
    std::vector<std::int64_t> users{user};
    if (to_group) {
      auto g = group_by_name(ctx, group);
      if (!g) {
        lua_pushnil(L);
        lua_pushliteral(L, "no_such_group");
        return 2;
      }
      users = active_members(ctx, *g);
    } else {
      ctx.sv.users.require_active(ctx.s, ctx.def.team_id, user, "user");
    }
    const RecordService& notes = ctx.sv.crm.notifications;
    const EntitySchema& schema = notes.schema();
    for (std::int64_t u : users) {
      Record r;
      r.team_id = ctx.def.team_id;
      r.values.resize(schema.fields.size());
      r.set(schema, "user_id", FieldValue(u));
      r.set(schema, "text", FieldValue(text));
      if (contact) r.set(schema, "contact_id", FieldValue(*contact));
      r.set(schema, "source", FieldValue("workflow:" + ctx.def.name));
      r.set(schema, "read", FieldValue(std::int64_t{0}));
      notes.insert(ctx.s, r, WriteContext{});
    }
    std::string list = "[";
    for (std::int64_t u : users) list += (list.size() > 1 ? "," : "") + std::to_string(u);
    ctx.record("{\"action\":\"notify\",\"users\":" + list + "]}");
    lua_pushinteger(L, static_cast<lua_Integer>(users.size()));
    return 1;
  });
}

// ---- time ----

int crm_now(lua_State* L) {
  lua_pushinteger(L, now_ms());
  return 1;
}

int crm_later(lua_State* L) {
  RunContext& ctx = writer_of(L, "later");
  TimerRequest t;
  if (lua_isinteger(L, 1)) {
    t.delay_ms = lua_tointeger(L, 1) * 1000;
  } else {
    std::string d = string_arg(L, 1, "later", "delay");
    auto ms = parse_delay(d);
    if (!ms) raise(L, "crm.later: delay '" + d + "' is not like 45s, 10m, 2h, 3d or 1h30m");
    t.delay_ms = *ms;
  }
  if (t.delay_ms < 0 || t.delay_ms > 366LL * 24 * 3600 * 1000) {
    raise(L, "crm.later: delay must be between 0 and 366 days");
  }
  t.name = string_arg(L, 2, "later", "handler name");
  t.data_json = lua_isnoneornil(L, 3) ? "null" : to_json(L, 3, "crm.later data");
  if (t.data_json.size() > 64 * 1024) raise(L, "crm.later: data over 64 KiB");
  t.contact_id = ctx.event_contact;
  if (lua_istable(L, 3)) {
    lua_getfield(L, 3, "contact_id");
    if (lua_isinteger(L, -1)) t.contact_id = lua_tointeger(L, -1);
    lua_pop(L, 1);
  }
  if (lua_istable(L, 4)) {
    t.key = opt_string(L, 4, "key");
    std::string within = opt_string(L, 4, "within");
    if (!within.empty() && within != "business_hours") {
      raise(L, "crm.later: within must be \"business_hours\"");
    }
    t.business_hours = !within.empty();
    lua_getfield(L, 4, "contact");
    if (!lua_isnil(L, -1)) t.contact_id = id_arg(L, lua_gettop(L), "later", "contact");
    lua_pop(L, 1);
    lua_getfield(L, 4, "cancel_on");
    if (lua_istable(L, -1)) {
      for (lua_Integer k = 1; k <= static_cast<lua_Integer>(lua_rawlen(L, -1)); ++k) {
        lua_rawgeti(L, -1, k);
        t.cancel_on.push_back(string_arg(L, -1, "later", "cancel_on entry"));
        lua_pop(L, 1);
      }
    } else if (!lua_isnil(L, -1)) {
      raise(L, "crm.later: cancel_on must be a list of event types");
    }
    lua_pop(L, 1);
  }
  if (!t.cancel_on.empty() && !t.contact_id) {
    raise(L, "crm.later: cancel_on needs a contact (the event's, data.contact_id or opts.contact)");
  }
  if (++ctx.timers > 100) raise(L, "crm.later: at most 100 timers per run");
  return guarded(L, "later", [&] {
    EpochMs due = schedule_timer(ctx, t);
    lua_pushinteger(L, due);
    return 1;
  });
}

// ---- log, reject ----

int crm_log(lua_State* L) {
  auto* ctx = static_cast<RunContext*>(LuaSandbox::of(L).user);
  int n = lua_gettop(L);
  std::string line;
  for (int i = 1; i <= n; ++i) {
    std::size_t len = 0;
    const char* s = luaL_tolstring(L, i, &len);
    if (i > 1) line += '\t';
    line.append(s, std::min<std::size_t>(len, kMaxRunLogBytes));
    lua_pop(L, 1);
    if (line.size() > kMaxRunLogBytes) break;
  }
  if (!ctx) return 0;  // while loading: nowhere to keep it
  if (ctx->log.size() >= kMaxRunLogBytes) return 0;
  ctx->log += line;
  ctx->log += '\n';
  if (ctx->log.size() > kMaxRunLogBytes) {
    ctx->log.resize(kMaxRunLogBytes);
    ctx->log += "\n[log truncated]\n";
  }
  return 0;
}

int crm_reject(lua_State* L) {
  std::string reason =
      lua_isnoneornil(L, 1) ? "rejected by a workflow" : string_arg(L, 1, "reject", "reason");
  lua_newtable(L);
  lua_pushlstring(L, reason.data(), std::min<std::size_t>(reason.size(), 500));
  lua_setfield(L, -2, "reason");
  luaL_setmetatable(L, "sb.reject");
  return 1;
}

// crm.actions["plugin.action"](args): the closure for one name (upvalue 1).
int call_action(lua_State* L) {
  std::string name = lua_tostring(L, lua_upvalueindex(1));
  std::string fn = "actions[\"" + name + "\"]";
  RunContext& ctx = writer_of(L, fn.c_str());
  std::string input = lua_isnoneornil(L, 1) ? "null" : to_json(L, 1, ("crm." + fn).c_str());
  if (!ctx.sv.plugins) raise(L, "crm." + fn + ": no plugin registers this action");
  auto r = ctx.sv.plugins->call_action(name, {ctx.def.team_id, nullptr, &ctx.s}, input);
  if (!r) raise(L, "crm." + fn + ": no plugin registers this action");
  if (r->status != SB_OK) {
    raise(L, "crm." + fn + (r->status == SB_RETRY ? " asked to retry: " : " failed: ") + r->error);
  }
  ctx.record("{\"action\":\"actions\",\"name\":" + json_quoted(name) +
             ",\"duration_us\":" + std::to_string(r->duration_us) + "}");
  push_json(L, r->result);
  return 1;
}

int action_lookup(lua_State* L) {
  if (lua_type(L, 2) != LUA_TSTRING) raise(L, "crm.actions: index it with \"plugin.action\"");
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, call_action, 1);
  return 1;
}

int read_only(lua_State* L) {
  raise(L, "the crm table is read-only");
}

// Every crm function: its module ("" for crm itself), name and implementation. The binding,
// the names `workflow check` knows, and the test that holds workflows/crm.lua and
// docs/lua-api.md to them all read this one table.
struct CrmFunction {
  std::string_view module;
  const char* name;
  lua_CFunction fn;
};
constexpr CrmFunction kCrmFunctions[] = {
    {"", "get", crm_get},
    {"", "find", crm_find},
    {"", "update", crm_update},
    {"", "tag", crm_tag},
    {"", "untag", crm_untag},
    {"", "set_stage", crm_set_stage},
    {"", "set_status", crm_set_status},
    {"", "add_note", crm_add_note},
    {"", "assign", crm_assign},
    {"", "notify", crm_notify},
    {"", "later", crm_later},
    {"", "now", crm_now},
    {"", "log", crm_log},
    {"", "reject", crm_reject},
    {"tickets", "create", crm_ticket_create},
    {"tickets", "update", crm_ticket_update},
    {"tickets", "comment", crm_ticket_comment},
    {"leads", "create", crm_lead_create},
    {"leads", "move", crm_lead_move},
    {"email", "send", crm_email_send},
    {"sms", "send", crm_sms_send},
    {"webhook", "post", crm_webhook_post},
    {"sequences", "enroll", crm_sequence_enroll},
    {"sequences", "exit", crm_sequence_exit},
};

// A read-only view of the module's functions (a proxy whose __index is the real table).
void push_module(lua_State* L, std::string_view module) {
  lua_newtable(L);  // proxy
  lua_newtable(L);  // metatable
  lua_newtable(L);  // real
  for (const CrmFunction& f : kCrmFunctions) {
    if (f.module != module) continue;
    lua_pushcfunction(L, f.fn);
    lua_setfield(L, -2, f.name);
  }
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, read_only);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

}  // namespace

void install_crm(LuaSandbox& box) {
  lua_State* L = box.L();
  luaL_newmetatable(L, "sb.reject");
  lua_pop(L, 1);
  // Sub-modules first, then the crm table whose __index holds functions and modules.
  lua_newtable(L);  // real crm
  int real = lua_gettop(L);
  std::vector<std::string_view> modules;
  for (const CrmFunction& f : kCrmFunctions) {
    if (f.module.empty()) {
      lua_pushcfunction(L, f.fn);
      lua_setfield(L, real, f.name);
    } else if (std::find(modules.begin(), modules.end(), f.module) == modules.end()) {
      modules.push_back(f.module);
    }
  }
  for (std::string_view module : modules) {
    push_module(L, module);
    lua_setfield(L, real, std::string(module).c_str());
  }
  // crm.actions["plugin.action"]: looked up in the plugin host when called.
  lua_newtable(L);
  lua_newtable(L);
  lua_pushcfunction(L, action_lookup);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, read_only);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  lua_setfield(L, real, "actions");

  lua_newtable(L);  // proxy
  lua_newtable(L);  // its metatable
  lua_pushvalue(L, real);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, read_only);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
  box.set_crm(luaL_ref(L, LUA_REGISTRYINDEX));
  lua_settop(L, 0);
}

const std::vector<std::string>& crm_function_names() {
  static const std::vector<std::string> v = [] {
    std::vector<std::string> names;
    for (const CrmFunction& f : kCrmFunctions) {
      names.push_back(f.module.empty() ? std::string(f.name)
                                       : std::string(f.module) + "." + f.name);
    }
    names.push_back("actions");  // crm.actions["plugin.action"]: looked up when called
    return names;
  }();
  return v;
}

}  // namespace sb::wf
