// The test suite's plugin: one of each capability, each exercising a host function.
#include <switchboard/plugin.hpp>

#include <atomic>
#include <string>

SWITCHBOARD_PLUGIN(plugin) {
  plugin.describe("probe", "0.1.0", "test probe");
  plugin.action("echo", "returns its input and the team",
                [](switchboard::Call& call, const switchboard::Json& in) {
                  return switchboard::Json::object().set("input", in).set("team_id", call.team_id());
                }, SB_FLAG_READS_ONLY);
  plugin.action("contact", "the contact {id}, or null",
                [](switchboard::Call& call, const switchboard::Json& in) {
                  auto c = call.contact(in["id"].as_int());
                  return c ? *c : switchboard::Json();
                });
  plugin.action("rename", "sets {id}'s name",
                [](switchboard::Call& call, const switchboard::Json& in) {
                  return call.update_contact(
                      in["id"].as_int(), switchboard::Json::object().set("name", in["name"]));
                });
  plugin.action("find", "contacts matching {filter}",
                [](switchboard::Call& call, const switchboard::Json& in) {
                  return call.find_contacts(in["filter"], 10);
                });
  plugin.action("count", "how many contacts match {filter}",
                [](switchboard::Call& call, const switchboard::Json& in) {
                  return switchboard::Json(call.count_contacts(in["filter"]));
                });
  plugin.action("users", "the team's active users",
                [](switchboard::Call& call, const switchboard::Json&) { return call.users(); });
  plugin.action("once", "true the first time {key} is seen",
                [](switchboard::Call& call, const switchboard::Json& in) {
                  return switchboard::Json(call.once(in["key"].as_string()));
                });
  plugin.action("schedule", "queues probe.{name}",
                [](switchboard::Call& call, const switchboard::Json& in) {
                  call.schedule(in["name"].as_string(), switchboard::Json::object(), 0);
                  return switchboard::Json(true);
                });
  plugin.action("boom", "throws", [](switchboard::Call&, const switchboard::Json&) -> switchboard::Json {
    throw std::runtime_error("probe exploded");
  });
  plugin.action("config", "the setting {key}", [&plugin](switchboard::Call&, const switchboard::Json& in) {
    auto v = plugin.config(in["key"].as_string().c_str());
    return v ? switchboard::Json(*v) : switchboard::Json();
  });
  // contact.created -> company "probed" (through the host, as REST would write it).
  plugin.on("tagger", "contact.created", [](switchboard::Call& call, const switchboard::Json& e) {
    call.update_contact(e["subject_id"].as_int(),
                        switchboard::Json::object().set("metadata", switchboard::Json::object().set("probed", "yes")));
  });
  // probe.flaky events: asks for a retry the first time, then succeeds.
  static std::atomic<int> flaky_calls{0};
  plugin.on("flaky", "probe.flaky", [](switchboard::Call& call, const switchboard::Json& e) {
    if (++flaky_calls == 1) throw switchboard::Retry("not yet");
    (void)e;
    call.schedule("flaky_done", switchboard::Json::object().set("calls", flaky_calls.load()), 0);
  });
  plugin.extractor("orders", [](switchboard::Extraction& out, std::string_view text) {
    auto at = text.find("ORDER-");
    if (at != std::string_view::npos) out.add("custom.order_id", std::string(text.substr(at, 10)), 0.9);
  });
  // `session_window_s` in probe.conf makes the channel WhatsApp-like (API 1.2).
  const auto window = static_cast<uint32_t>(std::stoul(plugin.config_or("session_window_s", "0")));
  plugin.provider(
      "sms", "loopback",
      [](switchboard::Call&, const switchboard::Json& m) {
        return switchboard::Json::object().set("provider_id", "lb-" + m["to"].as_string()).set("status", "sent");
      },
      0, nullptr, window);
}
