// CSV columns -> contact JSON.
#include "model/import_mapping.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <charconv>

#include "model/csv_cell.h"
#include "model/error.h"
#include "model/json_syntax.h"

namespace sb {
namespace {

const std::vector<std::string>& plain_fields() {
  static const std::vector<std::string> kFields = {
      "name",     "email",      "phone", "external_id",     "platform",
      "status",   "stage",      "needs", "purchase_intent", "sentiment",
      "owner_id", "account_id", "score", "first_seen",      "last_active"};
  return kFields;
}
const std::vector<std::string>& list_fields() {
  static const std::vector<std::string> kFields = {"tags", "interests", "traits"};
  return kFields;
}
// Export columns a re-import leaves alone: the new contact gets its own.
const std::vector<std::string>& ignored_by_default() {
  static const std::vector<std::string> kColumns = {"id", "source", "created_at", "updated_at"};
  return kColumns;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool valid_key(std::string_view k) {
  if (k.empty() || k.size() > 64) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
}

// Why `target` is not one (empty: it is).
std::string check_target(const std::string& target,
                         const std::map<std::string, CustomField>& custom_fields) {
  if (target.empty() || target == "ignore" || target == "metadata" || target == "tag" ||
      contains(plain_fields(), target) || contains(list_fields(), target)) {
    return {};
  }
  if (target.rfind("custom.", 0) == 0) {
    std::string key = target.substr(7);
    return custom_fields.count(key) ? "" : "no custom field '" + key + "' (create it first)";
  }
  if (target.rfind("metadata.", 0) == 0) {
    return valid_key(target.substr(9)) ? "" : "metadata keys use a-z, 0-9, _ - . (64 at most)";
  }
  return "unknown target '" + target +
         "': use a contact field, custom.<key>, metadata.<key>, metadata, tags, tag or ignore";
}

Poco::JSON::Array::Ptr list_value(std::string_view text, bool& ok) {
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  ok = true;
  if (!text.empty() && text.front() == '[') {
    if (check_json_syntax(text, 4)) {
      ok = false;
      return out;
    }
    try {
      auto parsed = Poco::JSON::Parser().parse(std::string(text)).extract<Poco::JSON::Array::Ptr>();
      for (std::size_t i = 0; i < parsed->size(); ++i)
        out->add(parsed->get(static_cast<unsigned>(i)));
    } catch (const std::exception&) {
      ok = false;
    }
    return out;
  }
  // "a, b; c": spreadsheets and other CRMs.
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find_first_of(",;", start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view item = text.substr(start, end - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out->add(std::string(item));
    start = end + 1;
  }
  return out;
}

// A custom value as its type takes it: numbers and booleans from their text.
bool custom_value(const CustomField& f, const std::string& text, Poco::Dynamic::Var& out) {
  if (f.type == "number") {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    out = v;
    return true;
  }
  if (f.type == "boolean") {
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
    if (t == "true" || t == "yes" || t == "1") {
      out = true;
    } else if (t == "false" || t == "no" || t == "0") {
      out = false;
    } else {
      return false;
    }
    return true;
  }
  if (f.type == "multiselect") {
    bool ok = true;
    out = list_value(text, ok);
    return ok;
  }
  out = text;
  return true;
}

}  // namespace

std::vector<ImportColumn> resolve_import_mapping(
    const std::vector<std::string>& header, const Poco::JSON::Object::Ptr& mapping,
    const std::map<std::string, CustomField>& custom_fields) {
  if (mapping) {
    for (const auto& [name, value] : *mapping) {
      std::string field = "mapping." + name;
      if (!contains(header, name)) {
        throw Error::validation(field, "the file has no column '" + name + "'");
      }
      if (!value.isString()) throw Error::validation(field, "must be a string (the target)");
      if (std::string why = check_target(value.extract<std::string>(), custom_fields); !why.empty())
        throw Error::validation(field, why);
    }
  }
  std::vector<ImportColumn> out;
  for (const std::string& h : header) {
    ImportColumn c{h, ""};
    if (mapping && mapping->has(h)) {
      c.target = mapping->getValue<std::string>(h);
    } else if (!contains(ignored_by_default(), h) && check_target(h, custom_fields).empty()) {
      c.target = h;  // the export's column names map to themselves
    }
    if (c.target == "ignore") c.target.clear();
    out.push_back(std::move(c));
  }
  return out;
}

ImportRow import_row(const std::vector<ImportColumn>& columns,
                     const std::vector<std::string>& cells,
                     const std::map<std::string, CustomField>& custom_fields) {
  ImportRow row;
  row.body = new Poco::JSON::Object;
  Poco::JSON::Object::Ptr custom, metadata;
  Poco::JSON::Array::Ptr extra_tags;
  auto fail = [&](const ImportColumn& c, std::string why) {
    row.error = std::move(why);
    row.column = c.header;
    return row;
  };
  for (std::size_t i = 0; i < columns.size() && i < cells.size(); ++i) {
    const ImportColumn& c = columns[i];
    if (c.target.empty()) continue;
    std::string text(strip_formula_guard(cells[i]));
    if (text.empty()) continue;
    const std::string& t = c.target;
    if (contains(list_fields(), t)) {
      bool ok = true;
      auto list = list_value(text, ok);
      if (!ok) return fail(c, "not a JSON array of strings");
      row.body->set(t, list);
    } else if (t == "tag") {
      if (!extra_tags) extra_tags = new Poco::JSON::Array;
      extra_tags->add(text);
    } else if (t == "metadata") {
      if (check_json_syntax(text, 4)) return fail(c, "not a JSON object");
      try {
        auto o = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
        if (!metadata) metadata = new Poco::JSON::Object;
        for (const auto& [k, v] : *o) metadata->set(k, v);
      } catch (const std::exception&) {
        return fail(c, "not a JSON object");
      }
    } else if (t.rfind("metadata.", 0) == 0) {
      if (!metadata) metadata = new Poco::JSON::Object;
      metadata->set(t.substr(9), text);
    } else if (t.rfind("custom.", 0) == 0) {
      const CustomField& f = custom_fields.at(t.substr(7));
      Poco::Dynamic::Var v;
      if (!custom_value(f, text, v))
        return fail(c, "not a " + f.type + " for custom field " + f.key);
      if (!custom) custom = new Poco::JSON::Object;
      custom->set(f.key, v);
    } else if (t == "owner_id" || t == "account_id") {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size()) return fail(c, "not an id");
      row.body->set(t, v);
    } else if (t == "score") {
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size()) return fail(c, "not a number");
      row.body->set(t, v);
    } else {
      row.body->set(t, text);
    }
  }
  if (extra_tags) {
    Poco::JSON::Array::Ptr tags = row.body->has("tags")
                                      ? row.body->getArray("tags")
                                      : Poco::JSON::Array::Ptr(new Poco::JSON::Array);
    for (std::size_t i = 0; i < extra_tags->size(); ++i)
      tags->add(extra_tags->get(static_cast<unsigned>(i)));
    row.body->set("tags", tags);
  }
  if (metadata) row.body->set("metadata", metadata);
  if (custom) row.body->set("custom_fields", custom);
  return row;
}

std::string column_for_field(const std::vector<ImportColumn>& columns, const std::string& field) {
  std::string target = field;
  if (target.rfind("custom_fields.", 0) == 0) target = "custom." + target.substr(14);
  for (const ImportColumn& c : columns) {
    if (c.target == target) return c.header;
  }
  // metadata.x and tags may come from several columns: the first that feeds them.
  std::string base = target.substr(0, target.find('.'));
  for (const ImportColumn& c : columns) {
    if (c.target == base || c.target.rfind(base + ".", 0) == 0 ||
        (base == "tags" && c.target == "tag"))
      return c.header;
  }
  return {};
}

}  // namespace sb
