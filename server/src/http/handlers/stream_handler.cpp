// GET /v1/stream: the team's events as Server-Sent Events, for the console's live updates.
// Only ids, types and subjects go out (a screen refetches what it shows), never payloads.
// Each stream holds one HTTP thread (Poco), so the process keeps at most max_streams open
// (503 + Retry-After beyond); a stream ends after five minutes and the browser's
// EventSource reconnects with Last-Event-ID, authenticating again.
#include <soci/soci.h>

#include <chrono>
#include <ostream>
#include <set>
#include <thread>

#include "http/routes.h"
#include "model/clock.h"
#include "model/error.h"

namespace sb {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kPoll = std::chrono::milliseconds(250);
constexpr auto kHeartbeat = std::chrono::seconds(15);
constexpr auto kLifetime = std::chrono::minutes(5);
// Ids are taken at insert and committed later: a transaction slower than a faster one
// commits a smaller id after a bigger one was streamed. The stream looks this many ids
// back on every poll and skips those it already sent.
constexpr std::int64_t kLookBack = 500;

// Scheduling events are the bus's own business; key changes are for admins only.
bool visible(const StoredEvent& e, Role role) {
  if (e.type == "workflow.timer" || e.type == "outbox_message.due" || e.type == "sequence.step_due")
    return false;
  if (e.type.rfind("api_key.", 0) == 0 || e.type.rfind("team.", 0) == 0)
    return role_at_least(role, Role::kAdmin);
  return true;
}

std::string event_text(const StoredEvent& e) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", e.id);
  o.set("type", e.type);
  o.set("subject_type",
        e.subject_type.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(e.subject_type));
  o.set("subject_id", e.subject_id ? Poco::Dynamic::Var(*e.subject_id) : Poco::Dynamic::Var());
  o.set("created_at", format_iso8601(e.created_at));
  // No "event:" line: EventSource's onmessage then receives every type (named events
  // would need one listener per type); the type is in the data.
  return "id: " + std::to_string(e.id) + "\ndata: " + to_json(o) + "\n\n";
}

// Holds one of the process's stream slots for as long as the stream lives.
class StreamSlot {
 public:
  explicit StreamSlot(std::atomic<int>& open) : open_(open) { open_.fetch_add(1); }
  ~StreamSlot() { open_.fetch_sub(1); }
  StreamSlot(const StreamSlot&) = delete;
  StreamSlot& operator=(const StreamSlot&) = delete;

 private:
  std::atomic<int>& open_;
};

Response stream(ApiServices& sv, Request& req) {
  req.allow_params({});
  // Taken first, then checked: two requests racing for the last slot cannot both get it.
  auto slot = std::make_shared<StreamSlot>(sv.open_streams);
  if (sv.open_streams.load() > sv.max_streams) {
    throw Error(ErrorCode::kUnavailable, "too many live streams open on this server; retry shortly")
        .with_retry_after(5);
  }
  const std::int64_t team = req.auth().team_id;
  const Role role = req.auth().role;
  std::int64_t cursor = 0;
  if (std::string last = req.header("Last-Event-ID"); !last.empty()) {
    try {
      std::size_t used = 0;
      cursor = std::stoll(last, &used);
      if (used != last.size() || cursor < 0) throw std::invalid_argument("id");
    } catch (const std::exception&) {
      throw Error(ErrorCode::kBadRequest, "Last-Event-ID must be an event id",
                  {{"header", std::string("Last-Event-ID")}});
    }
  } else {
    cursor = sv.db.read([&](soci::session& s) { return sv.queue.newest_id(s, team); });
  }
  Response r;
  r.content_type = "text/event-stream";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Accel-Buffering", "no");  // proxies: pass each event on at once
  r.stream = [&sv, team, role, cursor, slot](std::ostream& out) mutable {
    out << "retry: 2000\n: connected\n\n";
    out.flush();
    // At most kLookBack ids of the window, so at least as many new ones fit in a read.
    auto read = [&](std::int64_t from) {
      return sv.db.read(
          [&](soci::session& s) { return sv.queue.after(s, team, from, now_ms(), 2 * kLookBack); });
    };
    std::set<std::int64_t> sent;  // ids in the look-back window, sent or known before
    for (const StoredEvent& e : read(std::max<std::int64_t>(0, cursor - kLookBack))) {
      if (e.id <= cursor) sent.insert(e.id);
    }
    const auto started = Clock::now();
    auto last_write = started;
    while (!sv.stopping && Clock::now() - started < kLifetime && out.good()) {
      for (const StoredEvent& e : read(std::max<std::int64_t>(0, cursor - kLookBack))) {
        if (!sent.insert(e.id).second) continue;
        if (visible(e, role)) {
          out << event_text(e);
          last_write = Clock::now();
        }
        cursor = std::max(cursor, e.id);
      }
      while (!sent.empty() && *sent.begin() < cursor - kLookBack) sent.erase(sent.begin());
      if (Clock::now() - last_write >= kHeartbeat) {
        out << ": heartbeat\n\n";
        last_write = Clock::now();
      }
      out.flush();
      std::this_thread::sleep_for(kPoll);
    }
  };
  return r;
}

}  // namespace

void add_stream_routes(Router& router, ApiServices& sv) {
  router.add(Route::get("/v1/stream", Role::kViewer, [&sv](Request& r) { return stream(sv, r); }));
}

}  // namespace sb
