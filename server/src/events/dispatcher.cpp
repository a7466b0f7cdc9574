// Claim, deliver, record, finish.
#include "events/dispatcher.h"

#include <Poco/Logger.h>
#include <soci/soci.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "model/error.h"
#include "store/database.h"

namespace sb {

bool event_type_matches(std::string_view pattern, std::string_view type) {
  if (pattern == "*") return true;
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*") {
    std::string_view prefix = pattern.substr(0, pattern.size() - 1);  // keeps the dot
    return type.substr(0, prefix.size()) == prefix;
  }
  return pattern == type;
}

bool DeliveryContext::once(const std::string& key,
                           const std::function<void(soci::session&)>& effect) {
  EventQueueStore queue(db_.dialect());
  // Resolved: an effect whose commit answer was lost would otherwise count as done on the
  // retry (its key is taken) while the act after it (the SMTP dot) never happened.
  return db_.write_resolved([&](soci::session& s) {
    if (!queue.claim_effect(s, event_.team_id, subscriber_ + ":" + key)) return false;
    effect(s);
    return true;
  });
}

bool DeliveryContext::claim(soci::session& s, const std::string& key) {
  return EventQueueStore(db_.dialect()).claim_effect(s, event_.team_id, subscriber_ + ":" + key);
}

Dispatcher::Dispatcher(Database& db, DispatcherOptions options)
    : db_(db), options_(options), queue_(db.dialect()) {
  unsigned random = 0;
  if (getrandom(&random, sizeof random, 0) != sizeof random)
    random = static_cast<unsigned>(::getpid());
  char buf[64];
  std::snprintf(buf, sizeof buf, "pid%d-%08x", static_cast<int>(::getpid()), random);
  owner_ = buf;
}

Dispatcher::~Dispatcher() {
  stop();
}

void Dispatcher::add(std::shared_ptr<Subscriber> subscriber) {
  for (const auto& s : subscribers_) {
    if (s->name() == subscriber->name())
      throw std::logic_error("two subscribers named " + subscriber->name());
  }
  subscribers_.push_back(std::move(subscriber));
}

void Dispatcher::on_events_committed() {
  wake();
  if (channel_) channel_->signal();
}

void Dispatcher::start() {
  if (running_.exchange(true)) return;
  if (db_.backend() == Backend::kPostgresql) {
    channel_ = std::make_unique<PgWakeChannel>(db_.connect_string(), [this] { wake(); });
    channel_->start();
  }
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { worker_loop(); });
}

void Dispatcher::stop() {
  if (!running_.exchange(false)) return;
  if (channel_) channel_->stop();
  wake();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void Dispatcher::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wake_seq_;
  }
  wake_.notify_all();
}

EpochMs Dispatcher::backoff(int attempts) const {
  double base =
      static_cast<double>(options_.backoff_base.count()) * std::pow(2.0, std::max(0, attempts - 1));
  base = std::min(base, static_cast<double>(options_.backoff_max.count()));
  thread_local std::mt19937 rng(std::random_device{}());
  std::uniform_real_distribution<double> jitter(0.8, 1.2);  // spreads retries of a burst
  return static_cast<EpochMs>(base * jitter(rng));
}

int Dispatcher::run_once() {
  std::vector<StoredEvent> batch = db_.write([&](soci::session& s) {
    queue_.relax_commit(s);
    return queue_.claim(s, owner_, now_ms(), options_.lease.count(), options_.batch);
  });
  if (batch.empty()) return 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> ids;
  for (const auto& e : batch) ids.emplace_back(e.team_id, e.id);
  auto states = db_.read([&](soci::session& s) { return queue_.delivery_states(s, ids); });
  // Deliver the whole batch, then record it in one transaction: if this process dies in
  // between, the leases expire and the batch is delivered again (once() keeps effects single).
  std::vector<std::tuple<std::int64_t, std::int64_t, Delivery>> deliveries;
  std::vector<std::pair<std::int64_t, std::int64_t>> done;
  struct Later {
    std::int64_t team, id;
    std::string status;
    std::optional<EpochMs> retry_at;
    std::string error;
  };
  std::vector<Later> others;
  Ahead ahead = handle_batches(batch, states);
  for (const StoredEvent& e : batch) {
    Verdict v = deliver(e, states, ahead, deliveries);
    if (v.retry) {
      others.push_back({e.team_id, e.id, "pending", now_ms() + backoff(e.attempts), v.error});
      counters_.events_retried++;
    } else if (v.dead) {
      others.push_back({e.team_id, e.id, "dead", std::nullopt, v.error});
      counters_.events_dead++;
    } else {
      done.emplace_back(e.team_id, e.id);
      counters_.events_done++;
    }
  }
  db_.write([&](soci::session& s) {
    queue_.relax_commit(s);
    queue_.record_deliveries(s, deliveries);
    queue_.finish_done(s, done);
    for (const Later& l : others) queue_.finish(s, l.team, l.id, l.status, l.retry_at, l.error);
  });
  // Finishing an event releases the next one of its subject: idle workers may have work.
  wake();
  return static_cast<int>(batch.size());
}

void Dispatcher::worker_loop() {
  Poco::Logger& log = Poco::Logger::get("events");
  while (running_) {
    std::uint64_t seen;
    {
      std::lock_guard lock(mutex_);
      seen = wake_seq_;
    }
    int handled = 0;
    try {
      handled = run_once();
    } catch (const std::exception& e) {
      log.warning("dispatch round failed: %s", log_text(e));
    }
    if (handled > 0) continue;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.poll, [&] { return !running_ || wake_seq_ != seen; });
  }
}

namespace {
bool settled(const std::map<std::pair<std::int64_t, std::string>, std::string>& states,
             std::int64_t event_id, const std::string& subscriber) {
  auto state = states.find({event_id, subscriber});
  return state != states.end() && (state->second == "done" || state->second == "dead");
}
}  // namespace

Dispatcher::Ahead Dispatcher::handle_batches(
    const std::vector<StoredEvent>& batch,
    const std::map<std::pair<std::int64_t, std::string>, std::string>& states) {
  Ahead ahead;
  for (const auto& sub : subscribers_) {
    if (!sub->takes_batches()) continue;
    const std::string name = sub->name();
    std::vector<DeliveryContext> contexts;
    for (const StoredEvent& e : batch) {
      if (sub->wants(e.type) && !settled(states, e.id, name)) contexts.emplace_back(db_, e, name);
    }
    if (contexts.empty()) continue;
    auto started = std::chrono::steady_clock::now();
    std::vector<Outcome> outcomes;
    try {
      outcomes = sub->handle_batch(contexts);
      if (outcomes.size() != contexts.size()) {
        throw std::logic_error(name + " answered " + std::to_string(outcomes.size()) +
                               " outcomes for " + std::to_string(contexts.size()) + " events");
      }
    } catch (const std::exception& ex) {
      outcomes.assign(contexts.size(), Outcome::retry(ex.what()));
    }
    const std::int64_t share = std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::steady_clock::now() - started)
                                   .count() /
                               static_cast<std::int64_t>(contexts.size());
    for (std::size_t i = 0; i < contexts.size(); ++i) {
      ahead[{contexts[i].event().id, name}] = {std::move(outcomes[i]), share};
    }
  }
  return ahead;
}

Dispatcher::Verdict Dispatcher::deliver(
    const StoredEvent& e, const std::map<std::pair<std::int64_t, std::string>, std::string>& states,
    Ahead& ahead, std::vector<std::tuple<std::int64_t, std::int64_t, Delivery>>& deliveries) {
  Verdict verdict;
  for (const auto& sub : subscribers_) {
    if (!sub->wants(e.type)) continue;
    auto state = states.find({e.id, sub->name()});
    if (state != states.end() && (state->second == "done" || state->second == "dead")) {
      verdict.dead = verdict.dead || state->second == "dead";
      continue;
    }
    Outcome outcome;
    std::int64_t duration_us = 0;
    if (auto handled = ahead.find({e.id, sub->name()}); handled != ahead.end()) {
      outcome = std::move(handled->second.first);
      duration_us = handled->second.second;
    } else {
      DeliveryContext ctx(db_, e, sub->name());
      auto started = std::chrono::steady_clock::now();
      try {
        outcome = sub->handle(e, ctx);
      } catch (const std::exception& ex) {
        outcome = Outcome::retry(ex.what());
      }
      duration_us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    }
    Delivery d;
    d.subscriber = sub->name();
    d.attempts = e.attempts;
    d.duration_us = duration_us;
    d.last_error = outcome.reason;
    switch (outcome.result) {
      case HandleResult::kOk:
        d.status = "done";
        counters_.delivered_ok++;
        break;
      case HandleResult::kRetry:
        counters_.delivered_retry++;
        d.status = e.attempts >= options_.max_attempts ? "dead" : "retry";
        break;
      case HandleResult::kFail:
        counters_.delivered_failed++;
        d.status = "dead";
        break;
    }
    verdict.retry = verdict.retry || d.status == "retry";
    verdict.dead = verdict.dead || d.status == "dead";
    if (d.status != "done") verdict.error = sub->name() + ": " + outcome.reason;
    deliveries.emplace_back(e.team_id, e.id, std::move(d));
  }
  return verdict;
}

}  // namespace sb
