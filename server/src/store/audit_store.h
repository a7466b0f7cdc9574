// The audit log: one append-only row per write (REST, CLI, workflow, plugin) and per read of
// a contact's personal data. Rows carry ids, route names and who/where, never personal
// data, so they survive an erasure unchanged. The tables' triggers refuse UPDATE/DELETE.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"

namespace soci {
class session;
}

namespace sb {

class Dialect;

struct AuditEntry {
  std::int64_t id = 0;
  std::int64_t team_id = 0;
  EpochMs at = 0;                       // 0 on append: now
  std::string actor_type;               // api_key | user | workflow | plugin | cli | system
  std::optional<std::string> actor_id;  // key id, user id, workflow name, plugin name, CLI user
  std::string action;                   // "POST /v1/contacts/{id}", "crm.set_stage", ...
  std::optional<std::string> subject_type;
  std::optional<std::int64_t> subject_id;
  std::optional<int> status;          // HTTP status of a REST request
  std::optional<std::string> origin;  // client address, or "cli"
  std::optional<std::string> request_id;
  std::optional<std::string> detail_json;  // object; ids and names only
};

struct AuditQuery {
  std::int64_t team_id = 0;
  std::int64_t before_id = 0;  // 0: from the newest
  int limit = 50;
  std::optional<std::string> actor_type, actor_id, action_prefix, subject_type;
  std::optional<std::int64_t> subject_id;
  std::optional<EpochMs> since, until;  // at >= since, at < until
};

class AuditStore {
 public:
  explicit AuditStore(const Dialect& dialect) : dialect_(dialect) {}

  void append(soci::session& s, const AuditEntry& entry) const;
  // For a transaction that holds only this entry (the API's, written after the request's
  // own commit): on PostgreSQL its commit does not wait for the WAL flush. A killed server
  // process loses none; a crash of PostgreSQL's host may lose the last fraction of a second.
  void append_alone(soci::session& s, const AuditEntry& entry) const;
  // Newest first.
  std::vector<AuditEntry> list(soci::session& s, const AuditQuery& q) const;

  static constexpr const char* kActorTypes[] = {"api_key", "user", "workflow",
                                                "plugin",  "cli",  "system"};

 private:
  const Dialect& dialect_;
};

}  // namespace sb
