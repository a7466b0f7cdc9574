// custom_fields rows.
#include "store/custom_field_store.h"
#include "store/statement.h"

#include <soci/soci.h>

#include <algorithm>

#include "model/contact_json.h"
#include "model/contact_rules.h"
#include "model/error.h"
#include "store/sql_errors.h"
#include "store/statement_cache.h"

namespace sb {
namespace {

constexpr const char* kColumns =
    "SELECT id, key, label, type, options, required, allow_for_ai, position, created_at, "
    "updated_at "
    "FROM custom_fields ";

struct FieldRow {
  long long id = 0, position = 0, created = 0, updated = 0;
  std::string key, label, type, options;
  int required = 0, ai = 0;
  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(key));
    st.exchange(soci::into(label));
    st.exchange(soci::into(type));
    st.exchange(soci::into(options));
    st.exchange(soci::into(required));
    st.exchange(soci::into(ai));
    st.exchange(soci::into(position));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
  }
  CustomField value(std::int64_t team_id) const {
    CustomField f;
    f.team_id = team_id;
    f.id = id;
    f.key = key;
    f.label = label;
    f.type = type;
    f.options = parse_string_array(options);
    f.required = required != 0;
    f.allow_for_ai = ai != 0;
    f.position = position;
    f.created_at = created;
    f.updated_at = updated;
    return f;
  }
};

std::vector<CustomField> query(soci::session& s, std::int64_t team_id, const std::string& where,
                               long long id) {
  FieldRow row;
  long long team = team_id;
  soci::statement st(s);
  row.bind(st);
  st.exchange(soci::use(team, "t"));
  if (id) st.exchange(soci::use(id, "id"));
  const bool found = execute_once(st, std::string(kColumns) + where);
  std::vector<CustomField> out;
  if (found) {
    do {
      out.push_back(row.value(team_id));
    } while (st.fetch());
  }
  return out;
}

void check_definition(const CustomField& f) {
  if (f.label.empty() || f.label.size() > 200)
    throw Error::validation("label", "must be 1 to 200 characters");
  bool choice = f.type == "select" || f.type == "multiselect";
  if (choice && f.options.empty())
    throw Error::validation("options", "a " + f.type + " field needs options");
  if (!choice && !f.options.empty())
    throw Error::validation("options", "only select and multiselect fields have options");
  if (f.options.size() > 200) throw Error::validation("options", "at most 200 options");
  for (const auto& o : f.options) {
    if (o.empty() || o.size() > 100)
      throw Error::validation("options", "options must be 1 to 100 characters");
  }
  auto sorted = f.options;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    throw Error::validation("options", "options must be unique");
  }
}

}  // namespace

std::vector<CustomField> CustomFieldStore::list(soci::session& s, std::int64_t team_id) const {
  return query(s, team_id, "WHERE team_id = :t ORDER BY position, id", 0);
}

std::map<std::string, CustomField> CustomFieldStore::by_key(soci::session& s,
                                                            std::int64_t team_id) const {
  std::map<std::string, CustomField> out;
  for (auto& f : list(s, team_id)) out.emplace(f.key, f);
  return out;
}

std::optional<CustomField> CustomFieldStore::get(soci::session& s, std::int64_t team_id,
                                                 std::int64_t id, bool for_update) const {
  auto rows = query(
      s, team_id,
      "WHERE team_id = :t AND id = :id" + std::string(for_update ? dialect_.for_update() : ""), id);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

CustomField CustomFieldStore::create(soci::session& s, CustomField f) const {
  if (!valid_custom_field_key(f.key)) {
    throw Error::validation("key", "must start with a-z and hold only a-z, 0-9 and _ (at most 63)");
  }
  require_one_of("type", f.type, kCustomFieldTypes);
  check_definition(f);
  f.created_at = f.updated_at = now_ms();
  std::string options = json_text(*string_array(f.options));
  int required = f.required, ai = f.allow_for_ai;
  long long team = f.team_id, id = 0, last = 0;
  if (f.position == 0) {  // unplaced: after the others
    soci::indicator none;
    run_cached(s, "SELECT MAX(position) FROM custom_fields WHERE team_id = :t", soci::use(team),
               soci::into(last, none));
    f.position = (none == soci::i_ok ? last : 0) + 1;
  }
  long long position = f.position;
  try {
    run_cached(
        s,
        "INSERT INTO custom_fields (team_id, key, label, type, options, required, allow_for_ai, "
        "position, created_at, updated_at) VALUES (:t, :k, :l, :ty, " +
            dialect_.json_param("o") + ", :r, :a, :p, :c, :u) RETURNING id",
        soci::use(team, "t"), soci::use(f.key, "k"), soci::use(f.label, "l"),
        soci::use(f.type, "ty"), soci::use(options, "o"), soci::use(required, "r"),
        soci::use(ai, "a"), soci::use(position, "p"), soci::use(f.created_at, "c"),
        soci::use(f.updated_at, "u"), soci::into(id));
  } catch (const soci::soci_error& e) {
    if (is_unique_violation(e)) {
      throw Error(ErrorCode::kConflict, "a custom field with key '" + f.key + "' exists",
                  {{"field", std::string("key")}});
    }
    throw;
  }
  f.id = id;
  events_.append(s, {.team_id = f.team_id,
                     .type = "custom_field.created",
                     .subject_type = "custom_field",
                     .subject_id = f.id,
                     .payload_json = json_text(custom_field_to_json(f))});
  return f;
}

CustomField CustomFieldStore::update(soci::session& s, const CustomField& f) const {
  check_definition(f);
  CustomField out = f;
  out.updated_at = now_ms();
  std::string options = json_text(*string_array(f.options));
  int required = f.required, ai = f.allow_for_ai;
  long long team = f.team_id, id = f.id, position = f.position;
  run_cached(s,
             "UPDATE custom_fields SET label = :l, options = " + dialect_.json_param("o") +
                 ", required = :r, allow_for_ai = :a, position = :p, updated_at = :u "
                 "WHERE team_id = :t AND id = :id",
             soci::use(out.label, "l"), soci::use(options, "o"), soci::use(required, "r"),
             soci::use(ai, "a"), soci::use(position, "p"), soci::use(out.updated_at, "u"),
             soci::use(team, "t"), soci::use(id, "id"));
  events_.append(s, {.team_id = f.team_id,
                     .type = "custom_field.updated",
                     .subject_type = "custom_field",
                     .subject_id = f.id,
                     .payload_json = json_text(custom_field_to_json(out))});
  return out;
}

bool CustomFieldStore::remove(soci::session& s, std::int64_t team_id, std::int64_t id) const {
  auto f = get(s, team_id, id);
  if (!f) return false;
  long long team = team_id, fid = id;
  std::string key = f->key;
  EpochMs now = now_ms();
  run_cached(
      s,
      "UPDATE contacts SET custom = " + dialect_.json_remove_key("custom", ":k") +
          ", updated_at = :now, version = version + 1 WHERE team_id = :t AND (custom ->> :k2) IS "
          "NOT NULL",
      soci::use(key, "k"), soci::use(now, "now"), soci::use(team, "t"), soci::use(key, "k2"));
  run_cached(s, "DELETE FROM custom_fields WHERE team_id = :t AND id = :id", soci::use(team),
             soci::use(fid));
  events_.append(s, {.team_id = team_id,
                     .type = "custom_field.deleted",
                     .subject_type = "custom_field",
                     .subject_id = id,
                     .payload_json = json_text(custom_field_to_json(*f))});
  return true;
}

}  // namespace sb
