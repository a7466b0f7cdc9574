#include "campaigns/campaign_runner.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <thread>

#include "campaigns/group_commit.h"
#include "channels/messenger.h"
#include "channels/send_policy.h"
#include "model/contact_filter.h"
#include "model/contact_json.h"
#include "model/crm_schemas.h"
#include "model/error.h"
#include "model/hash.h"
#include "model/pace_bucket.h"
#include "plugins/plugin_host.h"
#include "store/contact_filter_sql.h"
#include "store/contact_store.h"
#include "store/database.h"
#include "store/messaging_store.h"
#include "store/record_store.h"
#include "store/segment_store.h"
#include "store/team_settings_store.h"

namespace sb::campaigns {
namespace {

using channels::PolicyVerdict;
using channels::SendOutcome;

// The audience: the segment's rule and the filter, both when both are set.
FilterNode audience_of(const Record& camp) {
  const EntitySchema& schema = crm::campaign();
  FilterNode all;
  all.kind = FilterNode::Kind::kAll;
  if (!camp.is_null(schema, "segment_id")) {
    FilterNode seg;
    seg.kind = FilterNode::Kind::kCondition;
    seg.field = "segment";
    seg.op = "eq";
    seg.values.emplace_back(std::in_place_index<1>,
                            static_cast<double>(camp.int_or(schema, "segment_id", 0)));
    all.children.push_back(std::move(seg));
  }
  if (!camp.is_null(schema, "filter")) {
    all.children.push_back(parse_filter_json_text(camp.text_or(schema, "filter", "{}")));
  }
  return all;
}

EpochMs backoff(int attempts) {
  return std::min<EpochMs>(1000LL << std::min(attempts, 10), 10 * 60 * 1000);
}

struct Job {
  Contact contact;
  std::string address;
  int attempts = 0;
};

}  // namespace

// One campaign, from its lease to the end of what can be sent now.
class CampaignRunner::Run {
 public:
  Run(CampaignRunner& runner, CampaignRef ref)
      : r_(runner),
        db_(runner.db_),
        d_(runner.db_.dialect()),
        ref_(ref),
        store_(d_),
        commit_(db_, [this](soci::session& s, const std::vector<RecipientMove>& m) {
          return write_moves(s, m);
        }) {}

  void execute();

 private:
  bool renew() {
    EpochMs now = now_ms();
    return db_.write([&](soci::session& s) {
      return store_.lease(s, ref_, r_.owner_, now, now + r_.options_.lease.count());
    });
  }
  std::vector<bool> write_moves(soci::session& s, const std::vector<RecipientMove>& moves);
  void send_all(std::vector<Job>& jobs);
  void send_email(const Job& job);
  void send_sms(const Job& job);
  void throttle();
  RecipientMove retry_or_fail(const Job& job, const std::string& reason, bool transient) const;

  CampaignRunner& r_;
  Database& db_;
  const Dialect& d_;
  CampaignRef ref_;
  CampaignStore store_;
  GroupCommit commit_;
  Record campaign_, template_;
  std::string channel_;
  MessagingSettings settings_;
  std::mutex throttle_mutex_;
  PaceBucket throttle_;
  double throttle_per_s_ = 0;
};

std::vector<bool> CampaignRunner::Run::write_moves(soci::session& s,
                                                   const std::vector<RecipientMove>& moves) {
  std::vector<bool> applied = store_.move(s, ref_, moves, now_ms());
  std::vector<MessagingStore::ContactEvent> events;
  for (std::size_t i = 0; i < moves.size(); ++i) {
    if (!applied[i]) continue;  // another sender has this recipient: its events, not ours
    const RecipientMove& m = moves[i];
    std::string type = m.status == "sent"      ? channel_ + ".sent"
                       : m.status == "failed"  ? channel_ + ".failed"
                       : m.status == "skipped" ? "message.skipped"
                                               : "";
    if (type.empty()) continue;
    Poco::JSON::Object payload(Poco::JSON_PRESERVE_KEY_ORDER);
    payload.set("campaign_id", ref_.id);
    payload.set("channel", channel_);
    if (!m.reason.empty()) payload.set("reason", m.reason);
    events.push_back({m.contact_id, type, json_text(payload)});
  }
  MessagingStore(d_).contact_events(s, ref_.team_id, events);
  return applied;
}

void CampaignRunner::Run::execute() {
  if (!renew()) return;
  const EntitySchema& schema = crm::campaign();
  bool materialised = false;
  bool ready = db_.write([&](soci::session& s) {
    auto camp = RecordStore(d_).get(s, schema, ref_.team_id, ref_.id);
    if (!camp) return false;
    campaign_ = *camp;
    channel_ = campaign_.text_or(schema, "channel", "email");
    template_ = RecordStore(d_).require(s, crm::message_template(), ref_.team_id,
                                        campaign_.int_or(schema, "template_id", 0));
    settings_ =
        parse_messaging_settings_text(TeamSettingsStore(d_).get_json(s, ref_.team_id, "messaging"));
    std::string status = campaign_.text_or(schema, "status", "");
    if (status == "scheduled") {
      // Materialised once, in the transaction that moves it to sending: a crash before the
      // commit leaves it scheduled, after it every recipient row exists.
      SqlParams p;
      ContactStore contacts(d_);
      FilterNode audience = SegmentStore(d_).expand(s, ref_.team_id, audience_of(campaign_), 0);
      std::string match = contacts.match_sql(s, ref_.team_id, audience, p);
      store_.materialise(s, ref_, channel_, match, p);
      store_.set_status(s, ref_, "sending", {"scheduled"});
      materialised = true;
      return true;
    }
    return status == "sending";
  });
  if (!ready) {
    db_.write([&](soci::session& s) { store_.release(s, ref_, r_.owner_); });
    return;
  }
  if (materialised) db_.write([&](soci::session& s) { store_.refresh_statistics(s); });
  auto throttle = campaign_.int_or(schema, "throttle_per_minute", 0);
  int batch = r_.options_.batch;
  if (throttle > 0) {
    throttle_per_s_ = static_cast<double>(throttle) / 60.0;
    // A batch lasts about five seconds, well inside the lease.
    batch = static_cast<int>(std::clamp<std::int64_t>(throttle / 12, 1, batch));
  }
  std::int64_t after = 0;
  while (!r_.loop_.stopping()) {
    if (!renew()) return;  // another process took over
    std::string status = db_.read([&](soci::session& s) { return store_.status(s, ref_); });
    if (status != "sending") break;
    EpochMs now = now_ms();
    auto ids =
        db_.read([&](soci::session& s) { return store_.pending(s, ref_, after, now, batch); });
    if (ids.empty()) {
      if (after != 0) {
        after = 0;  // deferred recipients before the cursor may be due now
        continue;
      }
      bool done = db_.write([&](soci::session& s) {
        if (store_.count_status(s, ref_, "pending") > 0 ||
            store_.count_status(s, ref_, "sending") > 0) {
          return false;
        }
        return store_.set_status(s, ref_, "completed", {"sending"});
      });
      (void)done;
      break;  // done, or deferred recipients come back on a later pass
    }
    after = ids.back();
    std::vector<Job> jobs;
    std::vector<RecipientMove> later;
    db_.read([&](soci::session& s) {
      std::vector<Contact> contacts = ContactStore(d_).get_many(s, ref_.team_id, ids, false);
      auto attempts = store_.attempts(s, ref_, ids);
      auto verdicts =
          channels::check_send_policy(s, d_, ref_.team_id, settings_, contacts, channel_, now);
      std::size_t k = 0;
      for (std::int64_t id : ids) {
        if (k < contacts.size() && contacts[k].id == id) {
          const PolicyVerdict& v = verdicts[k];
          if (v.kind == PolicyVerdict::Kind::kSkip) {
            later.push_back({id, "skipped", v.reason, 0, false});
          } else if (v.kind == PolicyVerdict::Kind::kDefer) {
            later.push_back({id, "pending", v.reason, v.until, false});
          } else {
            jobs.push_back(
                {contacts[k], channels::channel_address(contacts[k], channel_), attempts[id]});
          }
          ++k;
        } else {
          later.push_back({id, "skipped", "contact_deleted", 0, false});
        }
      }
    });
    if (!later.empty()) {
      for (const RecipientMove& m : later) {
        (m.status == "skipped" ? r_.counters_.skipped : r_.counters_.deferred)++;
      }
      db_.write([&](soci::session& s) { write_moves(s, later); });
    }
    send_all(jobs);
  }
  db_.write([&](soci::session& s) { store_.release(s, ref_, r_.owner_); });
}

void CampaignRunner::Run::send_all(std::vector<Job>& jobs) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < jobs.size() && !r_.loop_.stopping(); i = next++) {
      try {
        if (channel_ == "email") {
          send_email(jobs[i]);
        } else {
          send_sms(jobs[i]);
        }
      } catch (const std::exception& e) {
        // The database went away mid-send: the recipient stays pending for the next pass,
        // unless a lost COMMIT answer could not be looked up (commit_outcome_unknown: the
        // log says so, and if that commit did mark it sent, it gets nothing).
        Poco::Logger::get("campaigns")
            .warning("campaign %Ld, contact %Ld: %s", static_cast<Poco::Int64>(ref_.id),
                     static_cast<Poco::Int64>(jobs[i].contact.id), log_text(e));
      }
    }
  };
  const int workers =
      std::max(1, std::min<int>(r_.options_.workers, static_cast<int>(jobs.size())));
  std::vector<std::jthread> pool;
  for (int w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
}

void CampaignRunner::Run::throttle() {
  // The campaign's own throttle first, then the team's and the server's send rates.
  if (throttle_per_s_ > 0) {
    const double now = steady_seconds();
    double at;
    {
      std::lock_guard lock(throttle_mutex_);
      at = throttle_.reserve(now, throttle_per_s_, 1);
    }
    if (at > now) std::this_thread::sleep_for(std::chrono::duration<double>(at - now));
  }
  double wait = r_.messenger_.pacer().reserve(ref_.team_id, settings_.send_rate_per_minute);
  if (wait > 0) std::this_thread::sleep_for(std::chrono::duration<double>(wait));
}

RecipientMove CampaignRunner::Run::retry_or_fail(const Job& job, const std::string& reason,
                                                 bool transient) const {
  if (transient && job.attempts + 1 < r_.options_.max_attempts) {
    r_.counters_.retried++;
    return {job.contact.id, "pending", reason, now_ms() + backoff(job.attempts), true};
  }
  r_.counters_.failed++;
  return {job.contact.id, "failed", reason, 0, true};
}

void CampaignRunner::Run::send_email(const Job& job) {
  channels::SmtpTransport* smtp = r_.messenger_.smtp();
  if (!smtp) {
    commit_.commit(retry_or_fail(job, "email is not configured (SB_SMTP_URL)", false));
    return;
  }
  throttle();
  const std::string from = r_.messenger_.envelope_from(settings_);
  std::string mime;
  try {
    channels::EmailContent e = r_.messenger_.compose_email(
        template_, job.contact, "{}", settings_,
        channels::MessageRef{'r', ref_.team_id, ref_.id, job.contact.id});
    mime = channels::build_mime(e, now_ms(),
                                "sb.c" + std::to_string(ref_.id) + "." +
                                    std::to_string(job.contact.id) + "." +
                                    std::to_string(job.attempts));
  } catch (const Error& e) {
    commit_.commit(retry_or_fail(job, e.what(), false));
    return;
  }
  channels::PendingSend pending = smtp->prepare(from, job.address, mime);
  if (!pending.ready()) {
    const SendOutcome& out = pending.outcome();
    std::string reason = (out.code ? std::to_string(out.code) + " " : std::string()) + out.reply;
    if (out.hard_bounce()) {
      db_.write([&](soci::session& s) {
        MessagingStore(d_).suppress(s, ref_.team_id, job.contact.id, "email", "bounced", reason);
      });
    }
    commit_.commit(retry_or_fail(job, reason, out.kind == SendOutcome::Kind::kTransient));
    return;
  }
  // Durable before the dot, and the dot written by the committing thread straight after
  // the commit (no wake-up delay in between). If the commit throws, `pending` closes
  // unfinished and the server discards the message: still pending, nothing was sent.
  if (!commit_.commit({job.contact.id, "sent", "", 0, true}, [&pending] { pending.write_dot(); })) {
    // Another process took the campaign over while this one waited on the relay, and sent
    // to this recipient: `pending` closes without its dot, so the relay drops our copy.
    r_.counters_.taken_over++;
    return;
  }
  SendOutcome out = pending.finish();
  if (out.kind == SendOutcome::Kind::kSent || out.code == 0) {
    // code 0: the connection broke after the dot; the server may have it. Kept as sent.
    r_.counters_.sent++;
    return;
  }
  commit_.commit(retry_or_fail(job, std::to_string(out.code) + " " + out.reply,
                               out.kind == SendOutcome::Kind::kTransient));
}

void CampaignRunner::Run::send_sms(const Job& job) {
  plugins::PluginHost* host = r_.messenger_.plugins();
  if (!host) {
    commit_.commit(retry_or_fail(job, "no SMS provider is loaded", false));
    return;
  }
  throttle();
  std::string text = channels::Messenger::compose_text(template_, job.contact, "{}");
  // Marked first: a crash during the provider call leaves it 'sending', never sent twice.
  if (!commit_.commit({job.contact.id, "sending", "", 0, true})) {
    r_.counters_.taken_over++;  // another process is sending it, or has
    return;
  }
  Poco::JSON::Object msg(Poco::JSON_PRESERVE_KEY_ORDER);
  msg.set("to", job.address);
  msg.set("text", text);
  auto r = host->send("sms", "", plugins::CallScope{ref_.team_id, &db_, nullptr}, json_text(msg));
  if (r && r->status == SB_OK) {
    r_.counters_.sent++;
    commit_.commit({job.contact.id, "sent", "", 0, false});
    return;
  }
  std::string reason = r ? r->error : "no SMS provider is loaded";
  commit_.commit(retry_or_fail(job, reason, r && r->status == SB_RETRY));
}

CampaignRunner::CampaignRunner(Database& db, channels::Messenger& messenger,
                               CampaignOptions options)
    : db_(db),
      messenger_(messenger),
      options_(options),
      owner_("p" + random_hex(8)),
      loop_("campaigns", options_.poll, [this] {
        run_due();
        return false;  // the next due campaigns wait for a poke or the next poll
      }) {}

CampaignRunner::~CampaignRunner() {
  stop();
}

void CampaignRunner::start() {
  loop_.start();
}

void CampaignRunner::stop() {
  loop_.stop();
}

void CampaignRunner::poke() {
  loop_.poke();
}

int CampaignRunner::run_due() {
  auto due =
      db_.read([&](soci::session& s) { return CampaignStore(db_.dialect()).due(s, now_ms(), 20); });
  for (const CampaignRef& c : due) {
    if (loop_.stopping()) break;
    try {
      Run(*this, c).execute();
    } catch (const std::exception& e) {
      Poco::Logger::get("campaigns")
          .error("campaign %Ld: %s", static_cast<Poco::Int64>(c.id), log_text(e));
    }
  }
  return static_cast<int>(due.size());
}

}  // namespace sb::campaigns
