// Exports, streamed as they are read: GET /v1/exports/contacts (CSV, JSON or NDJSON, with
// the list's filters), GET /v1/exports/team (every table of the team, JSON, one snapshot)
// and GET /v1/contacts/{id}/export (everything held about one person). Admin and owner
// keys only; each is a personal-data read in the audit log.
#include <soci/soci.h>

#include <ostream>

#include "http/contact_input.h"
#include "http/routes.h"
#include "model/contact_csv.h"
#include "model/contact_json.h"
#include "model/error.h"
#include "model/json_escape.h"
#include "store/data_export.h"

namespace sb {
namespace {

constexpr int kExportPage = 1000;
constexpr std::size_t kFlushBytes = 64 * 1024;

void flush(std::ostream& out, std::string& buf, bool force = false) {
  if (buf.size() < kFlushBytes && !force) return;
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  buf.clear();
}

Response export_contacts(ApiServices& sv, Request& req) {
  std::string format = req.choice_param("format", {"csv", "json", "ndjson"}).value_or("csv");
  // Everything but format is the contacts list's filter; the order is fixed (oldest first).
  Request filters = req;
  filters.query.clear();
  for (const auto& [k, v] : req.query) {
    if (k == "limit" || k == "cursor" || k == "sort") {
      throw Error::validation(k, "exports take every matching contact, oldest first: drop " + k);
    }
    if (k != "format") filters.query.emplace_back(k, v);
  }
  ContactListParams params = read_list_query(filters);
  params.sort = ContactSort{"created_at", false};
  const std::int64_t team = req.auth().team_id;
  // The first page now: a filter naming an unknown custom field fails with its 422 here,
  // not half-way through a 200.
  std::vector<std::string> custom_keys;
  ContactPage first = sv.db.read([&](soci::session& s) {
    if (format == "csv") {
      for (const CustomField& f : sv.custom_fields.list(s, team)) custom_keys.push_back(f.key);
    }
    return sv.contacts.list(s, team, params.filter, params.sort, std::nullopt, kExportPage);
  });

  Response r;
  r.content_type = format == "csv"    ? "text/csv; charset=utf-8"
                   : format == "json" ? "application/json"
                                      : "application/x-ndjson";
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"contacts." + format + "\"");
  r.stream = [&sv, team, format, params, custom_keys,
              page = std::move(first)](std::ostream& out) mutable {
    std::string buf;
    if (format == "csv") append_contact_csv_header(buf, custom_keys);
    if (format == "json") buf += '[';
    bool first_row = true;
    for (;;) {
      for (const Contact& c : page.contacts) {
        if (format == "csv") {
          append_contact_csv_row(buf, c, custom_keys);
        } else {
          if (format == "json" && !first_row) buf += ',';
          append_contact_json(buf, c);
          if (format == "ndjson") buf += '\n';
        }
        first_row = false;
        flush(out, buf);
      }
      if (!page.next) break;
      page = sv.db.read([&](soci::session& s) {
        return sv.contacts.list(s, team, params.filter, params.sort, page.next, kExportPage);
      });
    }
    if (format == "json") buf += "]\n";
    flush(out, buf, true);
  };
  return r;
}

// Writes {"name": [rows...], ...} members for `tables` from one snapshot.
void write_tables(std::string& buf, std::ostream& out, soci::session& s, const DataExport& data,
                  const std::vector<std::string>& tables, std::int64_t team,
                  std::optional<std::int64_t> contact) {
  bool first_table = true;
  for (const std::string& table : tables) {
    if (!first_table) buf += ',';
    first_table = false;
    append_json_string(buf, table);
    buf += ":[";
    bool first_row = true;
    data.each_row(s, table, team, contact, [&](const std::string& row) {
      if (!first_row) buf += ',';
      first_row = false;
      buf += row;
      flush(out, buf);
    });
    buf += ']';
  }
}

// The database reads of a stream run once: Database::read retries a lost connection, and a
// retry would write the rows again.
template <class Fn>
void read_once(ApiServices& sv, Fn&& fn) {
  bool started = false;
  sv.db.read([&](soci::session& s) {
    if (started) throw Error(ErrorCode::kUnavailable, "database connection lost during export");
    started = true;
    fn(s);
  });
}

std::string export_head(const char* format, std::int64_t team) {
  return "{\"format\":\"" + std::string(format) +
         "\",\"version\":1,\"team_id\":" + std::to_string(team) + ",\"exported_at\":\"" +
         format_iso8601(now_ms()) + "\"";
}

Response export_team(ApiServices& sv, Request& req) {
  req.allow_params({});
  const std::int64_t team = req.auth().team_id;
  Response r;
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"team-export.json\"");
  r.stream = [&sv, team](std::ostream& out) {
    read_once(sv, [&](soci::session& s) {
      ExportSnapshot snapshot(s, sv.db.dialect());
      DataExport data(sv.db.dialect());
      std::string buf = export_head("switchboard-team-export", team) + ",\"tables\":{";
      write_tables(buf, out, s, data, DataExport::team_tables(), team, std::nullopt);
      buf += "}}\n";
      flush(out, buf, true);
    });
  };
  return r;
}

Response export_person(ApiServices& sv, Request& req) {
  req.allow_params({});
  const std::int64_t team = req.auth().team_id;
  const std::int64_t id = req.path_id("id");
  Contact contact = sv.db.read([&](soci::session& s) { return sv.contacts.require(s, team, id); });
  Response r;
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"contact-" + std::to_string(id) + ".json\"");
  r.stream = [&sv, team, id, contact](std::ostream& out) {
    read_once(sv, [&](soci::session& s) {
      ExportSnapshot snapshot(s, sv.db.dialect());
      DataExport data(sv.db.dialect());
      std::string buf = export_head("switchboard-person-export", team) +
                        ",\"contact\":" + contact_json_text(contact) + ",\"held\":{";
      write_tables(buf, out, s, data, DataExport::contact_tables(), team, id);
      buf += "}}\n";
      flush(out, buf, true);
    });
  };
  return r;
}

}  // namespace

void add_export_routes(Router& router, ApiServices& sv) {
  router.add(Route::get("/v1/exports/contacts", Role::kAdmin, [&sv](Request& r) {
               return export_contacts(sv, r);
             }).reads_personal_data());
  router.add(Route::get("/v1/exports/team", Role::kAdmin, [&sv](Request& r) {
               return export_team(sv, r);
             }).reads_personal_data());
  router.add(Route::get("/v1/contacts/{id}/export", Role::kAdmin, [&sv](Request& r) {
               return export_person(sv, r);
             }).reads_personal_data());
}

}  // namespace sb
