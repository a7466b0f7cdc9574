// Chat ingestion in one transaction per group: see ingestor.h for the steps.
#include "capture/ingestor.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "model/contact_behaviour.h"
#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/conversation_json.h"
#include "model/error.h"
#include "model/field_sources.h"

namespace sb::capture {
namespace {

constexpr double kSentimentSignal = 0.5;  // below: no lexicon hit, nothing learned

int intent_rank(const std::optional<std::string>& v) {
  if (!v) return 0;
  if (*v == "browsing") return 1;
  if (*v == "comparing") return 2;
  if (*v == "ready_to_buy") return 3;
  return 0;
}

// A contact the group touches.
struct Work {
  Contact contact;  // working copy: decisions and activity applied as items are read
  bool is_new = false;
  bool existed_changed = false;
  IdentityKey key;  // new contacts: the identity they are created under
  ContactPatch patch;
  FieldSources sources;
  ContactBehaviour behaviour;
  std::vector<std::pair<std::string, std::size_t>> provenance;  // field -> slot (message id later)
};

// One item of the group, where its answer comes from.
struct Slot {
  std::size_t request = 0, item = 0;
  const IngestItem* in = nullptr;
  enum class State { kFresh, kStored, kRepeat } state = State::kFresh;
  std::size_t repeat_of = 0;  // kRepeat: the slot with the same message id
  ChatMessage stored;         // kStored: the row already there
  Work* work = nullptr;
  std::int64_t conversation_id = 0;
  bool starts = false, ends = false;
  Poco::JSON::Array::Ptr captured = new Poco::JSON::Array;
  Poco::JSON::Array::Ptr ignored = new Poco::JSON::Array;
  std::size_t message_index = 0;  // into the inserted messages
};

Poco::JSON::Object::Ptr capture_entry(const Extracted& e) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("field", e.field);
  o->set("value", e.value);
  o->set("source", e.source);
  o->set("confidence", e.confidence);
  return o;
}

void ignore(Slot& slot, const std::string& field, const std::string& value,
            const std::string& reason) {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  o->set("field", field);
  if (!value.empty()) o->set("value", value);
  o->set("reason", reason);
  slot.ignored->add(o);
}

class GroupRun {
 public:
  GroupRun(soci::session& s, const ContactStore& contacts, const ConversationStore& convs,
           const CustomFieldStore& custom_fields, std::int64_t team, std::int64_t agent)
      : s_(s),
        contacts_(contacts),
        convs_(convs),
        custom_fields_(custom_fields),
        team_(team),
        agent_(agent) {}

  void add(std::size_t request, const IngestRequest& r) {
    if (r.key_id) actor_ = Actor::key(*r.key_id);
    for (std::size_t i = 0; i < r.items.size(); ++i) {
      Slot slot;
      slot.request = request;
      slot.item = i;
      slot.in = &r.items[i];
      slots_.push_back(std::move(slot));
    }
  }

  void run(std::vector<IngestResult>& results) {
    find_stored();
    resolve_contacts();
    decide_captures();
    write_contacts();
    track_conversations();
    insert_messages();
    finish_contacts();
    convs_.save_conversations(s_, touched_conversations());
    contacts_.events().append_many(s_, events_);
    answer(results);
  }

 private:
  // 1. Re-posted messages answer as the first time; repeats inside the group follow
  // their first occurrence.
  void find_stored() {
    std::vector<MessageKey> keys;
    std::map<MessageKey, std::size_t> first;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      MessageKey k{slots_[i].in->conversation_ref, slots_[i].in->external_id};
      auto [it, inserted] = first.emplace(k, i);
      if (inserted) {
        keys.push_back(k);
      } else {
        slots_[i].state = Slot::State::kRepeat;
        slots_[i].repeat_of = it->second;
      }
    }
    for (ChatMessage& m : convs_.find_messages(s_, team_, agent_, keys)) {
      Slot& slot = slots_[first[{m.conversation_ref, m.external_id}]];
      slot.state = Slot::State::kStored;
      slot.stored = std::move(m);
    }
  }

  std::vector<Slot*> fresh() {
    std::vector<Slot*> out;
    for (Slot& s : slots_) {
      if (s.state == Slot::State::kFresh) out.push_back(&s);
    }
    return out;
  }

  static std::vector<std::string> values_of(const IngestItem& item, const std::string& field) {
    std::vector<std::string> out;
    for (const Extracted& e : item.extracted) {
      if (e.field == field) out.push_back(e.value);
    }
    return out;
  }

  // 2-3. Platform identity, else a captured email or phone, else a new contact.
  void resolve_contacts() {
    std::vector<IdentityKey> keys;
    std::set<IdentityKey> seen;
    std::set<std::string> emails, phones;
    for (Slot* slot : fresh()) {
      IdentityKey k{slot->in->platform, slot->in->user_id};
      if (seen.insert(k).second) keys.push_back(k);
      for (auto& e : values_of(*slot->in, "email")) emails.insert(e);
      for (auto& p : values_of(*slot->in, "phone")) phones.insert(p);
    }
    if (keys.empty()) return;
    std::map<IdentityKey, std::int64_t> known = convs_.resolve_identities(s_, team_, keys);
    email_owner_ = convs_.contacts_by(s_, team_, "email", {emails.begin(), emails.end()});
    std::map<std::string, std::int64_t> phone_owner;
    if (known.size() < keys.size()) {
      phone_owner = convs_.contacts_by(s_, team_, "phone", {phones.begin(), phones.end()});
    }
    std::map<IdentityKey, std::int64_t> linked;  // found by email/phone: identity to add
    for (Slot* slot : fresh()) {
      IdentityKey k{slot->in->platform, slot->in->user_id};
      if (known.count(k)) continue;
      for (auto& e : values_of(*slot->in, "email")) {
        if (!known.count(k) && email_owner_.count(e)) known[k] = linked[k] = email_owner_[e];
      }
      for (auto& p : values_of(*slot->in, "phone")) {
        if (!known.count(k) && phone_owner.count(p)) known[k] = linked[k] = phone_owner[p];
      }
    }
    std::vector<std::int64_t> ids;
    for (const auto& [k, id] : known) ids.push_back(id);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (Contact& c : contacts_.get_many(s_, team_, ids, /*for_update=*/true)) {
      Work& w = works_.emplace_back();
      w.sources = FieldSources::parse(c.field_sources_json);
      w.behaviour = ContactBehaviour::parse(c.behaviour_json);
      w.contact = std::move(c);
      by_id_[w.contact.id] = &w;
    }
    for (const auto& [k, id] : linked) {
      if (by_id_.count(id)) convs_.add_identity(s_, team_, k, id);
    }
    for (Slot* slot : fresh()) {
      IdentityKey k{slot->in->platform, slot->in->user_id};
      auto it = known.find(k);
      if (it != known.end() && by_id_.count(it->second)) {
        slot->work = by_id_[it->second];
        continue;
      }
      auto nit = new_by_key_.find(k);
      if (nit == new_by_key_.end()) {
        Work& w = works_.emplace_back();
        w.is_new = true;
        w.key = k;
        w.contact.team_id = team_;
        w.contact.source = "chat";
        w.contact.platform = k.first;
        w.contact.external_id = k.second;
        w.contact.first_seen = slot->in->sent_at;
        nit = new_by_key_.emplace(k, &w).first;
      }
      slot->work = nit->second;
    }
  }

  const std::map<std::string, CustomField>& custom_defs() {
    if (!custom_defs_) custom_defs_ = custom_fields_.by_key(s_, team_);
    return *custom_defs_;
  }

  void set_text(Work& w, Slot& slot, const Extracted& e, std::optional<std::string>& current,
                Patch<std::string>& patch) {
    if (current == e.value) return;
    if (!w.sources.capture_may_set(e.field, current.has_value(), e.confidence)) {
      if (e.source == "display_name") return;  // sent with every message: not news
      ignore(slot, e.field, e.value,
             w.sources.find(e.field) && w.sources.find(e.field)->source != "user"
                 ? "the current value was captured with higher confidence"
                 : "a person set this field; capture never overwrites it");
      return;
    }
    current = e.value;
    patch.set(e.value);
    accept(w, slot, e);
  }

  void accept(Work& w, Slot& slot, const Extracted& e) {
    w.sources.set(e.field,
                  {.source = e.source, .confidence = e.confidence, .at = slot.in->sent_at});
    w.provenance.emplace_back(e.field, static_cast<std::size_t>(&slot - slots_.data()));
    slot.captured->add(capture_entry(e));
    w.existed_changed = true;
  }

  void decide(Work& w, Slot& slot, const Extracted& e) {
    Contact& c = w.contact;
    if (e.field == "email") {
      auto owner = email_owner_.find(e.value);
      bool other = owner != email_owner_.end() && owner->second != c.id;
      auto claimed = email_claims_.find(e.value);
      bool claimed_by_other = claimed != email_claims_.end() && claimed->second != &w;
      if (c.email != e.value && (other || claimed_by_other)) {
        ignore(slot, e.field, e.value,
               other ? "belongs to contact " + std::to_string(owner->second)
                     : "captured for another contact in the same batch");
        return;
      }
      set_text(w, slot, e, c.email, w.patch.email);
      if (c.email == e.value) email_claims_[e.value] = &w;
    } else if (e.field == "phone") {
      set_text(w, slot, e, c.phone, w.patch.phone);
    } else if (e.field == "name") {
      set_text(w, slot, e, c.name, w.patch.name);
    } else if (e.field == "needs") {
      set_text(w, slot, e, c.needs, w.patch.needs);
    } else if (e.field == "company") {
      std::optional<std::string> current;
      if (auto it = c.metadata.find("company"); it != c.metadata.end()) current = it->second;
      if (current == e.value) return;
      Extracted as = e;
      as.field = "metadata.company";
      if (!w.sources.capture_may_set(as.field, current.has_value(), e.confidence)) {
        ignore(slot, as.field, e.value, "a person or a stronger capture set this value");
        return;
      }
      c.metadata["company"] = e.value;
      w.patch.metadata.set(c.metadata);
      accept(w, slot, as);
    } else if (e.field == "purchase_intent") {
      int have = intent_rank(c.purchase_intent), got = intent_rank(e.value);
      if (got == have) return;
      if (got < have) {
        ignore(slot, e.field, e.value,
               "capture only raises intent (now " + *c.purchase_intent + ")");
        return;
      }
      set_text(w, slot, e, c.purchase_intent, w.patch.purchase_intent);
    } else if (e.field == "sentiment") {
      if (e.confidence < kSentimentSignal || c.sentiment == e.value) return;
      set_text(w, slot, e, c.sentiment, w.patch.sentiment);
    } else if (e.field == "interests") {
      if (std::find(c.interests.begin(), c.interests.end(), e.value) != c.interests.end()) return;
      if (c.interests.size() >= contact_limits::kMaxListItems) {
        ignore(slot, e.field, e.value, "the contact already has the maximum number of interests");
        return;
      }
      c.interests.push_back(e.value);
      w.patch.interests.set(c.interests);
      accept(w, slot, e);
    } else if (e.field.rfind("custom.", 0) == 0) {
      std::string key = e.field.substr(7);
      auto it = custom_defs().find(key);
      if (it == custom_defs().end()) {
        ignore(slot, e.field, e.value, "no custom field with this key");
        return;
      }
      if (!it->second.allow_for_ai) {
        ignore(slot, e.field, e.value, "the custom field is not open to AI capture (allow_for_ai)");
        return;
      }
      Poco::Dynamic::Var value;
      try {
        Poco::Dynamic::Var raw = e.value;
        if (it->second.type == "number") raw = std::stod(e.value);
        if (it->second.type == "boolean") raw = (e.value == "true");
        value = validate_custom_value(it->second, raw);
      } catch (const std::exception& ex) {
        ignore(slot, e.field, e.value, ex.what());
        return;
      }
      Poco::JSON::Parser parser;
      auto custom = parser.parse(c.custom_json).extract<Poco::JSON::Object::Ptr>();
      bool has = custom->has(key) && !custom->isNull(key);
      if (has && custom->get(key).toString() == value.toString()) return;
      if (!w.sources.capture_may_set(e.field, has, e.confidence)) {
        ignore(slot, e.field, e.value, "a person or a stronger capture set this value");
        return;
      }
      custom->set(key, value);
      Poco::JSON::Object sorted;
      for (const auto& [k, v] : *custom) sorted.set(k, v);
      c.custom_json = json_text(sorted);
      Poco::JSON::Object only;
      only.set(key, value);
      if (w.patch.custom_json.present && w.patch.custom_json.value) {
        auto prev = Poco::JSON::Parser()
                        .parse(*w.patch.custom_json.value)
                        .extract<Poco::JSON::Object::Ptr>();
        for (const auto& [k, v] : *prev) {
          if (!only.has(k)) only.set(k, v);
        }
      }
      w.patch.custom_json.set(json_text(only));
      accept(w, slot, e);
    } else {
      ignore(slot, e.field, e.value, "not a field capture fills");
    }
  }

  // 4. Captured values, item by item, under the provenance rules.
  void decide_captures() {
    for (Slot* slot : fresh()) {
      Work& w = *slot->work;
      for (const auto& [field, reason] : slot->in->refused) ignore(*slot, field, "", reason);
      for (const Extracted& e : slot->in->extracted) decide(w, *slot, e);
    }
  }

  // 5. New contacts are created with what was captured; changed ones updated, each with
  // the events and timeline entries of any REST write.
  void write_contacts() {
    for (Work& w : works_) {
      w.patch.field_sources.set(w.sources.to_json_text());
      if (w.is_new) {
        ContactPatch p = w.patch;
        p.source.set("chat");
        p.platform.set(w.key.first);
        p.external_id.set(w.key.second);
        p.first_seen.set(w.contact.first_seen);  // the first message, not the write
        p.last_active.set(w.contact.first_seen);
        w.contact = contacts_.create(s_, team_, p, actor_, /*require_custom=*/false);
        w.behaviour = ContactBehaviour{};
        by_id_[w.contact.id] = &w;
        convs_.add_identity(s_, team_, w.key, w.contact.id);
      } else if (w.existed_changed) {
        Contact updated = contacts_.update(s_, team_, w.contact.id, w.patch, std::nullopt, actor_);
        w.contact.version = updated.version;
        w.contact.updated_at = updated.updated_at;
        w.contact.account_id = updated.account_id;
      }
    }
  }

  // 6. Conversations: opened on first sight, counters, response times, events' flags.
  void track_conversations() {
    std::vector<std::string> refs;
    std::set<std::string> seen;
    for (Slot* slot : fresh()) {
      if (seen.insert(slot->in->conversation_ref).second)
        refs.push_back(slot->in->conversation_ref);
    }
    for (Conversation& c : convs_.open_conversations(s_, team_, agent_, refs)) {
      open_[c.external_id] = c.id;
      conversations_[c.id] = std::move(c);
    }
    for (Slot* slot : fresh()) {
      const IngestItem& in = *slot->in;
      Work& w = *slot->work;
      auto it = open_.find(in.conversation_ref);
      if (it == open_.end()) {
        Conversation c;
        c.team_id = team_;
        c.agent_id = agent_;
        c.contact_id = w.contact.id;
        c.external_id = in.conversation_ref;
        c.platform = in.platform;
        c.started_at = c.last_message_at = in.sent_at;
        convs_.insert_conversation(s_, c);
        it = open_.emplace(in.conversation_ref, c.id).first;
        conversations_[c.id] = std::move(c);
        slot->starts = true;
        ++w.contact.conversation_count;
      }
      Conversation& c = conversations_[it->second];
      slot->conversation_id = c.id;
      ++c.message_count;
      c.last_message_at = std::max(c.last_message_at, in.sent_at);
      if (in.kind == "message") {
        if (in.role == "user") {
          ++c.user_message_count;
          if (!c.awaiting_since) c.awaiting_since = in.sent_at;
          ++w.contact.message_count;
          w.behaviour.add_user_message(in.sent_at);
        } else if ((in.role == "bot" || in.role == "agent") && c.awaiting_since) {
          w.behaviour.add_response(in.sent_at - *c.awaiting_since);
          c.awaiting_since.reset();
        }
        for (const Extracted& e : in.extracted) {
          if (e.field == "interests" && c.topics.size() < chat_limits::kMaxTopics &&
              std::find(c.topics.begin(), c.topics.end(), e.value) == c.topics.end()) {
            c.topics.push_back(e.value);
          }
        }
      } else if (in.kind == "handoff") {
        c.handed_off = true;
      } else if (in.kind == "escalation") {
        c.escalated = true;
      } else if (in.kind == "feedback") {
        c.rating = in.rating;
        c.feedback = in.comment;
      } else if (in.kind == "resolved") {
        c.resolved = true;
        c.status = "closed";
        c.close_reason = "resolved";
        c.ended_at = in.sent_at;
        open_.erase(it);
        slot->ends = true;
      }
      w.contact.last_active = std::max(w.contact.last_active, in.sent_at);
      w.contact.last_channel = in.platform;
      touched_.insert(c.id);
    }
  }

  // 7. The messages themselves, with what capture took from each.
  void insert_messages() {
    for (Slot* slot : fresh()) {
      const IngestItem& in = *slot->in;
      ChatMessage m;
      m.team_id = team_;
      m.agent_id = agent_;
      m.conversation_id = slot->conversation_id;
      m.contact_id = slot->work->contact.id;
      m.conversation_ref = in.conversation_ref;
      m.external_id = in.external_id;
      m.kind = in.kind;
      m.role = in.role;
      m.text = in.text;
      m.sent_at = in.sent_at;
      m.sentiment = in.sentiment;
      m.sentiment_score = in.sentiment_score;
      m.attachments_json = in.attachments_json;
      m.data_json = in.data_json;
      Poco::JSON::Object capture(Poco::JSON_PRESERVE_KEY_ORDER);
      capture.set("captured", slot->captured);
      capture.set("ignored", slot->ignored);
      m.captured_json = json_text(capture);
      slot->message_index = messages_.size();
      messages_.push_back(std::move(m));
    }
    convs_.insert_messages(s_, messages_);
  }

  // 8. Provenance gets its message ids; activity and events are written.
  void finish_contacts() {
    std::vector<Contact> activity;
    for (Work& w : works_) {
      for (const auto& [field, slot_index] : w.provenance) {
        const FieldSource* src = w.sources.find(field);
        if (!src) continue;
        FieldSource with_id = *src;
        with_id.message_id = messages_[slots_[slot_index].message_index].id;
        w.sources.set(field, with_id);
      }
      w.contact.field_sources_json = w.sources.to_json_text();
      w.contact.behaviour_json = w.behaviour.to_json_text();
      activity.push_back(w.contact);
    }
    contacts_.save_activity(s_, activity);
    for (Slot* slot : fresh()) add_events(*slot);
  }

  void add_events(Slot& slot) {
    const ChatMessage& m = messages_[slot.message_index];
    const Conversation& c = conversations_[slot.conversation_id];
    const Contact& contact = slot.work->contact;
    auto event = [&](std::string type, const Poco::JSON::Object& payload) {
      events_.push_back({.team_id = team_,
                         .type = std::move(type),
                         .subject_type = "contact",
                         .subject_id = contact.id,
                         .payload_json = json_text(payload)});
    };
    if (slot.starts) {
      Poco::JSON::Object p(Poco::JSON_PRESERVE_KEY_ORDER);
      p.set("conversation", conversation_summary_json(c));
      p.set("contact", contact_to_json(contact));
      event("conversation.started", p);
      contacts_.timeline().add(s_, team_, contact.id, "conversation_started",
                               json_text(conversation_summary_json(c)), actor_);
    }
    Poco::JSON::Object p(Poco::JSON_PRESERVE_KEY_ORDER);
    p.set("message", message_to_json(m));
    p.set("conversation", conversation_summary_json(c));
    p.set("contact", contact_to_json(contact));
    p.set("agent_id", agent_);
    p.set("sentiment", or_null(m.sentiment));
    p.set("captured", slot.captured);
    if (m.kind == "message") {
      event("message.received", p);
    } else {
      event("conversation." + m.kind, p);
      contacts_.timeline().add(s_, team_, contact.id, "conversation_" + m.kind,
                               json_text(message_to_json(m)), actor_);
    }
    if (slot.ends) {
      Poco::JSON::Object ended = conversation_ended_json(c);
      event("conversation.ended", ended);
      contacts_.timeline().add(s_, team_, contact.id, "conversation_ended", json_text(ended),
                               actor_);
    }
  }

  std::vector<Conversation> touched_conversations() {
    std::vector<Conversation> out;
    for (std::int64_t id : touched_) out.push_back(conversations_[id]);
    return out;
  }

  void answer(std::vector<IngestResult>& results) {
    for (Slot& slot : slots_) {
      ItemResult r;
      const Slot* source = slot.state == Slot::State::kRepeat ? &slots_[slot.repeat_of] : &slot;
      if (source->state == Slot::State::kStored) {
        r.message_id = source->stored.id;
        r.conversation_id = source->stored.conversation_id;
        r.contact_id = source->stored.contact_id;
        r.capture_json = source->stored.captured_json;
      } else {
        const ChatMessage& m = messages_[source->message_index];
        r.message_id = m.id;
        r.conversation_id = m.conversation_id;
        r.contact_id = m.contact_id;
        r.capture_json = m.captured_json;
      }
      results[slot.request].items[slot.item] = std::move(r);
    }
  }

  soci::session& s_;
  const ContactStore& contacts_;
  const ConversationStore& convs_;
  const CustomFieldStore& custom_fields_;
  std::int64_t team_, agent_;
  Actor actor_;  // the bot key that posted the messages
  std::vector<Slot> slots_;
  std::deque<Work> works_;  // stable addresses
  std::map<std::int64_t, Work*> by_id_;
  std::map<IdentityKey, Work*> new_by_key_;
  std::map<std::string, std::int64_t> email_owner_;
  std::map<std::string, Work*> email_claims_;
  std::optional<std::map<std::string, CustomField>> custom_defs_;
  std::map<std::string, std::int64_t> open_;
  std::map<std::int64_t, Conversation> conversations_;
  std::set<std::int64_t> touched_;
  std::vector<ChatMessage> messages_;
  std::vector<NewEvent> events_;
};

// Bot fields: core fields by name, anything else is a custom field key.
void read_bot_fields(IngestItem& item, const CaptureSettings& settings) {
  for (const BotField& f : item.bot_fields) {
    std::string field = f.key;
    static const std::set<std::string> kCore = {
        "email", "phone", "name", "company", "needs", "interests", "sentiment", "purchase_intent"};
    if (!kCore.count(field)) field = "custom." + field;
    for (const std::string& raw : f.values) {
      try {
        std::string value = trim(raw);
        if (value.empty()) continue;
        if (field == "email") value = normalize_email("email", value);
        if (field == "phone") {
          value = normalize_local_phone("phone", value, settings.phone_country_code);
        }
        if (field == "purchase_intent") require_one_of(field, value, contact_enums::kIntents);
        if (field == "sentiment") require_one_of(field, value, contact_enums::kSentiments);
        if (field == "name" || field == "company") {
          value = require_text(field, value, contact_limits::kMaxTextBytes);
        }
        if (field == "needs") value = require_text(field, value, contact_limits::kMaxNeedsBytes);
        if (field == "interests") {
          value = require_text(field, value, contact_limits::kMaxListItemBytes);
        }
        item.extracted.push_back({field, value, f.confidence, "bot"});
      } catch (const Error& e) {
        item.refused.emplace_back(field, e.what());
      }
    }
  }
}

}  // namespace

Ingestor::Ingestor(const ContactStore& contacts)
    : contacts_(contacts),
      conversations_(contacts.dialect()),
      custom_fields_(contacts.dialect()),
      extractors_(builtin_extractors()) {}

void Ingestor::add_extractor(std::unique_ptr<Extractor> extractor) {
  extractors_.push_back(std::move(extractor));
}

void Ingestor::extract(IngestItem& item, const CaptureSettings& settings) const {
  read_bot_fields(item, settings);
  if (item.user_name) {
    item.extracted.push_back({"name", *item.user_name, 0.5, "display_name"});
  }
  if (item.kind != "message" || item.role != "user" || item.text.empty()) return;
  std::vector<Extracted> found;
  for (const auto& x : extractors_) {
    try {
      x->extract(item.text, settings, found);
    } catch (const std::exception&) {
      // An extractor that fails loses its own findings only (plugins will log here).
    }
  }
  for (Extracted& e : found) {
    if (e.field == "sentiment") {
      item.sentiment = e.value;
      item.sentiment_score = e.score;
    }
    item.extracted.push_back(std::move(e));
  }
}

std::vector<IngestResult> Ingestor::apply(soci::session& s,
                                          std::span<const IngestRequest* const> group) const {
  std::vector<IngestResult> results(group.size());
  for (std::size_t i = 0; i < group.size(); ++i) results[i].items.resize(group[i]->items.size());
  // Requests of the same agent run as one set: one round trip per step for all of them.
  std::vector<std::pair<std::int64_t, std::int64_t>> order;
  std::map<std::pair<std::int64_t, std::int64_t>, std::vector<std::size_t>> by_agent;
  for (std::size_t i = 0; i < group.size(); ++i) {
    std::pair<std::int64_t, std::int64_t> k{group[i]->team_id, group[i]->agent_id};
    if (!by_agent.count(k)) order.push_back(k);
    by_agent[k].push_back(i);
  }
  for (const auto& k : order) {
    GroupRun run(s, contacts_, conversations_, custom_fields_, k.first, k.second);
    for (std::size_t i : by_agent[k]) run.add(i, *group[i]);
    run.run(results);
  }
  return results;
}

}  // namespace sb::capture
