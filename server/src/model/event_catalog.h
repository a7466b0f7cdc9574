// Every event type the server emits, in one list: what `workflow check` lints handlers
// against and what the event documentation is checked by. Adding an event means adding it
// here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sb {

// Exact types, sorted. Per-workflow cron types ("cron.wf<id>...") are not listed: they are
// generated, and `every()` is the way to handle them.
const std::vector<std::string>& known_event_types();

bool is_known_event_type(std::string_view type);
// True when the bus pattern ("x.y", "x.*", "*") matches at least one known type.
bool pattern_matches_known_event(std::string_view pattern);

}  // namespace sb
