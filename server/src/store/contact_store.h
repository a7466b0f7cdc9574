// Contacts: create, read, update (optimistic versioning), delete, list with the filter
// language, stats and duplicate candidates. Every write also writes its timeline entries
// and outbox events in the caller's transaction.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/actor.h"
#include "model/contact.h"
#include "model/contact_filter.h"
#include "model/error.h"
#include "store/contact_filter_sql.h"
#include "store/custom_field_store.h"
#include "store/event_store.h"
#include "store/team_settings_store.h"
#include "store/timeline_store.h"
#include "store/user_store.h"

namespace soci {
class session;
}

namespace sb {

struct ContactSort {
  std::string field = "created_at";  // created_at|updated_at|last_active|name|score
  bool descending = true;
};

// Position after the last row of a page: the sort key's value and the id.
struct ContactCursor {
  std::string field;
  std::string text_value;   // name
  double number_value = 0;  // times and score
  std::int64_t id = 0;
};

struct ContactPage {
  std::vector<Contact> contacts;
  std::optional<ContactCursor> next;
};

struct ContactStats {
  std::int64_t total = 0;
  std::int64_t new_this_month = 0;
  std::map<std::string, std::int64_t> by_platform, by_intent, by_status;
};

struct DuplicatePair {
  std::int64_t a = 0, b = 0;
  std::string reason;  // "phone" | "name"
  std::string value;
};

class ContactStore {
 public:
  explicit ContactStore(const Dialect& dialect);

  std::optional<Contact> get(soci::session& s, std::int64_t team_id, std::int64_t id,
                             bool for_update = false) const;
  // Several contacts by id in one query (missing ids are skipped), ordered by id; with
  // for_update, rows are locked in that order.
  std::vector<Contact> get_many(soci::session& s, std::int64_t team_id,
                                const std::vector<std::int64_t>& ids, bool for_update) const;
  // Writes capture's activity columns (last_active, message and conversation counts, last
  // channel, behaviour, field provenance) of each contact; no version bump: activity is
  // not an edit.
  void save_activity(soci::session& s, const std::vector<Contact>& contacts) const;
  // get(), or Error 404 when the team has no such contact.
  Contact require(soci::session& s, std::int64_t team_id, std::int64_t id,
                  bool for_update = false) const;
  // 422 on invalid fields, 409 with details.existing_id when the identity is taken.
  // require_custom = false: required custom fields may stay empty (chat capture creates
  // contacts from whatever a conversation reveals; refusing them would lose the chat).
  Contact create(soci::session& s, std::int64_t team_id, const ContactPatch& patch,
                 const Actor& actor, bool require_custom = true) const;
  // 404 when absent, 412 when expected_version is stale, 409/422 as create. Unchanged input
  // returns the contact as it is, with no version bump and no event.
  // Many new contacts of one team in a few statements (imports): the rules of create(),
  // with the lookups (statuses, custom fields, accounts, identities) done once for all.
  // A patch the rules refuse gets its error and is not written; the others are. Their
  // timeline entries name no actor: the audit log has the import's request.
  struct Creation {
    std::optional<Contact> contact;
    std::optional<Error> error;
  };
  std::vector<Creation> create_many(soci::session& s, std::int64_t team_id,
                                    std::vector<ContactPatch> patches) const;
  Contact update(soci::session& s, std::int64_t team_id, std::int64_t id, const ContactPatch& patch,
                 std::optional<int> expected_version, const Actor& actor,
                 std::vector<std::string>* changed_out = nullptr) const;
  // `erased`: part of an erasure (store/contact_erasure.h); the event says so.
  bool remove(soci::session& s, std::int64_t team_id, std::int64_t id, const Actor& actor,
              bool erased = false) const;

  ContactPage list(soci::session& s, std::int64_t team_id, const FilterNode& filter,
                   const ContactSort& sort, const std::optional<ContactCursor>& after,
                   int limit) const;
  // PostgreSQL's plan for the query list() runs (EXPLAIN), one line per row: how tests
  // prove that lookups stay index-backed.
  std::vector<std::string> explain_list(soci::session& s, std::int64_t team_id,
                                        const FilterNode& filter, const ContactSort& sort,
                                        int limit) const;
  // Ids matching a filter, ascending, after `after_id`: the iteration of bulk actions.
  std::vector<std::int64_t> ids(soci::session& s, std::int64_t team_id, const FilterNode& filter,
                                std::int64_t after_id, int limit) const;
  // How many contacts of the team match (one COUNT(*); no rows loaded).
  std::int64_t count(soci::session& s, std::int64_t team_id, const FilterNode& filter) const;
  // Counts of the team's contacts that match `filter` (the list's filter language).
  ContactStats stats(soci::session& s, std::int64_t team_id, EpochMs month_start,
                     const FilterNode& filter) const;
  std::vector<DuplicatePair> duplicates(soci::session& s, std::int64_t team_id, int limit) const;

  // Row-level writes for merge/unmerge: insert with a given id, overwrite all fields.
  void insert_row(soci::session& s, Contact& c) const;
  void overwrite_row(soci::session& s, const Contact& c) const;
  // Identity conflicts (email, platform+external id) with contacts other than `except_id`.
  void check_identity(soci::session& s, const Contact& c, std::int64_t except_id) const;
  // Checks custom values against the team's definitions (unknown key, wrong type, removing
  // a required value; on create, required values missing) and normalises them in `patch`.
  // A new contact from a patch under the rules every create shares (defaults, custom
  // values, before hooks, status, owner, account); identity and domain checks are the
  // caller's, one by one or for a batch.
  Contact new_contact(soci::session& s, std::int64_t team_id, ContactPatch& patch,
                      const std::vector<std::string>& statuses,
                      const std::map<std::string, CustomField>& custom_fields, EpochMs now,
                      bool require_custom) const;
  void normalize_custom(soci::session& s, std::int64_t team_id, ContactPatch& patch,
                        bool creating) const;
  void check_status(soci::session& s, std::int64_t team_id, const std::string& status) const;

  // "c.team_id = ? AND <filter>" over contacts c, with its parameters; segment references
  // expanded. What lists, counts and segment membership share.
  std::string match_sql(soci::session& s, std::int64_t team_id, const FilterNode& filter,
                        SqlParams& params) const;

  const Dialect& dialect() const { return dialect_; }
  const TimelineStore& timeline() const { return timeline_; }
  const EventStore& events() const { return events_; }

 private:
  // WHERE ... ORDER BY ... LIMIT of list(), with its parameters.
  std::string list_clause(soci::session& s, std::int64_t team_id, const FilterNode& filter,
                          const ContactSort& sort, const std::optional<ContactCursor>& after,
                          int limit, SqlParams& params) const;

  // Asks the transaction's write guard (before hooks) and applies the fields it sets.
  void guard(soci::session& s, const Contact* before, Contact& after,
             std::vector<std::string>* changed) const;

  const Dialect& dialect_;
  EventStore events_;
  TimelineStore timeline_;
  CustomFieldStore fields_;
  TeamSettingsStore settings_;
  UserStore users_;
};

}  // namespace sb
