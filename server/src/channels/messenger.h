// What the senders share: the SMTP transport (when SB_SMTP_URL is set), the SMS providers
// of the plugin host, the send rates, the signed tracking links, and how a template and a contact
// become an email or an SMS text.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "channels/mime_message.h"
#include "channels/send_pacer.h"
#include "channels/smtp_transport.h"
#include "channels/tracking_links.h"
#include "channels/webhook_transport.h"
#include "model/contact.h"
#include "model/messaging_settings.h"
#include "model/record.h"

namespace sb {
class Database;
namespace plugins {
class PluginHost;
}
}  // namespace sb

namespace sb::channels {

struct MessengerOptions {
  std::string smtp_url;  // "": email is not configured
  std::string email_from = "switchboard@localhost";
  std::string public_url;      // base of tracking and unsubscribe links; "": none
  double send_rate_per_s = 0;  // SB_SEND_RATE_PER_S, all teams; 0: none
  // Address ranges webhooks may reach although private (SB_WEBHOOK_ALLOW_PRIVATE).
  std::vector<AddressRange> webhook_allow_private;
  // Subscriptions' deliveries: retried with exponential backoff from `webhook_backoff_base`
  // for `webhook_retry_hours`, then dead; a subscription failing for
  // `webhook_disable_hours` straight is disabled.
  int webhook_retry_hours = 72;
  int webhook_disable_hours = 24;
  std::chrono::milliseconds webhook_backoff_base{5000};
  // One attempt's whole exchange (docs/webhooks.md: 10 s).
  std::chrono::milliseconds webhook_timeout{10000};
  // How long one claimed batch of the bus may spend POSTing before the rest of its
  // deliveries go out through due events: well within the bus's 30 s lease.
  std::chrono::milliseconds webhook_batch_budget{10000};
};

class Messenger {
 public:
  Messenger(Database& db, MessengerOptions options, plugins::PluginHost* plugins);
  ~Messenger();

  // Null when SB_SMTP_URL is not set.
  SmtpTransport* smtp() { return smtp_.get(); }
  plugins::PluginHost* plugins() { return plugins_; }
  // The team and server-wide send rates every sender waits its turn under.
  SendPacer& pacer() { return pacer_; }
  // Null when SB_PUBLIC_URL is not set (no tracking, no unsubscribe link).
  const TrackingLinks* links();
  // Outgoing webhook POSTs, behind the SSRF guard.
  const WebhookTransport& webhooks() const { return webhooks_; }
  const MessengerOptions& options() const { return options_; }

  // The email of template record `tmpl` for `contact`: rendered subject and parts (HTML
  // escaped), the team's sender, and with `ref`, tracked links, the open pixel and the
  // one-click unsubscribe headers.
  EmailContent compose_email(const Record& tmpl, const Contact& contact,
                             const std::string& vars_json, const MessagingSettings& settings,
                             const std::optional<MessageRef>& ref);
  // An SMS template's text for `contact`.
  static std::string compose_text(const Record& tmpl, const Contact& contact,
                                  const std::string& vars_json);
  // The envelope sender: the team's from address or SB_EMAIL_FROM.
  std::string envelope_from(const MessagingSettings& settings) const;

 private:
  Database& db_;
  MessengerOptions options_;
  plugins::PluginHost* plugins_;
  std::unique_ptr<SmtpTransport> smtp_;
  SendPacer pacer_;
  std::once_flag links_once_;
  std::unique_ptr<TrackingLinks> links_;
  WebhookTransport webhooks_;
};

}  // namespace sb::channels
