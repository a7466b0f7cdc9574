#include "channels/messenger.h"

#include "model/crm_schemas.h"
#include "model/message_template.h"
#include "store/database.h"
#include "store/messaging_store.h"

namespace sb::channels {
namespace {

std::string render_part(const Record& tmpl, std::string_view part, const TemplateLookup& lookup,
                        TemplateOutput output) {
  const EntitySchema& schema = crm::message_template();
  if (tmpl.is_null(schema, part)) return "";
  return render_template(parse_template(tmpl.text_or(schema, part, ""), part), lookup, output);
}

}  // namespace

Messenger::Messenger(Database& db, MessengerOptions options, plugins::PluginHost* plugins)
    : db_(db),
      options_(std::move(options)),
      plugins_(plugins),
      pacer_(options_.send_rate_per_s),
      webhooks_(AddressGuard(options_.webhook_allow_private), options_.webhook_timeout) {
  if (!options_.smtp_url.empty()) {
    smtp_ = std::make_unique<SmtpTransport>(parse_smtp_url(options_.smtp_url));
  }
}

Messenger::~Messenger() = default;

const TrackingLinks* Messenger::links() {
  if (options_.public_url.empty()) return nullptr;
  std::call_once(links_once_, [&] {
    std::string secret = db_.write([&](soci::session& s) {
      return MessagingStore(db_.dialect()).install_secret(s, "tracking_links");
    });
    links_ = std::make_unique<TrackingLinks>(secret, options_.public_url);
  });
  return links_.get();
}

std::string Messenger::envelope_from(const MessagingSettings& settings) const {
  return settings.from_address.empty() ? options_.email_from : settings.from_address;
}

EmailContent Messenger::compose_email(const Record& tmpl, const Contact& contact,
                                      const std::string& vars_json,
                                      const MessagingSettings& settings,
                                      const std::optional<MessageRef>& ref) {
  const TrackingLinks* tracking = ref ? links() : nullptr;
  EmailContent e;
  e.from_name = settings.from_name;
  e.from_address = envelope_from(settings);
  e.to_name = contact.name.value_or("");
  e.to_address = contact.email.value_or("");
  if (tracking) e.unsubscribe_url = tracking->unsubscribe_url(*ref);
  TemplateLookup lookup = contact_template_lookup(contact, vars_json, e.unsubscribe_url);
  e.subject = render_part(tmpl, "subject", lookup, TemplateOutput::kText);
  e.text = render_part(tmpl, "text", lookup, TemplateOutput::kText);
  e.html = render_part(tmpl, "html", lookup, TemplateOutput::kHtml);
  if (tracking && !e.html.empty()) e.html = tracking->track_html(e.html, *ref);
  return e;
}

std::string Messenger::compose_text(const Record& tmpl, const Contact& contact,
                                    const std::string& vars_json) {
  return render_part(tmpl, "text", contact_template_lookup(contact, vars_json, ""),
                     TemplateOutput::kText);
}

}  // namespace sb::channels
