#include "channels/outbox_sender.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <chrono>
#include <thread>

#include "channels/messenger.h"
#include "channels/send_policy.h"
#include "channels/webhook_delivery.h"
#include "channels/webhook_secrets.h"
#include "channels/webhook_transport.h"
#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "plugins/plugin_host.h"
#include "store/contact_store.h"
#include "store/database.h"
#include "store/event_store.h"
#include "store/messaging_store.h"
#include "store/record_store.h"
#include "store/team_settings_store.h"

namespace sb::channels {
namespace {

// Longest wait for a send-rate slot slept on a bus worker; a later slot defers the message.
constexpr double kMaxPaceSleepS = 1.0;

struct Delivery {
  std::int64_t id = 0;
  bool paced = false;  // comes back at the send-rate slot it already holds
};

Delivery delivery_of(const StoredEvent& event) {
  Poco::JSON::Parser parser;
  auto o = parser.parse(event.payload_json).extract<Poco::JSON::Object::Ptr>();
  auto m = o->getObject("outbox_message");
  return {m ? m->getValue<std::int64_t>("id") : 0, o->optValue<bool>("paced", false)};
}

std::optional<Record> template_named(soci::session& s, const Dialect& d, std::int64_t team,
                                     const std::string& name, const std::string& channel) {
  const EntitySchema& schema = crm::message_template();
  RecordQuery q;
  q.filters.push_back({schema.index("name"), {FieldValue(name)}});
  q.filters.push_back({schema.index("channel"), {FieldValue(channel)}});
  q.limit = 1;
  auto rows = RecordStore(d).list(s, schema, team, q);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

}  // namespace

Outcome OutboxSender::handle(const StoredEvent& event, DeliveryContext& context) {
  if (event.type != "outbox_message.created" && event.type != "outbox_message.due") {
    return Outcome::ok();
  }
  const Delivery delivery = delivery_of(event);
  const std::int64_t team = event.team_id, id = delivery.id;
  Database& db = context.db();
  const Dialect& d = db.dialect();
  const EntitySchema& schema = crm::outbox_message();
  MessagingStore store(d);

  struct State {
    Record msg;
    std::optional<Contact> contact;
    MessagingSettings settings;
    std::optional<Record> tmpl;
    PolicyVerdict verdict;
  };
  auto state = db.read([&](soci::session& s) -> std::optional<State> {
    auto msg = RecordStore(d).get(s, schema, team, id);
    if (!msg) return std::nullopt;
    std::string status = msg->text_or(schema, "status", "");
    if (status != "queued" && status != "deferred") return std::nullopt;  // done before
    State st{*msg, std::nullopt, {}, std::nullopt, {}};
    st.settings =
        parse_messaging_settings_text(TeamSettingsStore(d).get_json(s, team, "messaging"));
    if (!msg->is_null(schema, "contact_id")) {
      st.contact = ContactStore(d).get(s, team, msg->int_or(schema, "contact_id", 0));
    }
    const std::string channel = msg->text_or(schema, "channel", "");
    if (st.contact) {
      st.verdict =
          check_send_policy(s, d, team, st.settings, {*st.contact}, channel, now_ms()).front();
    }
    if (!msg->is_null(schema, "template")) {
      st.tmpl = template_named(s, d, team, msg->text_or(schema, "template", ""), channel);
    } else if (st.contact && st.verdict.kind != PolicyVerdict::Kind::kSkip &&
               messenger_.plugins() && channel != "email" && channel != "webhook") {
      // Free-form text: the provider's session window decides (a deferral cannot help).
      std::uint32_t window = messenger_.plugins()->session_window(channel, "");
      PolicyVerdict v = check_session_window(s, d, team, st.contact->id, window, now_ms());
      if (v.kind == PolicyVerdict::Kind::kSkip) st.verdict = v;
    }
    return st;
  });
  if (!state) return Outcome::ok();
  if (state->msg.text_or(schema, "channel", "") == "webhook") {
    return send_webhook(event, db, state->msg);
  }
  const std::string channel = state->msg.text_or(schema, "channel", "");
  const std::int64_t attempts = state->msg.int_or(schema, "attempts", 0);
  const std::string effect = channel + ":" + std::to_string(id) + ":" + std::to_string(attempts);
  const bool last_try = event.attempts + 1 >= max_attempts_;

  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set("outbox_id", id);
  payload.set("channel", channel);
  if (state->tmpl) payload.set("template", state->msg.text_or(schema, "template", ""));
  auto finish_as = [&](const std::string& status, const std::string& reason,
                       const std::string& event_type) {
    db.write([&](soci::session& s) {
      store.set_outbox_status(s, team, id, status, reason);
      if (state->contact && !event_type.empty()) {
        Poco::JSON::Object p(payload);
        p.set("reason", reason);
        store.contact_event(s, team, state->contact->id, event_type, json_text(p));
      }
    });
    return Outcome::ok();
  };

  if (!state->contact) return finish_as("failed", "the contact no longer exists", "");
  const Contact& contact = *state->contact;
  if (state->verdict.kind == PolicyVerdict::Kind::kSkip) {
    return finish_as("skipped", state->verdict.reason, "message.skipped");
  }
  // The same message comes back to this subscriber at `until`.
  auto defer = [&](const std::string& reason, EpochMs until, bool paced) {
    db.write([&](soci::session& s) {
      store.set_outbox_status(s, team, id, "deferred", reason);
      Poco::JSON::Object ref(Poco::JSON_PRESERVE_KEY_ORDER), p(Poco::JSON_PRESERVE_KEY_ORDER);
      ref.set("id", id);
      p.set("outbox_message", ref);
      p.set("reason", reason);
      if (paced) p.set("paced", true);
      EventStore(d).append(
          s, {team, "outbox_message.due", "contact", contact.id, json_text(p), until});
    });
    return Outcome::ok();
  };
  if (state->verdict.kind == PolicyVerdict::Kind::kDefer) {
    return defer(state->verdict.reason, state->verdict.until, false);  // quiet hours
  }
  if (!delivery.paced) {
    // The team's and the server's send rates. The slot is taken now: a message deferred to
    // it does not reserve another when it comes back.
    double wait = messenger_.pacer().reserve(team, state->settings.send_rate_per_minute);
    if (wait > kMaxPaceSleepS) {
      return defer("send_rate", now_ms() + static_cast<EpochMs>(wait * 1000), true);
    }
    if (wait > 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait));
  }
  const std::string address = channel_address(contact, channel);
  payload.set("to", address);

  if (channel == "email") {
    SmtpTransport* smtp = messenger_.smtp();
    if (!smtp) return finish_as("failed", "email is not configured (SB_SMTP_URL)", "email.failed");
    if (!state->tmpl) {
      return finish_as(
          "failed", "no email template named '" + state->msg.text_or(schema, "template", "") + "'",
          "email.failed");
    }
    std::string mime, message_id;
    try {
      EmailContent e =
          messenger_.compose_email(*state->tmpl, contact, state->msg.text_or(schema, "data", "{}"),
                                   state->settings, MessageRef{'m', team, id, contact.id});
      const std::string unique =
          "sb." + std::to_string(team) + "." + std::to_string(id) + "." + std::to_string(attempts);
      mime = build_mime(e, now_ms(), unique);
      // build_mime's own Message-ID: the unique part at the sender's domain.
      message_id = unique + "@" + e.from_address.substr(e.from_address.find('@') + 1);
    } catch (const Error& e) {
      return finish_as("failed", e.what(), "email.failed");
    }
    PendingSend pending = smtp->prepare(messenger_.envelope_from(state->settings), address, mime);
    if (!pending.ready()) {
      const SendOutcome& out = pending.outcome();
      std::string reason = (out.code ? std::to_string(out.code) + " " : std::string()) + out.reply;
      if (out.kind == SendOutcome::Kind::kTransient && !last_try) return Outcome::retry(reason);
      if (out.hard_bounce()) {
        db.write([&](soci::session& s) {
          store.suppress(s, team, contact.id, "email", "bounced", reason);
        });
      }
      return finish_as("failed", reason, "email.failed");
    }
    payload.set("message_id", message_id);
    // Recorded before the dot: if this process dies between the two, the message counts as
    // sent, and the server either has it whole or discards the unfinished DATA.
    bool first = context.once(effect, [&](soci::session& s) {
      store.set_outbox_sent(s, team, id, message_id, now_ms());
      store.contact_event(s, team, contact.id, "email.sent", json_text(payload));
    });
    if (!first) return Outcome::ok();  // `pending` closes unfinished: no second copy
    SendOutcome out = pending.finish();
    if (out.kind == SendOutcome::Kind::kSent) return Outcome::ok();
    if (out.code == 0) {
      // The connection broke after the dot: the server may have the message. Sending again
      // risks a duplicate, so it stays sent.
      Poco::Logger::get("channels")
          .warning("message %Ld: %s after the final dot; kept as sent",
                   static_cast<Poco::Int64>(id), out.reply);
      return Outcome::ok();
    }
    std::string reason = std::to_string(out.code) + " " + out.reply;
    if (out.kind == SendOutcome::Kind::kTransient && !last_try) {
      db.write([&](soci::session& s) {
        store.set_outbox_status(s, team, id, "queued", reason, /*retry=*/true);
      });
      return Outcome::retry(reason);
    }
    return finish_as("failed", reason, "email.failed");
  }

  if (channel == "sms") {
    std::string text = state->msg.text_or(schema, "body", "");
    if (state->tmpl) {
      text =
          Messenger::compose_text(*state->tmpl, contact, state->msg.text_or(schema, "data", "{}"));
    } else if (!state->msg.is_null(schema, "template")) {
      return finish_as("failed",
                       "no SMS template named '" + state->msg.text_or(schema, "template", "") + "'",
                       "sms.failed");
    }
    plugins::PluginHost* host = messenger_.plugins();
    if (!host) return finish_as("failed", "no SMS provider is loaded", "sms.failed");
    // A provider call cannot be split like SMTP: the mark comes first, so a crash during
    // the call leaves the message 'sending' (not sent twice, reported for a person to check).
    if (!context.once(effect, [&](soci::session& s) {
          store.set_outbox_status(s, team, id, "sending", "");
        })) {
      return Outcome::ok();
    }
    Poco::JSON::Object msg(Poco::JSON_PRESERVE_KEY_ORDER);
    msg.set("to", address);
    msg.set("text", text);
    if (const TrackingLinks* links = messenger_.links()) {
      msg.set("status_callback", links->delivery_report_url(MessageRef{'m', team, id, contact.id}));
    }
    auto r = host->send("sms", "", plugins::CallScope{team, &db, nullptr}, json_text(msg));
    if (!r) return finish_as("failed", "no SMS provider is loaded", "sms.failed");
    if (r->status == SB_OK) {
      std::string provider_id;
      try {
        Poco::JSON::Parser parser;
        auto o = parser.parse(r->result).extract<Poco::JSON::Object::Ptr>();
        provider_id = o->optValue<std::string>("provider_id", "");
      } catch (const Poco::Exception&) {
      }
      payload.set("provider_id", provider_id);
      db.write([&](soci::session& s) {
        store.set_outbox_sent(s, team, id, provider_id, now_ms());
        store.contact_event(s, team, contact.id, "sms.sent", json_text(payload));
      });
      return Outcome::ok();
    }
    if (r->status == SB_RETRY && !last_try) {
      db.write([&](soci::session& s) {
        store.set_outbox_status(s, team, id, "queued", r->error, /*retry=*/true);
      });
      return Outcome::retry(r->error);
    }
    return finish_as("failed", r->error, "sms.failed");
  }
  return Outcome::ok();
}

Outcome OutboxSender::send_webhook(const StoredEvent& event, Database& db, const Record& msg) {
  const EntitySchema& schema = crm::outbox_message();
  const std::int64_t team = event.team_id, id = msg.id;
  MessagingStore store(db.dialect());
  auto finish = [&](const std::string& status, const std::string& reason, bool retry) {
    db.write([&](soci::session& s) {
      if (status == "sent") {
        store.set_outbox_sent(s, team, id, "", now_ms());
      } else {
        store.set_outbox_status(s, team, id, status, reason, retry);
      }
    });
    return retry ? Outcome::retry(reason) : Outcome::ok();
  };
  // The same id on every attempt: receivers drop a delivery they have already processed
  // (delivery is at least once: a crash after the POST and before "sent" sends it again).
  const std::string webhook_id = "msg_sb" + std::to_string(team) + "_" + std::to_string(id);
  const std::string body = msg.text_or(schema, "body", "{}");
  const EpochMs now = now_ms();
  const std::int64_t timestamp = now / 1000;
  std::string signature =
      webhook_signature_header(webhook_secrets(db, team), webhook_id, timestamp, body, now);
  WebhookResponse r = messenger_.webhooks().post(msg.text_or(schema, "recipient", ""), body,
                                                 {{"webhook-id", webhook_id},
                                                  {"webhook-timestamp", std::to_string(timestamp)},
                                                  {"webhook-signature", signature}});
  if (r.status >= 200 && r.status < 300) return finish("sent", "", false);
  std::string reason = r.status ? "HTTP " + std::to_string(r.status) : r.error;
  if (r.status && !r.body.empty()) reason += ": " + r.body.substr(0, 200);
  // Retried like a subscription's delivery (docs/webhooks.md): backoff until the retry
  // window closes. Refused addresses and 410 Gone are final at once.
  const auto& options = messenger_.options();
  const int attempts = static_cast<int>(msg.int_or(schema, "attempts", 0)) + 1;
  const EpochMs next = now_ms() + webhook_backoff_ms(options.webhook_backoff_base, attempts);
  const bool final_answer = r.refused || r.status == 410 ||
                            next > msg.created_at + options.webhook_retry_hours * 3600'000LL;
  if (final_answer) return finish("failed", reason, false);
  db.write([&](soci::session& s) {
    store.set_outbox_status(s, team, id, "queued", reason, /*retry=*/true);
    Poco::JSON::Object ref(Poco::JSON_PRESERVE_KEY_ORDER), p(Poco::JSON_PRESERVE_KEY_ORDER);
    ref.set("id", id);
    p.set("outbox_message", ref);
    p.set("reason", reason);
    EventStore(db.dialect())
        .append(s, {team, "outbox_message.due", "", std::nullopt, json_text(p), next});
  });
  return Outcome::ok();
}

}  // namespace sb::channels
