// Row-to-JSON export over the catalogue of each backend.
#include "store/data_export.h"

#include <soci/soci.h>

#include <algorithm>

#include "model/error.h"
#include "store/dialect.h"
#include "store/statement.h"

namespace sb {
namespace {

// Columns never exported: the hash that authenticates a key is a secret, team_id is the
// export's own.
bool excluded(const std::string& table, const std::string& column) {
  // messages.search (PostgreSQL) is generated from the text: derived, and not insertable.
  return column == "team_id" || (table == "api_keys" && column == "key_hash") ||
         (table == "messages" && column == "search");
}

bool known_table(const std::string& table) {
  const auto& t = DataExport::team_tables();
  return std::find(t.begin(), t.end(), table) != t.end();
}

}  // namespace

ExportSnapshot::ExportSnapshot(soci::session& s, const Dialect& dialect) : s_(s) {
  s_ << (dialect.backend() == Backend::kPostgresql
             ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
             : "BEGIN");  // SQLite (WAL): the first read fixes the snapshot
}

ExportSnapshot::~ExportSnapshot() {
  try {
    s_ << "ROLLBACK";  // nothing was written
  } catch (const std::exception&) {
    // The connection is gone; the pool re-opens it.
  }
}

const std::vector<std::string>& DataExport::team_tables() {
  static const std::vector<std::string> kTables = {"team_settings",
                                                   "users",
                                                   "api_keys",
                                                   "user_groups",
                                                   "custom_fields",
                                                   "accounts",
                                                   "contacts",
                                                   "contact_identities",
                                                   "contact_notes",
                                                   "contact_files",
                                                   "timeline_entries",
                                                   "merge_journal",
                                                   "pipelines",
                                                   "pipeline_stages",
                                                   "leads",
                                                   "lead_activities",
                                                   "sla_policies",
                                                   "tickets",
                                                   "ticket_comments",
                                                   "appointments",
                                                   "forms",
                                                   "public_slugs",
                                                   "form_submissions",
                                                   "agents",
                                                   "conversations",
                                                   "messages",
                                                   "workflows",
                                                   "workflow_versions",
                                                   "workflow_runs",
                                                   "workflow_timers",
                                                   "notifications",
                                                   "segments",
                                                   "segment_members",
                                                   "segment_changes",
                                                   "message_templates",
                                                   "contact_suppressions",
                                                   "outbox_messages",
                                                   "campaigns",
                                                   "campaign_recipients",
                                                   "sequences",
                                                   "sequence_enrollments",
                                                   "audit_log"};
  return kTables;
}

const std::vector<std::string>& DataExport::contact_tables() {
  static const std::vector<std::string> kTables = {"contact_identities",
                                                   "contact_notes",
                                                   "contact_files",
                                                   "timeline_entries",
                                                   "leads",
                                                   "tickets",
                                                   "appointments",
                                                   "form_submissions",
                                                   "conversations",
                                                   "messages",
                                                   "workflow_timers",
                                                   "notifications",
                                                   "segment_members",
                                                   "segment_changes",
                                                   "contact_suppressions",
                                                   "outbox_messages",
                                                   "campaign_recipients",
                                                   "sequence_enrollments"};
  return kTables;
}

const std::map<std::string, std::set<std::string>>& DataExport::json_columns() {
  static const std::map<std::string, std::set<std::string>> kColumns = {
      {"team_settings", {"value"}},
      {"contacts",
       {"interests", "traits", "tags", "metadata", "custom", "behaviour", "field_sources"}},
      {"custom_fields", {"options"}},
      {"timeline_entries", {"data"}},
      {"merge_journal", {"journal"}},
      {"accounts", {"tags"}},
      {"sla_policies", {"targets", "business_hours"}},
      {"tickets", {"tags"}},
      {"appointments", {"reschedule_history"}},
      {"forms", {"fields"}},
      {"form_submissions", {"data"}},
      {"agents", {"platforms"}},
      {"conversations", {"topics"}},
      {"messages", {"attachments", "data", "captured"}},
      {"workflow_runs", {"actions"}},
      {"workflow_timers", {"cancel_on"}},
      {"user_groups", {"members"}},
      {"outbox_messages", {"data"}},
      {"segments", {"rule"}},
      {"campaigns", {"filter"}},
      {"sequences", {"steps", "exit_on"}},
      {"audit_log", {"detail"}}};
  return kColumns;
}

std::vector<std::string> DataExport::columns(soci::session& s, const std::string& table) const {
  // `table` comes from the fixed lists above, never from input.
  std::vector<std::string> out;
  std::string name;
  soci::statement st(s);
  st.exchange(soci::into(name));
  std::string sql;
  if (dialect_.backend() == Backend::kPostgresql) {
    st.exchange(soci::use(table, "t"));
    sql =
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = :t ORDER BY ordinal_position";
  } else {
    sql = "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid";
  }
  if (execute_once(st, sql)) {
    do {
      if (!excluded(table, name)) out.push_back(name);
    } while (st.fetch());
  }
  return out;
}

void DataExport::each_row(soci::session& s, const std::string& table, std::int64_t team_id,
                          std::optional<std::int64_t> contact_id,
                          const std::function<void(const std::string&)>& row) const {
  if (!known_table(table)) throw Error(ErrorCode::kInternal, "no export of table " + table);
  std::vector<std::string> cols = columns(s, table);
  const bool has_id = std::find(cols.begin(), cols.end(), "id") != cols.end();
  std::string select;
  if (dialect_.backend() == Backend::kPostgresql) {
    std::string list;
    for (const auto& c : cols) list += (list.empty() ? "" : ", ") + std::string("\"") + c + "\"";
    select = "SELECT row_to_json(r)::text FROM (SELECT " + list + " FROM " + table +
             " WHERE team_id = :t" + (contact_id ? " AND contact_id = :c" : "") +
             (has_id ? " ORDER BY id" : "") + ") r";
  } else {
    const auto json = json_columns().find(table);
    std::string args;
    for (const auto& c : cols) {
      bool is_json = json != json_columns().end() && json->second.count(c) > 0;
      args += (args.empty() ? "'" : ", '") + c + "', " + (is_json ? "json(" + c + ")" : c);
    }
    select = "SELECT json_object(" + args + ") FROM " + table + " WHERE team_id = :t" +
             (contact_id ? " AND contact_id = :c" : "") + (has_id ? " ORDER BY id" : "");
  }
  long long team = team_id, contact = contact_id.value_or(0);
  std::string text;
  soci::statement st(s);
  st.exchange(soci::into(text));
  st.exchange(soci::use(team, "t"));
  if (contact_id) st.exchange(soci::use(contact, "c"));
  if (!execute_once(st, select)) return;
  do {
    row(text);
  } while (st.fetch());
}

}  // namespace sb
