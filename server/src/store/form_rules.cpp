// Form definitions and public submissions.
#include "store/form_rules.h"

#include <soci/soci.h>

#include <algorithm>
#include <random>

#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/form_fields.h"
#include "model/record_json.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

std::string random_slug() {
  static const char kChars[] = "abcdefghijkmnpqrstuvwxyz23456789";
  std::random_device rd;
  std::string s;
  for (int i = 0; i < 12; ++i) s.push_back(kChars[rd() % (sizeof kChars - 1)]);
  return s;
}

bool valid_slug(const std::string& s) {
  if (s.size() < 3 || s.size() > 64 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

std::string text_of(const Poco::Dynamic::Var& v) {
  if (v.isBoolean()) return v.extract<bool>() ? "true" : "false";
  return v.convert<std::string>();
}

}  // namespace

void FormHooks::before_write(soci::session& s, const Record*, Record& after,
                             std::vector<int>& changed, const WriteContext&) const {
  const auto& f = crm::form();
  if (after.is_null(f, "slug")) {
    after.set(f, "slug", random_slug());
    changed.push_back(f.index("slug"));
  }
  std::string slug = after.text_or(f, "slug", "");
  if (!valid_slug(slug))
    throw Error::validation("slug",
                            "must be 3 to 64 of a-z, 0-9 and '-', not starting or ending with '-'");
  long long team = after.team_id, id = after.id, n = 0;
  // Slugs are global: the public route carries no team.
  run_cached(
      s,
      "SELECT COUNT(*) FROM public_slugs WHERE slug = :s AND NOT (team_id = :t AND form_id = :id)",
      soci::use(slug), soci::use(team), soci::use(id), soci::into(n));
  if (n > 0)
    throw Error(ErrorCode::kConflict, "this slug is taken", {{"field", std::string("slug")}});
  if (!after.is_null(f, "redirect_url")) {
    std::string url = after.text_or(f, "redirect_url", "");
    bool ok = (url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0) &&
              std::none_of(url.begin(), url.end(),
                           [](char c) { return static_cast<unsigned char>(c) <= ' '; });
    if (!ok) throw Error::validation("redirect_url", "must be an http(s) URL without spaces");
  }
  std::string honeypot = after.text_or(f, "honeypot_field", "website");
  auto fields = parse_form_fields(after.text_or(f, "fields", "[]"));
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& field = fields[i];
    if (field.key == honeypot)
      throw Error::validation("fields[" + std::to_string(i) + "].key",
                              "is the honeypot field's name; rename one of them");
    if (field.maps_to.rfind("custom.", 0) != 0) continue;
    std::string key = field.maps_to.substr(7);
    long long found = 0;
    run_cached(s, "SELECT COUNT(*) FROM custom_fields WHERE team_id = :t AND key = :k",
               soci::use(team), soci::use(key), soci::into(found));
    if (found == 0)
      throw Error::validation("fields[" + std::to_string(i) + "].maps_to",
                              "the team has no custom field '" + key + "'");
  }
}

void FormHooks::after_write(soci::session& s, const Record*, const Record& after,
                            const std::vector<int>&, const WriteContext&) const {
  long long team = after.team_id, id = after.id;
  std::string slug = after.text_or(crm::form(), "slug", "");
  run_cached(s, "DELETE FROM public_slugs WHERE team_id = :t AND form_id = :id", soci::use(team),
             soci::use(id));
  run_cached(s, "INSERT INTO public_slugs (slug, team_id, form_id) VALUES (:s, :t, :id)",
             soci::use(slug), soci::use(team), soci::use(id));
}

void FormHooks::before_remove(soci::session& s, const Record& r) const {
  long long team = r.team_id, id = r.id;
  run_cached(s, "DELETE FROM public_slugs WHERE team_id = :t AND form_id = :id", soci::use(team),
             soci::use(id));
}

Record FormSubmitter::enabled_form(soci::session& s, const std::string& slug) const {
  long long team = 0, form_id = 0;
  std::string slug_copy = slug;
  s << "SELECT team_id, form_id FROM public_slugs WHERE slug = :s", soci::use(slug_copy),
      soci::into(team), soci::into(form_id);
  RecordStore store(submissions_.store().dialect());
  auto found = s.got_data() ? store.get(s, crm::form(), team, form_id) : std::nullopt;
  // A disabled form answers like a missing one.
  if (!found || found->int_or(crm::form(), "enabled", 0) != 1)
    throw Error(ErrorCode::kNotFound, "no such form");
  return *found;
}

PublishedForm FormSubmitter::published(soci::session& s, const std::string& slug) const {
  const auto& fs = crm::form();
  Record form = enabled_form(s, slug);
  return {form.text_or(fs, "name", ""), parse_form_fields(form.text_or(fs, "fields", "[]")),
          form.text_or(fs, "honeypot_field", "website")};
}

SubmissionResult FormSubmitter::submit(soci::session& s, const std::string& slug,
                                       const Poco::JSON::Object& values,
                                       const SubmissionMeta& meta) const {
  const auto& fs = crm::form();
  const Record form = enabled_form(s, slug);
  SubmissionResult result;
  const std::int64_t team = form.team_id;
  result.team_id = team;
  RecordStore store(submissions_.store().dialect());
  result.message = form.text_or(fs, "thank_you_message", "Thank you!");
  if (!form.is_null(fs, "redirect_url")) result.redirect_url = form.text_or(fs, "redirect_url", "");

  std::string honeypot = form.text_or(fs, "honeypot_field", "website");
  if (values.has(honeypot) && !values.isNull(honeypot) && !text_of(values.get(honeypot)).empty())
    return result;  // a bot filled the hidden field: answer as if stored, store nothing

  auto fields = parse_form_fields(form.text_or(fs, "fields", "[]"));
  auto checked = check_submission(fields, values);

  ContactPatch patch;
  Poco::JSON::Object custom;
  std::map<std::string, std::string> metadata;
  // A form with one email (or phone) field and no field mapped to the contact's email
  // (phone) fills it from that field: a form builder need not say the obvious.
  auto implied_target = [&](const FormField& field) -> std::string {
    if (!field.maps_to.empty() || (field.type != "email" && field.type != "phone")) return "";
    int same_type = 0, mapped = 0;
    for (const auto& f : fields) {
      same_type += f.type == field.type;
      mapped += f.maps_to == field.type;
    }
    return same_type == 1 && mapped == 0 ? field.type : "";
  };
  for (const auto& field : fields) {
    auto it = checked.find(field.key);
    const std::string to = field.maps_to.empty() ? implied_target(field) : field.maps_to;
    if (it == checked.end() || to.empty()) continue;
    if (to == "name") patch.name.set(text_of(it->second));
    if (to == "email") patch.email.set(text_of(it->second));
    if (to == "phone") patch.phone.set(text_of(it->second));
    if (to == "needs") patch.needs.set(text_of(it->second));
    if (to.rfind("custom.", 0) == 0) custom.set(to.substr(7), it->second);
    if (to.rfind("metadata.", 0) == 0) metadata[to.substr(9)] = text_of(it->second);
  }
  if (custom.size() > 0) patch.custom_json.set(json_text(custom));

  // Dedupe: the same person by email, else by phone.
  std::optional<std::int64_t> existing;
  long long found = 0;
  if (patch.email.value) {
    std::string email = *patch.email.value;
    s << "SELECT id FROM contacts WHERE team_id = :t AND email = :e", soci::use(team),
        soci::use(email), soci::into(found);
    if (s.got_data()) existing = found;
  }
  if (!existing && patch.phone.value) {
    std::string phone = *patch.phone.value;
    soci::indicator ind = soci::i_null;
    run_cached(s, "SELECT MIN(id) FROM contacts WHERE team_id = :t AND phone = :p", soci::use(team),
               soci::use(phone), soci::into(found, ind));
    if (ind == soci::i_ok) existing = found;
  }
  Contact contact;
  if (existing) {
    Contact current = contacts_.require(s, team, *existing, true);
    if (!metadata.empty()) {
      auto merged = current.metadata;
      for (const auto& [k, v] : metadata) merged[k] = v;
      patch.metadata.set(merged);
    }
    patch.last_active.set(now_ms());
    contact = contacts_.update(s, team, *existing, patch, std::nullopt, Actor::none());
  } else {
    if (!metadata.empty()) patch.metadata.set(metadata);
    patch.source.set(std::string("form"));
    patch.platform.set(std::string("web"));
    contact = contacts_.create(s, team, patch, Actor::none());
  }

  const auto& ss = crm::submission();
  Poco::JSON::Object data(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [k, v] : checked) data.set(k, v);
  Record sub;
  sub.team_id = team;
  sub.values = {form.id,
                contact.id,
                json_text(data),
                meta.ip,
                meta.user_agent.substr(0, 500),
                meta.referrer.substr(0, 2000)};
  for (std::size_t i = 3; i < sub.values.size(); ++i) {
    if (std::get<std::string>(sub.values[i]).empty()) sub.values[i] = FieldValue{};
  }
  store.insert(s, ss, sub);
  Poco::JSON::Object extra(Poco::JSON_PRESERVE_KEY_ORDER);
  extra.set("form", record_to_json(fs, form));
  extra.set("contact_id", contact.id);
  submissions_.emit_as(s, sub, "form.submitted", &extra);
  Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
  entry.set("form_id", form.id);
  entry.set("submission_id", sub.id);
  entry.set("form_name", form.text_or(fs, "name", ""));
  submissions_.timeline().add(s, team, contact.id, "form_submitted", json_text(entry),
                              Actor::none());
  result.stored = true;
  result.submission_id = sub.id;
  result.contact_id = contact.id;
  return result;
}

}  // namespace sb
