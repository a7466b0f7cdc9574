#include "channels/inbound_sms.h"

#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cctype>

#include "model/contact_json.h"
#include "store/database.h"
#include "store/messaging_store.h"

namespace sb::channels {

SmsKeyword classify_sms_keyword(std::string_view text) {
  std::string word;
  for (char ch : text) {
    if (std::isspace(static_cast<unsigned char>(ch))) {
      if (!word.empty()) word += ' ';
      continue;
    }
    word += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  while (!word.empty() && (word.back() == ' ' || word.back() == '.' || word.back() == '!')) {
    word.pop_back();
  }
  for (const char* k : {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}) {
    if (word == k) return SmsKeyword::kStop;
  }
  for (const char* k : {"START", "UNSTOP", "YES"}) {
    if (word == k) return SmsKeyword::kStart;
  }
  return SmsKeyword::kNone;
}

InboundSmsResult receive_sms(Database& db, std::int64_t team_id, const std::string& from,
                             const std::string& text) {
  InboundSmsResult out;
  out.keyword = classify_sms_keyword(text);
  MessagingStore store(db.dialect());
  db.write([&](soci::session& s) {
    out.contact_id = store.contact_by_phone(s, team_id, from);
    if (!out.contact_id) return;
    Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
    payload.set("from", from);
    payload.set("text", text);
    payload.set("keyword", out.keyword == SmsKeyword::kStop    ? Poco::Dynamic::Var("stop")
                           : out.keyword == SmsKeyword::kStart ? Poco::Dynamic::Var("start")
                                                               : Poco::Dynamic::Var());
    store.contact_event(s, team_id, *out.contact_id, "sms.received", json_text(payload));
    if (out.keyword == SmsKeyword::kStop) {
      out.changed = store.suppress(s, team_id, *out.contact_id, "sms", "stop_reply", std::nullopt);
    } else if (out.keyword == SmsKeyword::kStart) {
      // START lifts only what STOP set: a bounce or a manual block stays.
      for (const Suppression& row : store.suppressions(s, team_id, *out.contact_id)) {
        if (row.channel == "sms" && row.reason == "stop_reply") {
          out.changed = store.unsuppress(s, team_id, *out.contact_id, "sms");
        }
      }
    }
  });
  return out;
}

}  // namespace sb::channels
