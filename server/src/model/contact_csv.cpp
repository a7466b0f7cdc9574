// Contact <-> CSV columns.
#include "model/contact_csv.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <Poco/JSON/Stringifier.h>

#include <charconv>
#include <sstream>

#include "model/contact_json.h"
#include "model/csv_cell.h"
#include "model/json_escape.h"

namespace sb {
namespace {

std::string list_text(const std::vector<std::string>& items) {
  if (items.empty()) return {};
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, items[i]);
  }
  return out + "]";
}

std::string number_text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

}  // namespace

const std::vector<std::string_view>& contact_csv_columns() {
  static const std::vector<std::string_view> kColumns = {
      "id",         "source",      "platform",        "external_id", "name",      "email",
      "phone",      "status",      "purchase_intent", "interests",   "traits",    "needs",
      "tags",       "owner_id",    "account_id",      "stage",       "sentiment", "score",
      "first_seen", "last_active", "created_at",      "updated_at",  "metadata"};
  return kColumns;
}

void append_contact_csv_header(std::string& out, const std::vector<std::string>& custom_keys) {
  bool first = true;
  for (std::string_view c : contact_csv_columns()) {
    if (!first) out += ',';
    first = false;
    append_csv_cell(out, c);
  }
  for (const std::string& k : custom_keys) {
    out += ',';
    append_csv_cell(out, std::string(kCustomColumnPrefix) + k);
  }
  out += "\r\n";
}

void append_contact_csv_row(std::string& out, const Contact& c,
                            const std::vector<std::string>& custom_keys) {
  auto cell = [&](std::string_view v) {
    append_csv_cell(out, v);
    out += ',';
  };
  auto opt = [&](const std::optional<std::string>& v) { cell(v ? std::string_view(*v) : ""); };
  auto opt_id = [&](const std::optional<std::int64_t>& v) {
    cell(v ? std::to_string(*v) : std::string());
  };
  cell(std::to_string(c.id));
  cell(c.source);
  cell(c.platform);
  opt(c.external_id);
  opt(c.name);
  opt(c.email);
  opt(c.phone);
  cell(c.status);
  opt(c.purchase_intent);
  cell(list_text(c.interests));
  cell(list_text(c.traits));
  opt(c.needs);
  cell(list_text(c.tags));
  opt_id(c.owner_id);
  opt_id(c.account_id);
  opt(c.stage);
  opt(c.sentiment);
  cell(number_text(c.score));
  cell(format_iso8601(c.first_seen));
  cell(format_iso8601(c.last_active));
  cell(format_iso8601(c.created_at));
  cell(format_iso8601(c.updated_at));
  std::string metadata;
  if (!c.metadata.empty()) {
    metadata = "{";
    for (const auto& [k, v] : c.metadata) {
      if (metadata.size() > 1) metadata += ',';
      append_json_string(metadata, k);
      metadata += ':';
      append_json_string(metadata, v);
    }
    metadata += '}';
  }
  append_csv_cell(out, metadata);
  if (!custom_keys.empty()) {
    Poco::JSON::Object::Ptr custom;
    if (c.custom_json.size() > 2)
      custom = Poco::JSON::Parser().parse(c.custom_json).extract<Poco::JSON::Object::Ptr>();
    for (const std::string& k : custom_keys) {
      out += ',';
      if (!custom || !custom->has(k) || custom->isNull(k)) continue;
      Poco::Dynamic::Var v = custom->get(k);
      if (v.isString()) {
        append_csv_cell(out, v.extract<std::string>());
      } else {
        std::ostringstream text;
        Poco::JSON::Stringifier::stringify(v, text);
        append_csv_cell(out, text.str());
      }
    }
  }
  out += "\r\n";
}

}  // namespace sb
