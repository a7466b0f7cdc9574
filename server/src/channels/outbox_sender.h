// Sends the messages workflows queue (outbox_messages) from the event bus: the send policy,
// the template, then the channel. The send is recorded under an effect key before the one
// step that makes it real (the SMTP dot, the provider call), so a retried or replayed event
// never sends twice. Webhooks go out at least once, signed, with a stable id receivers
// dedupe by.
#pragma once

#include "events/subscriber.h"

namespace sb {
struct Record;
class Database;
}  // namespace sb

namespace sb::channels {

class Messenger;

class OutboxSender : public Subscriber {
 public:
  // `max_attempts`: the bus's; the last transient failure marks the message failed.
  OutboxSender(Messenger& messenger, int max_attempts)
      : messenger_(messenger), max_attempts_(max_attempts) {}
  std::string name() const override { return "channels.outbox"; }
  std::string pattern() const override { return "outbox_message.*"; }
  Outcome handle(const StoredEvent& event, DeliveryContext& context) override;

 private:
  // A `webhook` message: POSTed to its recipient URL, signed per Standard Webhooks.
  Outcome send_webhook(const StoredEvent& event, Database& db, const Record& msg);

  Messenger& messenger_;
  int max_attempts_;
};

}  // namespace sb::channels
