// /v1/plugins (what is loaded, what failed and why; reload) and /v1/actions/{name} (run a
// plugin action by hand, as crm.actions does from Lua).
#include <Poco/JSON/Parser.h>

#include "http/routes.h"
#include "model/error.h"
#include "plugins/plugin_host.h"

namespace sb {
namespace {

plugins::PluginHost& host_of(ApiServices& sv) {
  if (!sv.plugins) throw Error(ErrorCode::kNotFound, "plugins are not enabled in this server");
  return *sv.plugins;
}

Poco::JSON::Array flags_json(std::uint32_t flags) {
  Poco::JSON::Array a;
  if (flags & SB_FLAG_READS_ONLY) a.add("reads_only");
  if (flags & SB_FLAG_SENDS_MESSAGES) a.add("sends_messages");
  return a;
}

Poco::JSON::Object set_json(const plugins::PluginSet& set, const std::string& directory) {
  Poco::JSON::Array loaded, failed;
  for (const auto& p : set.loaded) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("name", p->name);
    o.set("version", p->version);
    o.set("description", p->description);
    o.set("file", p->file);
    o.set("api", std::to_string(p->self.api_major) + "." + std::to_string(p->self.api_minor));
    o.set("status", "loaded");
    Poco::JSON::Array actions, subscribers, extractors, providers;
    for (const auto& a : p->actions) {
      Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
      x.set("name", a.name);
      x.set("description", a.description);
      x.set("flags", flags_json(a.flags));
      actions.add(x);
    }
    for (const auto& s : p->subscriptions) {
      Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
      x.set("name", s.name);
      x.set("pattern", s.pattern);
      subscribers.add(x);
    }
    for (const auto& e : p->extractors) extractors.add(e.name);
    for (const auto& pr : p->providers) {
      Poco::JSON::Object x(Poco::JSON_PRESERVE_KEY_ORDER);
      x.set("channel", pr.channel);
      x.set("name", pr.name);
      x.set("flags", flags_json(pr.flags));
      x.set("delivery_reports", pr.status != nullptr);
      x.set("session_window_s", static_cast<unsigned>(pr.session_window_s));
      providers.add(x);
    }
    o.set("actions", actions);
    o.set("subscribers", subscribers);
    o.set("extractors", extractors);
    o.set("providers", providers);
    Poco::JSON::Object stats(Poco::JSON_PRESERVE_KEY_ORDER);
    stats.set("calls", static_cast<Poco::UInt64>(p->counters->calls.load()));
    stats.set("errors", static_cast<Poco::UInt64>(p->counters->errors.load()));
    stats.set("slow", static_cast<Poco::UInt64>(p->counters->slow.load()));
    {
      std::lock_guard lock(p->counters->mutex);
      stats.set("last_error", p->counters->last_error.empty()
                                  ? Poco::Dynamic::Var()
                                  : Poco::Dynamic::Var(p->counters->last_error));
    }
    o.set("stats", stats);
    loaded.add(o);
  }
  for (const auto& f : set.failed) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("file", f.file);
    o.set("name", f.name.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(f.name));
    o.set("status", "failed");
    o.set("error", f.error);
    failed.add(o);
  }
  Poco::JSON::Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  out.set("directory", directory);
  out.set("api_version",
          std::to_string(SB_PLUGIN_API_MAJOR) + "." + std::to_string(SB_PLUGIN_API_MINOR));
  out.set("data", loaded);
  out.set("failed", failed);
  return out;
}

Response list(ApiServices& sv, Request&) {
  auto& host = host_of(sv);
  return Response::json(200, set_json(*host.current(), host.directory()));
}

Response reload(ApiServices& sv, Request&) {
  auto& host = host_of(sv);
  return Response::json(200, set_json(*host.load(), host.directory()));
}

Response run_action(ApiServices& sv, Request& req) {
  auto& host = host_of(sv);
  std::string name = req.path_params.at("name");
  req.json();  // an object, or the usual 400/415
  auto r = host.call_action(name, {req.auth().team_id, &sv.db, nullptr}, req.body);
  if (!r) {
    throw Error(ErrorCode::kNotFound, "no plugin registers the action " + name, {{"action", name}});
  }
  if (r->status == SB_RETRY) {
    throw Error(ErrorCode::kUnavailable, "the action asked to be retried: " + r->error,
                {{"action", name}});
  }
  if (r->status != SB_OK) {
    throw Error(ErrorCode::kValidationFailed, "the action failed: " + r->error,
                {{"action", name}, {"reason", r->error}});
  }
  // The result is JSON the host checked when the plugin set it; any value, not only objects.
  Poco::JSON::Object head(Poco::JSON_PRESERVE_KEY_ORDER);
  head.set("action", name);
  head.set("duration_us", r->duration_us);
  std::string body = to_json(head);
  body.insert(body.size() - 1, ",\"result\":" + r->result);
  return Response{200, std::move(body), "application/json", {}, {}};
}

}  // namespace

void add_plugin_routes(Router& router, ApiServices& sv) {
  auto h = [&sv](Response (*fn)(ApiServices&, Request&)) {
    return [&sv, fn](Request& r) { return fn(sv, r); };
  };
  router.add(Route::get("/v1/plugins", Role::kAdmin, h(list)));
  router.add(Route::post("/v1/plugins/reload", Role::kOwner, h(reload)));
  router.add(Route::post("/v1/actions/{name}", Role::kAdmin, h(run_action)).json_body());
}

}  // namespace sb
