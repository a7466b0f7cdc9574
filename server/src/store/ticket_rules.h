// Tickets: SLA due times from the team's default policy (computed on create and when the
// priority changes), resolution bookkeeping, assignment and resolution events, first
// response by a public comment, and the due-time scan that flags breaches.
#pragma once

#include "store/record_service.h"

namespace sb {

class TicketHooks : public RecordHooks {
 public:
  explicit TicketHooks(const RecordService& tickets) : tickets_(tickets) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void after_write(soci::session& s, const Record* before, const Record& after,
                   const std::vector<int>& changed, const WriteContext& ctx) const override;

 private:
  const RecordService& tickets_;
};

class SlaPolicyHooks : public RecordHooks {
 public:
  explicit SlaPolicyHooks(const Dialect& dialect) : store_(dialect) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void before_remove(soci::session& s, const Record& record) const override;

 private:
  RecordStore store_;
};

class CommentHooks : public RecordHooks {
 public:
  explicit CommentHooks(const RecordService& tickets) : tickets_(tickets) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void after_write(soci::session& s, const Record* before, const Record& after,
                   const std::vector<int>& changed, const WriteContext& ctx) const override;

 private:
  const RecordService& tickets_;
};

// Flags open tickets whose first-response or resolution due time has passed (across all
// teams, at most `limit` per call) and emits ticket.sla_breached for each. Safe to run in
// several processes at once: each ticket is re-read under a row lock.
int scan_sla_breaches(soci::session& s, const RecordService& tickets, EpochMs now, int limit);

class Database;
// The same in its own write transaction, with its own ticket service: what the server's
// scheduler runs periodically.
int scan_sla_breaches(Database& db, EpochMs now, int limit);

// A new team's "Standard" SLA policy (the default until an admin changes it).
void create_default_sla_policy(soci::session& s, const Dialect& dialect, std::int64_t team_id);

}  // namespace sb
