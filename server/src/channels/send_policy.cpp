#include "channels/send_policy.h"

#include "store/contact_erasure.h"
#include "store/messaging_store.h"

namespace sb::channels {

std::string channel_address(const Contact& c, const std::string& channel) {
  if (channel == "email") return c.email.value_or("");
  if (channel == "sms") return c.phone.value_or("");
  return "";
}

PolicyVerdict check_session_window(soci::session& s, const Dialect& d, std::int64_t team_id,
                                   std::int64_t contact_id, std::uint32_t window_s, EpochMs now) {
  if (window_s == 0) return {};
  EpochMs last = MessagingStore(d).last_inbound_at(s, team_id, contact_id);
  if (last > 0 && now - last <= static_cast<EpochMs>(window_s) * 1000) return {};
  return {PolicyVerdict::Kind::kSkip, "session_window", 0};
}

std::vector<PolicyVerdict> check_send_policy(soci::session& s, const Dialect& d,
                                             std::int64_t team_id,
                                             const MessagingSettings& settings,
                                             const std::vector<Contact>& contacts,
                                             const std::string& channel, EpochMs now) {
  MessagingStore store(d);
  std::vector<std::int64_t> ids;
  ids.reserve(contacts.size());
  for (const Contact& c : contacts) ids.push_back(c.id);
  auto suppressed = store.suppressed(s, team_id, channel, ids);
  std::map<std::int64_t, std::int64_t> recent;
  if (settings.cap_messages > 0) {
    recent = store.sends_since(s, team_id, ids, now - settings.cap_hours * 3600000LL);
  }
  std::vector<std::string> addresses;
  for (const Contact& c : contacts) {
    if (std::string a = channel_address(c, channel); !a.empty()) addresses.push_back(std::move(a));
  }
  // A contact created again with an erased person's address (by hand, or before the
  // erasure reached an import) is never messaged silently.
  auto erased = erased_addresses(s, team_id, channel == "email" ? "email" : "phone", addresses);
  std::vector<PolicyVerdict> out;
  out.reserve(contacts.size());
  for (const Contact& c : contacts) {
    PolicyVerdict v;
    auto dnc = suppressed.find(c.id);
    auto sent = recent.find(c.id);
    std::string address = channel_address(c, channel);
    if (address.empty()) {
      v = {PolicyVerdict::Kind::kSkip, "no_address", 0};
    } else if (erased.count(address)) {
      v = {PolicyVerdict::Kind::kSkip, "erased", 0};
    } else if (c.status == "blocked") {
      v = {PolicyVerdict::Kind::kSkip, "blocked", 0};
    } else if (dnc != suppressed.end()) {
      v = {PolicyVerdict::Kind::kSkip, "do_not_contact:" + dnc->second, 0};
    } else if (settings.cap_messages > 0 && sent != recent.end() &&
               sent->second >= settings.cap_messages) {
      v = {PolicyVerdict::Kind::kSkip, "frequency_cap", 0};
    } else {
      auto zone = c.metadata.find("time_zone");
      auto end = quiet_hours_end(settings, zone == c.metadata.end() ? "" : zone->second, now);
      if (end) v = {PolicyVerdict::Kind::kDefer, "quiet_hours", *end};
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace sb::channels
