// The smallest useful plugin: one action, hello.greet, that greets a contact by name.
//   Lua:  crm.actions["hello.greet"]({id = e.contact.id})
//   REST: POST /v1/actions/hello.greet {"id": 42}
// Setting (hello.conf next to hello.so): greeting = Hello
#include <switchboard/plugin.hpp>

SWITCHBOARD_PLUGIN(plugin) {
  plugin.describe("hello", "1.0.0", "Greets contacts by name");
  plugin.settings({"greeting"});  // any other key in hello.conf refuses the load
  const std::string greeting = plugin.config_or("greeting", "Hello");
  plugin.action(
      "greet", "Greets the contact {id}",
      [greeting](switchboard::Call& call, const switchboard::Json& input) {
        auto contact = call.contact(input["id"].as_int());
        if (!contact) throw std::runtime_error("no such contact");
        std::string name = (*contact)["name"].as_string("there");
        return switchboard::Json::object()
            .set("message", greeting + ", " + name + "!")
            .set("team", call.team_id());
      },
      SB_FLAG_READS_ONLY);
}
