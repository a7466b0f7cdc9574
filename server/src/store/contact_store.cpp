// contacts rows, with their timeline entries and events.
#include "store/contact_store.h"
#include "store/segment_store.h"
#include "store/statement.h"

#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "model/contact_json.h"
#include "model/contact_patch_json.h"
#include "model/contact_rules.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/field_sources.h"
#include "store/contact_filter_sql.h"
#include "store/json_rows.h"
#include "store/sql_errors.h"
#include "store/statement_cache.h"
#include "store/write_guard.h"

namespace sb {
namespace {

constexpr const char* kSelect =
    "SELECT c.id, c.source, c.platform, c.external_id, c.name, c.email, c.phone, c.status, "
    "c.purchase_intent, c.interests, c.traits, c.needs, c.tags, c.owner_id, c.account_id, c.stage, "
    "c.sentiment, "
    "c.score, c.metadata, c.custom, c.first_seen, c.last_active, c.created_at, c.updated_at, "
    "c.version, c.field_sources, c.message_count, c.conversation_count, c.last_channel, "
    "c.behaviour FROM contacts c ";

void require_account(soci::session& s, std::int64_t team_id, std::int64_t id) {
  long long team = team_id, account = id, one = 0;
  s << "SELECT 1 FROM accounts WHERE team_id = :t AND id = :id", soci::use(team),
      soci::use(account), soci::into(one);
  if (!s.got_data()) throw Error::validation("account_id", "no account with this id in the team");
}

// The account whose domain is `domain`: a contact created with an email at a known
// company's domain is linked to it.
std::optional<std::int64_t> account_by_domain(soci::session& s, std::int64_t team_id,
                                              const std::string& domain) {
  if (domain.empty()) return std::nullopt;
  long long team = team_id, id = 0;
  s << "SELECT id FROM accounts WHERE team_id = :t AND domain = :d", soci::use(team),
      soci::use(domain), soci::into(id);
  if (!s.got_data()) return std::nullopt;
  return static_cast<std::int64_t>(id);
}

// Bound output of kSelect.
struct ContactRow {
  long long id = 0, owner = 0, account = 0, first_seen = 0, last_active = 0, created = 0,
            updated = 0, messages = 0, conversations = 0;
  std::string source, platform, external_id, name, email, phone, status, intent, interests, traits,
      needs, tags, stage, sentiment, metadata, custom, field_sources, last_channel, behaviour;
  double score = 0;
  int version = 0;
  soci::indicator i_ext, i_name, i_email, i_phone, i_intent, i_needs, i_owner, i_account, i_stage,
      i_sent, i_channel;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(source));
    st.exchange(soci::into(platform));
    st.exchange(soci::into(external_id, i_ext));
    st.exchange(soci::into(name, i_name));
    st.exchange(soci::into(email, i_email));
    st.exchange(soci::into(phone, i_phone));
    st.exchange(soci::into(status));
    st.exchange(soci::into(intent, i_intent));
    st.exchange(soci::into(interests));
    st.exchange(soci::into(traits));
    st.exchange(soci::into(needs, i_needs));
    st.exchange(soci::into(tags));
    st.exchange(soci::into(owner, i_owner));
    st.exchange(soci::into(account, i_account));
    st.exchange(soci::into(stage, i_stage));
    st.exchange(soci::into(sentiment, i_sent));
    st.exchange(soci::into(score));
    st.exchange(soci::into(metadata));
    st.exchange(soci::into(custom));
    st.exchange(soci::into(first_seen));
    st.exchange(soci::into(last_active));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
    st.exchange(soci::into(version));
    st.exchange(soci::into(field_sources));
    st.exchange(soci::into(messages));
    st.exchange(soci::into(conversations));
    st.exchange(soci::into(last_channel, i_channel));
    st.exchange(soci::into(behaviour));
  }

  static std::optional<std::string> opt(const std::string& v, soci::indicator i) {
    return i == soci::i_ok ? std::optional<std::string>(v) : std::nullopt;
  }

  Contact value(std::int64_t team_id) const {
    Contact c;
    c.team_id = team_id;
    c.id = id;
    c.source = source;
    c.platform = platform;
    c.external_id = opt(external_id, i_ext);
    c.name = opt(name, i_name);
    c.email = opt(email, i_email);
    c.phone = opt(phone, i_phone);
    c.status = status;
    c.purchase_intent = opt(intent, i_intent);
    c.interests = parse_string_array(interests);
    c.traits = parse_string_array(traits);
    c.needs = opt(needs, i_needs);
    c.tags = parse_string_array(tags);
    if (i_owner == soci::i_ok) c.owner_id = owner;
    if (i_account == soci::i_ok) c.account_id = account;
    c.stage = opt(stage, i_stage);
    c.sentiment = opt(sentiment, i_sent);
    c.score = score;
    c.metadata = parse_string_map(metadata);
    // Re-serialise so the text is canonical (sorted keys) on both backends.
    Poco::JSON::Parser parser;
    c.custom_json = json_text(*parser.parse(custom).extract<Poco::JSON::Object::Ptr>());
    c.first_seen = first_seen;
    c.last_active = last_active;
    c.created_at = created;
    c.updated_at = updated;
    c.version = version;
    c.field_sources_json = field_sources;
    c.message_count = messages;
    c.conversation_count = conversations;
    c.last_channel = opt(last_channel, i_channel);
    c.behaviour_json = behaviour;
    return c;
  }
};

// Bound input for INSERT/UPDATE: copies that live as long as the statement.
struct ContactParams {
  long long team, id, owner, account, first_seen, last_active, created, updated;
  std::string source, platform, external_id, name, email, phone, status, intent, interests, traits,
      needs, tags, stage, sentiment, metadata, custom, field_sources;
  double score;
  int version;
  soci::indicator i_ext, i_name, i_email, i_phone, i_intent, i_needs, i_owner, i_account, i_stage,
      i_sent;

  explicit ContactParams(const Contact& c)
      : team(c.team_id),
        id(c.id),
        owner(c.owner_id.value_or(0)),
        account(c.account_id.value_or(0)),
        first_seen(c.first_seen),
        last_active(c.last_active),
        created(c.created_at),
        updated(c.updated_at),
        source(c.source),
        platform(c.platform),
        status(c.status),
        interests(json_text(*string_array(c.interests))),
        traits(json_text(*string_array(c.traits))),
        tags(json_text(*string_array(c.tags))),
        metadata(string_map_json(c.metadata)),
        custom(c.custom_json),
        field_sources(c.field_sources_json),
        score(c.score),
        version(c.version) {
    set(c.external_id, external_id, i_ext);
    set(c.name, name, i_name);
    set(c.email, email, i_email);
    set(c.phone, phone, i_phone);
    set(c.purchase_intent, intent, i_intent);
    set(c.needs, needs, i_needs);
    set(c.stage, stage, i_stage);
    set(c.sentiment, sentiment, i_sent);
    i_owner = c.owner_id ? soci::i_ok : soci::i_null;
    i_account = c.account_id ? soci::i_ok : soci::i_null;
  }
  static void set(const std::optional<std::string>& v, std::string& out, soci::indicator& ind) {
    out = v.value_or("");
    ind = v ? soci::i_ok : soci::i_null;
  }
  // Binds every column parameter by name (:source, :platform, ...).
  void bind(soci::statement& st) {
    st.exchange(soci::use(source, "source"));
    st.exchange(soci::use(platform, "platform"));
    st.exchange(soci::use(external_id, i_ext, "external_id"));
    st.exchange(soci::use(name, i_name, "name"));
    st.exchange(soci::use(email, i_email, "email"));
    st.exchange(soci::use(phone, i_phone, "phone"));
    st.exchange(soci::use(status, "status"));
    st.exchange(soci::use(intent, i_intent, "intent"));
    st.exchange(soci::use(interests, "interests"));
    st.exchange(soci::use(traits, "traits"));
    st.exchange(soci::use(needs, i_needs, "needs"));
    st.exchange(soci::use(tags, "tags"));
    st.exchange(soci::use(owner, i_owner, "owner"));
    st.exchange(soci::use(account, i_account, "account"));
    st.exchange(soci::use(stage, i_stage, "stage"));
    st.exchange(soci::use(sentiment, i_sent, "sentiment"));
    st.exchange(soci::use(score, "score"));
    st.exchange(soci::use(metadata, "metadata"));
    st.exchange(soci::use(custom, "custom"));
    st.exchange(soci::use(field_sources, "field_sources"));
    st.exchange(soci::use(first_seen, "first_seen"));
    st.exchange(soci::use(last_active, "last_active"));
    st.exchange(soci::use(updated, "updated"));
    st.exchange(soci::use(version, "version"));
    st.exchange(soci::use(team, "team"));
  }
};

std::vector<Contact> fetch(soci::session& s, std::int64_t team_id, const std::string& where,
                           SqlParams& params, int limit) {
  ContactRow row;
  StatementCache::Use st = statements_of(s).get(std::string(kSelect) + where);
  row.bind(*st);
  params.bind(*st);
  const bool found = st.execute();
  std::vector<Contact> out;
  if (found) {
    do {
      out.push_back(row.value(team_id));
    } while (st->fetch() && static_cast<int>(out.size()) < limit);
  }
  return out;
}

// Fields whose changes get a timeline entry and an event of their own.
struct TrackedField {
  const char* field;
  const char* event;  // nullptr: timeline only
};
constexpr TrackedField kTracked[] = {{"status", "contact.status_changed"},
                                     {"stage", "contact.stage_changed"},
                                     {"purchase_intent", "contact.intent_changed"},
                                     {"owner_id", "contact.owner_changed"}};

bool uses_custom_fields(const FilterNode& n) {
  if (n.kind == FilterNode::Kind::kCondition) return n.field.rfind("custom.", 0) == 0;
  for (const auto& c : n.children) {
    if (uses_custom_fields(c)) return true;
  }
  return false;
}

// A cursor's number as an integer; cursors come from clients, so any double may arrive.
long long clamped_integer(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2e18) return std::numeric_limits<long long>::max();
  if (v <= -9.2e18) return std::numeric_limits<long long>::min();
  return static_cast<long long>(v);
}

std::string sort_expr(const std::string& field) {
  if (field == "name") return "COALESCE(c.name, '')";
  return "c." + field;
}

}  // namespace

ContactStore::ContactStore(const Dialect& dialect)
    : dialect_(dialect),
      events_(dialect),
      timeline_(dialect),
      fields_(dialect),
      settings_(dialect),
      users_(dialect) {}

std::optional<Contact> ContactStore::get(soci::session& s, std::int64_t team_id, std::int64_t id,
                                         bool for_update) const {
  SqlParams p;
  std::string where = "WHERE c.team_id = " + p.add(static_cast<long long>(team_id)) +
                      " AND c.id = " + p.add(static_cast<long long>(id)) +
                      std::string(for_update ? dialect_.for_update() : "");
  auto rows = fetch(s, team_id, where, p, 1);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

std::vector<Contact> ContactStore::get_many(soci::session& s, std::int64_t team_id,
                                            const std::vector<std::int64_t>& ids,
                                            bool for_update) const {
  if (ids.empty()) return {};
  SqlParams p;
  JsonRows rows;
  for (std::int64_t id : ids) rows.row().add("id", id);
  std::string where = "WHERE c.team_id = " + p.add(static_cast<long long>(team_id)) +
                      " AND c.id IN (SELECT r.id FROM " +
                      json_rows_source(dialect_, "p1", {{"id", RowType::kInt}}) + ")";
  p.add(rows.text());  // :p1
  where += " ORDER BY c.id" + std::string(for_update ? dialect_.for_update() : "");
  return fetch(s, team_id, where, p, static_cast<int>(ids.size()));
}

void ContactStore::save_activity(soci::session& s, const std::vector<Contact>& contacts) const {
  if (contacts.empty()) return;
  JsonRows rows;
  for (const Contact& c : contacts) {
    rows.row()
        .add("team_id", c.team_id)
        .add("id", c.id)
        .add("last_active", c.last_active)
        .add("messages", c.message_count)
        .add("conversations", c.conversation_count)
        .add("channel", c.last_channel)
        .add_json("behaviour", c.behaviour_json)
        .add_json("sources", c.field_sources_json);
  }
  std::string text = rows.text();
  std::string source = json_rows_source(dialect_, "rows",
                                        {{"team_id", RowType::kInt},
                                         {"id", RowType::kInt},
                                         {"last_active", RowType::kInt},
                                         {"messages", RowType::kInt},
                                         {"conversations", RowType::kInt},
                                         {"channel", RowType::kText},
                                         {"behaviour", RowType::kJson},
                                         {"sources", RowType::kJson}});
  run_cached(
      s,
      "UPDATE contacts SET last_active = r.last_active, message_count = r.messages, "
      "conversation_count = r.conversations, last_channel = r.channel, behaviour = r.behaviour, "
      "field_sources = r.sources FROM " +
          source + " WHERE contacts.team_id = r.team_id AND contacts.id = r.id",
      soci::use(text, "rows"));
}

Contact ContactStore::require(soci::session& s, std::int64_t team_id, std::int64_t id,
                              bool for_update) const {
  auto c = get(s, team_id, id, for_update);
  if (!c) throw Error::not_found("contact", id);
  return *c;
}

void ContactStore::check_status(soci::session& s, std::int64_t team_id,
                                const std::string& status) const {
  require_one_of("status", status, settings_.contact_statuses(s, team_id));
}

namespace {

// Custom values checked against the team's definitions (and required ones on create).
void normalize_custom_with(const std::map<std::string, CustomField>& defs, ContactPatch& patch,
                           bool creating) {
  bool touched = patch.custom_json.present;
  if (patch.custom_json.present && !patch.custom_json.value) {
    throw Error::validation("custom_fields", "must be an object (set a key to null to clear it)");
  }
  Poco::JSON::Object normalized;
  if (touched) {
    Poco::JSON::Parser parser;
    auto obj = parser.parse(*patch.custom_json.value).extract<Poco::JSON::Object::Ptr>();
    for (const auto& [key, value] : *obj) {
      auto it = defs.find(key);
      if (it == defs.end()) throw Error::validation("custom_fields." + key, "no such custom field");
      if (value.isEmpty()) {
        if (it->second.required) throw Error::validation("custom_fields." + key, "is required");
        normalized.set(key, Poco::Dynamic::Var());
        continue;
      }
      normalized.set(key, validate_custom_value(it->second, value));
    }
    patch.custom_json.set(json_text(normalized));
  }
  if (creating) {
    for (const auto& [key, def] : defs) {
      if (def.required && (!normalized.has(key) || normalized.isNull(key))) {
        throw Error::validation("custom_fields." + key, "is required");
      }
    }
  }
}

}  // namespace

void ContactStore::normalize_custom(soci::session& s, std::int64_t team_id, ContactPatch& patch,
                                    bool creating) const {
  if (!patch.custom_json.present && !creating) return;
  normalize_custom_with(fields_.by_key(s, team_id), patch, creating);
}

void ContactStore::check_identity(soci::session& s, const Contact& c,
                                  std::int64_t except_id) const {
  long long team = c.team_id, except = except_id, existing = 0;
  if (c.external_id) {
    std::string platform = c.platform, ext = *c.external_id;
    s << "SELECT id FROM contacts WHERE team_id = :t AND platform = :p AND external_id = :e AND id "
         "<> :x",
        soci::use(team), soci::use(platform), soci::use(ext), soci::use(except),
        soci::into(existing);
    if (s.got_data()) {
      throw Error(ErrorCode::kConflict, "a contact with this platform and external_id exists",
                  {{"existing_id", static_cast<std::int64_t>(existing)},
                   {"field", std::string("external_id")}});
    }
  }
  if (c.email) {
    std::string email = *c.email;
    s << "SELECT id FROM contacts WHERE team_id = :t AND email = :e AND id <> :x", soci::use(team),
        soci::use(email), soci::use(except), soci::into(existing);
    if (s.got_data()) {
      throw Error(
          ErrorCode::kConflict, "a contact with this email exists",
          {{"existing_id", static_cast<std::int64_t>(existing)}, {"field", std::string("email")}});
    }
  }
}

void ContactStore::insert_row(soci::session& s, Contact& c) const {
  ContactParams p(c);
  const bool explicit_id = c.id > 0;
  std::string sql =
      std::string("INSERT INTO contacts (") + (explicit_id ? "id, " : "") +
      "team_id, source, platform, external_id, name, email, phone, status, "
      "purchase_intent, interests, traits, needs, tags, owner_id, account_id, stage, sentiment, "
      "score, "
      "metadata, custom, field_sources, first_seen, last_active, created_at, updated_at, version) "
      "VALUES (" +
      (explicit_id ? ":id, " : "") +
      ":team, :source, :platform, :external_id, :name, :email, :phone, :status, :intent, " +
      dialect_.json_param("interests") + ", " + dialect_.json_param("traits") + ", :needs, " +
      dialect_.json_param("tags") + ", :owner, :account, :stage, :sentiment, :score, " +
      dialect_.json_param("metadata") + ", " + dialect_.json_param("custom") + ", " +
      dialect_.json_param("field_sources") +
      ", :first_seen, :last_active, :created, :updated, :version) RETURNING id";
  long long id = 0;
  StatementCache::Use st = statements_of(s).get(sql);
  p.bind(*st);
  st->exchange(soci::use(p.created, "created"));
  if (explicit_id) st->exchange(soci::use(p.id, "id"));
  st->exchange(soci::into(id));
  try {
    st.execute();
  } catch (const soci::soci_error& e) {
    if (is_unique_violation(e)) {
      check_identity(s, c, c.id);  // throws the precise 409 when it was the identity
      throw Error(ErrorCode::kConflict, "contact conflicts with an existing one");
    }
    throw;
  }
  c.id = id;
}

void ContactStore::overwrite_row(soci::session& s, const Contact& c) const {
  ContactParams p(c);
  std::string sql =
      "UPDATE contacts SET source = :source, platform = :platform, external_id = :external_id, "
      "name = :name, email = :email, phone = :phone, status = :status, purchase_intent = :intent, "
      "interests = " +
      dialect_.json_param("interests") + ", traits = " + dialect_.json_param("traits") +
      ", needs = :needs, tags = " + dialect_.json_param("tags") +
      ", owner_id = :owner, account_id = :account, stage = :stage, sentiment = :sentiment, score = "
      ":score, metadata = " +
      dialect_.json_param("metadata") + ", custom = " + dialect_.json_param("custom") +
      ", field_sources = " + dialect_.json_param("field_sources") +
      ", first_seen = :first_seen, last_active = :last_active, updated_at = :updated, version = "
      ":version "
      "WHERE team_id = :team AND id = :id";
  StatementCache::Use st = statements_of(s).get(sql);
  p.bind(*st);
  st->exchange(soci::use(p.id, "id"));
  try {
    st.execute();
  } catch (const soci::soci_error& e) {
    if (is_unique_violation(e)) {
      check_identity(s, c, c.id);
      throw Error(ErrorCode::kConflict, "contact conflicts with an existing one");
    }
    throw;
  }
}

void ContactStore::guard(soci::session& s, const Contact* before, Contact& after,
                         std::vector<std::string>* changed) const {
  const WriteGuard* g = WriteGuard::current();
  std::string op = before ? "contact.update" : "contact.create";
  if (!g || !g->wants(after.team_id, op)) return;
  Poco::JSON::Object after_json = contact_to_json(after);
  std::optional<Poco::JSON::Object> before_json;
  if (before) before_json = contact_to_json(*before);
  ProposedWrite w{op, after.team_id, before_json ? &*before_json : nullptr, &after_json,
                  changed ? *changed : std::vector<std::string>{}};
  std::string set = g->check(s, w);
  if (set.empty()) return;
  JsonFields fields(parse_json_object(set));
  ContactPatch adjust = read_contact_patch(fields);
  fields.reject_unknown_as("set", "is not a contact field");
  normalize_custom(s, after.team_id, adjust, /*creating=*/false);
  for (std::string& f : apply_contact_patch(after, adjust)) {
    if (changed && std::find(changed->begin(), changed->end(), f) == changed->end())
      changed->push_back(std::move(f));
  }
}

Contact ContactStore::new_contact(soci::session& s, std::int64_t team_id, ContactPatch& patch,
                                  const std::vector<std::string>& statuses,
                                  const std::map<std::string, CustomField>& custom_fields,
                                  EpochMs now, bool require_custom) const {
  Contact c;
  c.team_id = team_id;
  c.source = "api";
  c.platform = "other";
  c.status = statuses.front();
  c.first_seen = c.last_active = c.created_at = c.updated_at = now;
  normalize_custom_with(custom_fields, patch, /*creating=*/require_custom);
  apply_contact_patch(c, patch);
  guard(s, nullptr, c, nullptr);
  if (patch.field_sources.present && patch.field_sources.value) {
    c.field_sources_json = *patch.field_sources.value;
  }
  require_one_of("status", c.status, statuses);
  if (c.owner_id) users_.require_active(s, team_id, *c.owner_id, "owner_id");
  if (c.account_id) require_account(s, team_id, *c.account_id);
  return c;
}

Contact ContactStore::create(soci::session& s, std::int64_t team_id, const ContactPatch& input,
                             const Actor& actor, bool require_custom) const {
  ContactPatch patch = input;
  const auto custom_fields = patch.custom_json.present || require_custom
                                 ? fields_.by_key(s, team_id)
                                 : std::map<std::string, CustomField>{};
  Contact c = new_contact(s, team_id, patch, settings_.contact_statuses(s, team_id), custom_fields,
                          now_ms(), require_custom);
  if (!c.account_id && c.email) {
    c.account_id = account_by_domain(s, team_id, crm::email_domain(*c.email));
  }
  check_identity(s, c, 0);
  insert_row(s, c);
  Poco::JSON::Object created = contact_to_json(c);
  std::string payload = json_text(created);
  timeline_.add(s, team_id, c.id, "created", "{\"source\":\"" + c.source + "\"}", actor);
  events_.append(s, {.team_id = team_id,
                     .type = "contact.created",
                     .subject_type = "contact",
                     .subject_id = c.id,
                     .payload_json = payload});
  return c;
}

std::vector<ContactStore::Creation> ContactStore::create_many(
    soci::session& s, std::int64_t team_id, std::vector<ContactPatch> patches) const {
  std::vector<Creation> out(patches.size());
  const std::vector<std::string> statuses = settings_.contact_statuses(s, team_id);
  const auto defs = fields_.by_key(s, team_id);
  const EpochMs now = now_ms();
  std::vector<std::size_t> ready;  // indexes into out whose contact passed the rules
  for (std::size_t i = 0; i < patches.size(); ++i) {
    try {
      Contact c = new_contact(s, team_id, patches[i], statuses, defs, now, /*require_custom=*/true);
      if (c.external_id) check_identity(s, c, 0);  // rare in bulk: one by one
      out[i].contact = std::move(c);
      ready.push_back(i);
    } catch (const Error& e) {
      out[i].error = e;
    }
  }
  // Emails: taken already, or twice in this batch (the first keeps it).
  SqlParams p;
  std::string emails, domains;
  std::set<std::string> seen_domains;
  for (std::size_t i : ready) {
    const Contact& c = *out[i].contact;
    if (!c.email) continue;
    emails += (emails.empty() ? "" : ", ") + p.add(*c.email);
    std::string d = crm::email_domain(*c.email);
    if (!c.account_id && !d.empty() && seen_domains.insert(d).second)
      domains += (domains.empty() ? "" : ", ") + p.add(d);
  }
  std::map<std::string, long long> taken;
  std::map<std::string, long long> accounts;
  if (!emails.empty()) {
    std::string sql = "SELECT 'e', email, id FROM contacts WHERE team_id = " +
                      p.add(static_cast<long long>(team_id)) + " AND email IN (" + emails + ")";
    if (!domains.empty()) {
      sql += " UNION ALL SELECT 'd', domain, id FROM accounts WHERE team_id = " +
             p.add(static_cast<long long>(team_id)) + " AND domain IN (" + domains + ")";
    }
    std::string kind, value;
    long long id = 0;
    soci::statement st(s);
    st.exchange(soci::into(kind));
    st.exchange(soci::into(value));
    st.exchange(soci::into(id));
    p.bind(st);
    if (execute_once(st, sql)) {
      do {
        (kind == "e" ? taken : accounts).emplace(value, id);
      } while (st.fetch());
    }
  }
  std::vector<std::size_t> rows;
  for (std::size_t i : ready) {
    Contact& c = *out[i].contact;
    if (c.email) {
      auto [it, fresh] = taken.emplace(*c.email, 0);
      if (!fresh) {
        out[i].error = Error(ErrorCode::kConflict, "a contact with this email exists",
                             {{"existing_id", static_cast<std::int64_t>(it->second)},
                              {"field", std::string("email")}});
        out[i].contact.reset();
        continue;
      }
      if (!c.account_id) {
        auto a = accounts.find(crm::email_domain(*c.email));
        if (a != accounts.end()) c.account_id = a->second;
      }
    }
    rows.push_back(i);
  }
  if (rows.empty()) return out;

  // One INSERT for the batch, ids in order; then the timeline and the events, one each.
  JsonRows data;
  for (std::size_t n = 0; n < rows.size(); ++n) {
    const Contact& c = *out[rows[n]].contact;
    ContactParams v(c);
    auto opt = [](soci::indicator ind, const std::string& value) {
      return ind == soci::i_ok ? std::optional<std::string>(value) : std::nullopt;
    };
    data.row()
        .add("seq", static_cast<std::int64_t>(n))
        .add("source", v.source)
        .add("platform", v.platform)
        .add("external_id", opt(v.i_ext, v.external_id))
        .add("name", opt(v.i_name, v.name))
        .add("email", opt(v.i_email, v.email))
        .add("phone", opt(v.i_phone, v.phone))
        .add("status", v.status)
        .add("intent", opt(v.i_intent, v.intent))
        .add_json("interests", v.interests)
        .add_json("traits", v.traits)
        .add("needs", opt(v.i_needs, v.needs))
        .add_json("tags", v.tags)
        .add("owner", c.owner_id)
        .add("account", c.account_id)
        .add("stage", opt(v.i_stage, v.stage))
        .add("sentiment", opt(v.i_sent, v.sentiment))
        .add("score", v.score)
        .add_json("metadata", v.metadata)
        .add_json("custom", v.custom)
        .add_json("field_sources", v.field_sources)
        .add("first_seen", static_cast<std::int64_t>(c.first_seen))
        .add("last_active", static_cast<std::int64_t>(c.last_active));
  }
  std::string source = json_rows_source(dialect_, "rows", {{"seq", RowType::kInt},
                                                           {"source", RowType::kText},
                                                           {"platform", RowType::kText},
                                                           {"external_id", RowType::kText},
                                                           {"name", RowType::kText},
                                                           {"email", RowType::kText},
                                                           {"phone", RowType::kText},
                                                           {"status", RowType::kText},
                                                           {"intent", RowType::kText},
                                                           {"interests", RowType::kJson},
                                                           {"traits", RowType::kJson},
                                                           {"needs", RowType::kText},
                                                           {"tags", RowType::kJson},
                                                           {"owner", RowType::kInt},
                                                           {"account", RowType::kInt},
                                                           {"stage", RowType::kText},
                                                           {"sentiment", RowType::kText},
                                                           {"score", RowType::kReal},
                                                           {"metadata", RowType::kJson},
                                                           {"custom", RowType::kJson},
                                                           {"field_sources", RowType::kJson},
                                                           {"first_seen", RowType::kInt},
                                                           {"last_active", RowType::kInt}});
  std::string text = data.text();
  long long team = team_id, at = now;
  std::vector<long long> ids;
  ids.reserve(rows.size());
  long long id = 0;
  soci::statement st(s);
  st.exchange(soci::into(id));
  st.exchange(soci::use(text, "rows"));
  st.exchange(soci::use(team, "t"));
  st.exchange(soci::use(at, "a1"));
  st.exchange(soci::use(at, "a2"));
  const std::string sql =
      "INSERT INTO contacts (team_id, source, platform, external_id, name, email, phone, status, "
      "purchase_intent, interests, traits, needs, tags, owner_id, account_id, stage, sentiment, "
      "score, metadata, custom, field_sources, first_seen, last_active, created_at, updated_at, "
      "version) SELECT :t, r.source, r.platform, r.external_id, r.name, r.email, r.phone, "
      "r.status, r.intent, r.interests, r.traits, r.needs, r.tags, r.owner, r.account, r.stage, "
      "r.sentiment, r.score, r.metadata, r.custom, r.field_sources, r.first_seen, r.last_active, "
      ":a1, :a2, 1 FROM " +
      source + " ORDER BY r.seq RETURNING id";
  if (execute_once(st, sql)) {
    do {
      ids.push_back(id);
    } while (st.fetch());
  }
  if (ids.size() != rows.size()) {
    throw Error(ErrorCode::kInternal, "bulk contact insert returned " + std::to_string(ids.size()) +
                                          " ids for " + std::to_string(rows.size()) + " rows");
  }
  // RETURNING gives no order guarantee: the ids of one INSERT ... SELECT are ascending in
  // the order the rows went in on both backends, so sort them rather than trust the order.
  std::sort(ids.begin(), ids.end());
  std::vector<TimelineStore::NewEntry> timeline;
  std::vector<NewEvent> events;
  timeline.reserve(rows.size());
  events.reserve(rows.size());
  for (std::size_t n = 0; n < rows.size(); ++n) {
    Contact& c = *out[rows[n]].contact;
    c.id = ids[n];
    timeline.push_back({c.id, "created", "{\"source\":\"" + c.source + "\"}"});
    events.push_back({.team_id = team_id,
                      .type = "contact.created",
                      .subject_type = "contact",
                      .subject_id = c.id,
                      .payload_json = contact_json_text(c)});
  }
  timeline_.add_many(s, team_id, timeline);
  events_.append_many(s, events);
  return out;
}

Contact ContactStore::update(soci::session& s, std::int64_t team_id, std::int64_t id,
                             const ContactPatch& input, std::optional<int> expected_version,
                             const Actor& actor, std::vector<std::string>* changed_out) const {
  const Contact current = require(s, team_id, id, /*for_update=*/true);
  if (expected_version && *expected_version != current.version) {
    throw Error(ErrorCode::kPreconditionFailed,
                "the contact changed since version " + std::to_string(*expected_version) +
                    " (current: " + std::to_string(current.version) + "); reload and retry",
                {{"current_version", static_cast<std::int64_t>(current.version)}});
  }
  ContactPatch patch = input;
  if (patch.source.present && patch.source.value != current.source) {
    throw Error::validation("source", "is set once, when the contact is created");
  }
  normalize_custom(s, team_id, patch, /*creating=*/false);
  Contact next = current;
  std::vector<std::string> changed = apply_contact_patch(next, patch);
  if (!changed.empty()) guard(s, &current, next, &changed);
  if (changed_out) *changed_out = changed;
  if (changed.empty()) return current;
  auto has = [&](const char* f) {
    return std::find(changed.begin(), changed.end(), f) != changed.end();
  };
  if (has("status")) check_status(s, team_id, next.status);
  if (has("owner_id") && next.owner_id)
    users_.require_active(s, team_id, *next.owner_id, "owner_id");
  if (has("account_id") && next.account_id) require_account(s, team_id, *next.account_id);
  if (has("email") || has("external_id") || has("platform")) check_identity(s, next, id);
  next.version = current.version + 1;
  next.updated_at = now_ms();
  if (patch.field_sources.present && patch.field_sources.value) {
    next.field_sources_json = *patch.field_sources.value;
  } else {
    FieldSources sources = FieldSources::parse(current.field_sources_json);
    sources.mark_person_edits(current, next, changed, actor, next.updated_at);
    next.field_sources_json = sources.to_json_text();
  }
  overwrite_row(s, next);

  Poco::JSON::Object before = contact_to_json(current);
  Poco::JSON::Object after = contact_to_json(next);
  Poco::JSON::Object changes(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const std::string& f : changed) {
    Poco::JSON::Object pair(Poco::JSON_PRESERVE_KEY_ORDER);
    pair.set("old", before.get(f));
    pair.set("new", after.get(f));
    changes.set(f, pair);
  }
  Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
  payload.set("id", id);
  payload.set("version", next.version);
  payload.set("changes", changes);
  payload.set("contact", after);
  events_.append(s, {.team_id = team_id,
                     .type = "contact.updated",
                     .subject_type = "contact",
                     .subject_id = id,
                     .payload_json = json_text(payload)});
  for (const TrackedField& t : kTracked) {
    if (!has(t.field)) continue;
    Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
    entry.set("field", std::string(t.field));
    entry.set("old", before.get(t.field));
    entry.set("new", after.get(t.field));
    timeline_.add(s, team_id, id, "field_changed", json_text(entry), actor);
    Poco::JSON::Object ev(Poco::JSON_PRESERVE_KEY_ORDER);
    ev.set("id", id);
    ev.set("old", before.get(t.field));
    ev.set("new", after.get(t.field));
    ev.set("contact", after);
    events_.append(s, {.team_id = team_id,
                       .type = t.event,
                       .subject_type = "contact",
                       .subject_id = id,
                       .payload_json = json_text(ev)});
  }
  return next;
}

bool ContactStore::remove(soci::session& s, std::int64_t team_id, std::int64_t id,
                          const Actor& actor, bool erased) const {
  auto current = get(s, team_id, id, true);
  if (!current) return false;
  long long team = team_id, cid = id;
  run_cached(s, "DELETE FROM contact_identities WHERE team_id = :t AND contact_id = :id",
             soci::use(team), soci::use(cid));
  run_cached(s, "DELETE FROM contacts WHERE team_id = :t AND id = :id", soci::use(team),
             soci::use(cid));
  // The payload carries the id only: a deletion may be an erasure request.
  events_.append(
      s, {.team_id = team_id,
          .type = "contact.deleted",
          .subject_type = "contact",
          .subject_id = id,
          .payload_json = "{\"id\":" + std::to_string(id) + (erased ? ",\"erased\":true}" : "}")});
  return true;
}

std::string ContactStore::match_sql(soci::session& s, std::int64_t team_id,
                                    const FilterNode& filter, SqlParams& p) const {
  if (filter_uses_field(filter, "segment")) {
    return match_sql(s, team_id, SegmentStore(dialect_).expand(s, team_id, filter), p);
  }
  // Definitions only matter to custom.* conditions: most lists skip the query.
  auto defs = uses_custom_fields(filter) ? fields_.by_key(s, team_id)
                                         : std::map<std::string, CustomField>{};
  return "c.team_id = " + p.add(static_cast<long long>(team_id)) + " AND " +
         compile_contact_filter(filter, dialect_, defs, p, team_id);
}

std::string ContactStore::list_clause(soci::session& s, std::int64_t team_id,
                                      const FilterNode& filter, const ContactSort& sort,
                                      const std::optional<ContactCursor>& after, int limit,
                                      SqlParams& p) const {
  std::string where = "WHERE " + match_sql(s, team_id, filter, p);
  std::string key = sort_expr(sort.field);
  const char* cmp = sort.descending ? "<" : ">";
  if (after) {
    // A row comparison seeks the (team_id, key, id) index on both backends; the equivalent
    // "key > v OR (key = v AND id > x)" made SQLite scan from the first row on every page
    // (a 1M-contact export read its pages in O(n^2)). Times bind as integers so that
    // PostgreSQL compares bigint with bigint and keeps the index.
    std::string v = sort.field == "name"    ? p.add(after->text_value)
                    : sort.field == "score" ? p.add(after->number_value)
                                            : p.add(clamped_integer(after->number_value));
    where += " AND (" + key + ", c.id) " + cmp + " (" + v + ", " +
             p.add(static_cast<long long>(after->id)) + ")";
  }
  const char* dir = sort.descending ? " DESC" : " ASC";
  return where + " ORDER BY " + key + dir + ", c.id" + dir + " LIMIT " +
         p.add(static_cast<long long>(limit));
}

std::vector<std::string> ContactStore::explain_list(soci::session& s, std::int64_t team_id,
                                                    const FilterNode& filter,
                                                    const ContactSort& sort, int limit) const {
  SqlParams p;
  std::string sql = "EXPLAIN " + std::string(kSelect) +
                    list_clause(s, team_id, filter, sort, std::nullopt, limit, p);
  std::string line;
  soci::statement st(s);
  st.exchange(soci::into(line));
  p.bind(st);
  const bool found = execute_once(st, sql);
  std::vector<std::string> out;
  if (found) {
    do {
      out.push_back(line);
    } while (st.fetch());
  }
  return out;
}

ContactPage ContactStore::list(soci::session& s, std::int64_t team_id, const FilterNode& filter,
                               const ContactSort& sort, const std::optional<ContactCursor>& after,
                               int limit) const {
  SqlParams p;
  std::string where = list_clause(s, team_id, filter, sort, after, limit + 1, p);
  ContactPage page;
  page.contacts = fetch(s, team_id, where, p, limit + 1);
  if (static_cast<int>(page.contacts.size()) > limit) {
    page.contacts.pop_back();
    const Contact& last = page.contacts.back();
    ContactCursor c;
    c.field = sort.field;
    c.id = last.id;
    if (sort.field == "name") c.text_value = last.name.value_or("");
    if (sort.field == "created_at") c.number_value = static_cast<double>(last.created_at);
    if (sort.field == "updated_at") c.number_value = static_cast<double>(last.updated_at);
    if (sort.field == "last_active") c.number_value = static_cast<double>(last.last_active);
    if (sort.field == "score") c.number_value = last.score;
    page.next = c;
  }
  return page;
}

std::vector<std::int64_t> ContactStore::ids(soci::session& s, std::int64_t team_id,
                                            const FilterNode& filter, std::int64_t after_id,
                                            int limit) const {
  SqlParams p;
  std::string sql = "SELECT c.id FROM contacts c WHERE " + match_sql(s, team_id, filter, p) +
                    " AND c.id > " + p.add(static_cast<long long>(after_id)) +
                    " ORDER BY c.id LIMIT " + p.add(static_cast<long long>(limit));
  long long id = 0;
  soci::statement st(s);
  st.exchange(soci::into(id));
  p.bind(st);
  const bool found = execute_once(st, sql);
  std::vector<std::int64_t> out;
  if (found) {
    do {
      out.push_back(id);
    } while (st.fetch());
  }
  return out;
}

std::int64_t ContactStore::count(soci::session& s, std::int64_t team_id,
                                 const FilterNode& filter) const {
  SqlParams p;
  std::string sql = "SELECT COUNT(*) FROM contacts c WHERE " + match_sql(s, team_id, filter, p);
  long long n = 0;
  soci::statement st(s);
  st.exchange(soci::into(n));
  p.bind(st);
  execute_once(st, sql);
  return n;
}

ContactStats ContactStore::stats(soci::session& s, std::int64_t team_id, EpochMs month_start,
                                 const FilterNode& filter) const {
  ContactStats out;
  // One statement per figure, each with the filter's condition and its own parameters.
  auto run = [&](const std::string& select, const std::string& extra, auto&& each) {
    SqlParams p;
    std::string sql =
        "SELECT " + select + " FROM contacts c WHERE " + match_sql(s, team_id, filter, p) + extra;
    std::string key;
    soci::indicator ind = soci::i_null;
    long long count = 0;
    soci::statement st(s);
    if (select != "COUNT(*)") st.exchange(soci::into(key, ind));
    st.exchange(soci::into(count));
    p.bind(st);
    if (execute_once(st, sql)) {
      do {
        each(ind == soci::i_ok ? key : "none", count);
      } while (st.fetch());
    }
  };
  run("COUNT(*)", "", [&](const std::string&, long long n) { out.total = n; });
  run("COUNT(*)", " AND c.created_at >= " + std::to_string(month_start),
      [&](const std::string&, long long n) { out.new_this_month = n; });
  auto group = [&](const std::string& column, std::map<std::string, std::int64_t>& into) {
    run("c." + column + ", COUNT(*)", " GROUP BY c." + column,
        [&](const std::string& key, long long n) { into[key] = n; });
  };
  group("platform", out.by_platform);
  group("purchase_intent", out.by_intent);
  group("status", out.by_status);
  return out;
}

std::vector<DuplicatePair> ContactStore::duplicates(soci::session& s, std::int64_t team_id,
                                                    int limit) const {
  std::vector<DuplicatePair> out;
  long long team = team_id;
  // Groups first (indexed on phone; name is normalised by lower/trim), then pairs inside a group.
  auto pairs_by = [&](const std::string& expr, const std::string& reason) {
    std::string value, ids;
    std::string agg = dialect_.backend() == Backend::kPostgresql
                          ? "string_agg(CAST(id AS TEXT), ',' ORDER BY id)"
                          : "group_concat(id, ',')";
    soci::statement st(s);
    st.exchange(soci::into(value));
    st.exchange(soci::into(ids));
    st.exchange(soci::use(team));
    st.exchange(soci::use(limit));
    if (!execute_once(st, "SELECT " + expr + ", " + agg + " FROM contacts WHERE team_id = :t AND " +
                              expr + " IS NOT NULL AND " + expr + " <> '' GROUP BY " + expr +
                              " HAVING COUNT(*) > 1 ORDER BY MIN(id) LIMIT :l")) {
      return;
    }
    do {
      std::vector<std::int64_t> group;
      std::size_t start = 0;
      while (start < ids.size()) {
        auto comma = ids.find(',', start);
        group.push_back(std::stoll(ids.substr(start, comma - start)));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      std::sort(group.begin(), group.end());
      for (std::size_t i = 0; i < group.size() && static_cast<int>(out.size()) < limit; ++i) {
        for (std::size_t j = i + 1; j < group.size() && static_cast<int>(out.size()) < limit; ++j) {
          out.push_back({group[i], group[j], reason, value});
        }
      }
    } while (st.fetch() && static_cast<int>(out.size()) < limit);
  };
  pairs_by("phone", "phone");
  if (static_cast<int>(out.size()) < limit) pairs_by("LOWER(TRIM(name))", "name");
  return out;
}

}  // namespace sb
