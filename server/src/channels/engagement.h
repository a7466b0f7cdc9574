// What a signed link reports: an open, a click or an unsubscribe of a queued message or a
// campaign recipient. The first open and click are recorded on the message; every one is
// an event on the contact's timeline (email.opened, email.clicked, email.unsubscribed).
#pragma once

#include <string>

#include "channels/tracking_links.h"

namespace sb {
class Database;
}

namespace sb::channels {

enum class Engagement { kOpen, kClick, kUnsubscribe };

// Returns false when the message or contact no longer exists (nothing recorded).
bool record_engagement(Database& db, const MessageRef& ref, Engagement kind,
                       const std::string& url = {});

// A provider's delivery report for a queued SMS: status delivered|failed|sent|queued...
// moves the message and emits sms.delivered / sms.failed once.
void record_delivery_report(Database& db, const MessageRef& ref, const std::string& status,
                            const std::string& error);

}  // namespace sb::channels
