// Campaign sending state: leases (one process sends a campaign at a time; a dead one's
// lease expires and another resumes), recipients materialised once per contact, their
// status moves, engagement, and the numbers behind /v1/campaigns/{id}/stats.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/clock.h"

namespace soci {
class session;
}

namespace sb {

class Dialect;
class SqlParams;

struct CampaignRef {
  std::int64_t team_id = 0;
  std::int64_t id = 0;
};

struct RecipientMove {
  std::int64_t contact_id = 0;
  std::string status;  // pending | sending | sent | failed | skipped
  std::string reason;
  EpochMs not_before = 0;  // pending again: not before this
  bool attempted = false;  // counts as an attempt
};

struct CampaignStats {
  std::int64_t targeted = 0, pending = 0, sent = 0, failed = 0, skipped = 0;
  std::int64_t opened = 0, clicked = 0, unsubscribed = 0;
  std::map<std::string, std::int64_t> skipped_by_reason, failed_by_reason;
};

// One recipient row as the API lists it; `id` is the contact's id (the page key).
struct CampaignRecipient {
  std::int64_t id = 0;
  std::string status;
  std::optional<std::string> reason, address;
  int attempts = 0;
  std::optional<EpochMs> sent_at, opened_at, clicked_at, unsubscribed_at;
};

class CampaignStore {
 public:
  explicit CampaignStore(const Dialect& dialect) : dialect_(dialect) {}

  // Scheduled campaigns that are due and sending ones, whose lease is free or expired.
  std::vector<CampaignRef> due(soci::session& s, EpochMs now, int limit) const;
  // Takes or renews the lease until `until`; false when another owner holds a live one.
  bool lease(soci::session& s, const CampaignRef& c, const std::string& owner, EpochMs now,
             EpochMs until) const;
  void release(soci::session& s, const CampaignRef& c, const std::string& owner) const;
  std::string status(soci::session& s, const CampaignRef& c) const;
  // Moves the status when it is one of `from` (any when empty): started_at on sending,
  // completed_at on completed|cancelled, campaign.started / campaign.completed events.
  // False when the campaign was not in one of `from`.
  bool set_status(soci::session& s, const CampaignRef& c, const std::string& status,
                  const std::vector<std::string>& from = {}) const;
  // Recipients still pending when a campaign is cancelled: skipped, reason "cancelled".
  void skip_pending(soci::session& s, const CampaignRef& c, const std::string& reason) const;

  // One row per contact matching `match_sql` (over contacts c), none twice; returns how
  // many rows were added. Contacts without the channel's address, blocked, or on the
  // do-not-contact list are written skipped with the reason.
  std::int64_t materialise(soci::session& s, const CampaignRef& c, const std::string& channel,
                           const std::string& match_sql, SqlParams& params) const;
  // After a materialise committed (PostgreSQL): fresh planner statistics. A table that
  // just grew by a whole audience still looks empty to the planner, which then scans it for
  // every batch's UPDATE ... FROM (measured: one backend at 85% CPU, 743 messages/s).
  void refresh_statistics(soci::session& s) const;
  // Pending recipients due now, by contact id after `after`.
  std::vector<std::int64_t> pending(soci::session& s, const CampaignRef& c, std::int64_t after,
                                    EpochMs now, int limit) const;
  // Attempts of each given recipient.
  std::map<std::int64_t, int> attempts(soci::session& s, const CampaignRef& c,
                                       const std::vector<std::int64_t>& contacts) const;
  // Applies each move unless the recipient is already `sent` (or, for a `sending` move,
  // already `sending`): a row is claimed by one sender only, even when two processes hold
  // the campaign (a lease taken over from a sender stuck on a slow relay). Returns, in
  // order, whether each move was applied; a sender whose `sent` was not must not send.
  std::vector<bool> move(soci::session& s, const CampaignRef& c,
                         const std::vector<RecipientMove>& moves, EpochMs now) const;
  // First open, click or unsubscribe of a recipient; false when recorded before.
  bool mark_engagement(soci::session& s, const CampaignRef& c, std::int64_t contact_id,
                       const std::string& column, EpochMs at) const;
  // Recipients in `status` (pending: left to send; sending: an SMS provider call in flight
  // or cut short by a crash).
  std::int64_t count_status(soci::session& s, const CampaignRef& c,
                            const std::string& status) const;

  CampaignStats stats(soci::session& s, const CampaignRef& c) const;
  // Recipients by contact id after `after`; `status` empty for all.
  std::vector<CampaignRecipient> recipients(soci::session& s, const CampaignRef& c,
                                            const std::string& status, std::int64_t after,
                                            int limit) const;

 private:
  const Dialect& dialect_;
};

}  // namespace sb
