// The event bus on both backends: per-subject order, retries, dead letters and replay,
// lease expiry after a crash, exactly-once effects, timers.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "events/dispatcher.h"
#include "events/scheduler.h"
#include "store/team_store.h"
#include "store_fixture.h"

namespace sb::test {
namespace {

// A subscriber whose behaviour each test scripts.
class Recorder : public Subscriber {
 public:
  explicit Recorder(std::string pattern = "*") : pattern_(std::move(pattern)) {}
  std::string name() const override { return "recorder"; }
  std::string pattern() const override { return pattern_; }
  Outcome handle(const StoredEvent& e, DeliveryContext& ctx) override {
    std::string subject =
        e.subject_type + ":" + (e.subject_id ? std::to_string(*e.subject_id) : "-");
    if (in_flight_[subject]++ > 0) overlap_ = true;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    Outcome out = script ? script(e, ctx) : Outcome::ok();
    {
      std::lock_guard lock(mutex_);
      order[subject].push_back(e.id);
      ++calls;
    }
    in_flight_[subject]--;
    return out;
  }
  std::function<Outcome(const StoredEvent&, DeliveryContext&)> script;
  std::map<std::string, std::vector<std::int64_t>> order;
  int calls = 0;
  bool overlap() const { return overlap_; }

 private:
  std::string pattern_;
  std::mutex mutex_;
  // Per-subject concurrency probe.
  struct InFlight {
    std::mutex m;
    std::map<std::string, int> n;
    struct Ref {
      InFlight& f;
      std::string k;
      int operator++(int) {
        std::lock_guard l(f.m);
        return f.n[k]++;
      }
      int operator--(int) {
        std::lock_guard l(f.m);
        return f.n[k]--;
      }
    };
    Ref operator[](const std::string& k) { return Ref{*this, k}; }
  } in_flight_;
  std::atomic<bool> overlap_{false};
};

class DispatcherTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    migrated();
    team_ = provision_team(*db_, "T", std::nullopt, false)->team.id;
    // Provisioning wrote team/api-key events: settle them with a dispatcher that has no
    // subscribers so each test starts from an empty queue.
    Dispatcher settle(*db_, DispatcherOptions{});
    while (settle.run_once() > 0) {
    }
  }
  std::int64_t append(const std::string& type, std::optional<std::int64_t> subject) {
    EventStore events(db_->dialect());
    return db_->write([&](soci::session& s) {
      return events.append(s, {.team_id = team_,
                               .type = type,
                               .subject_type = subject ? "contact" : "",
                               .subject_id = subject,
                               .payload_json = "{}"});
    });
  }
  std::string status_of(std::int64_t id) {
    EventQueueStore q(db_->dialect());
    return db_->read([&](soci::session& s) { return q.get(s, team_, id)->status; });
  }
  DispatcherOptions fast() {
    DispatcherOptions o;
    o.backoff_base = std::chrono::milliseconds(1);
    o.backoff_max = std::chrono::milliseconds(5);
    o.poll = std::chrono::milliseconds(20);
    return o;
  }
  // Runs rounds until nothing is pending (bounded).
  void drain(Dispatcher& d) {
    EventQueueStore q(db_->dialect());
    for (int i = 0; i < 2000; ++i) {
      d.run_once();
      auto st = db_->read([&](soci::session& s) { return q.stats(s, now_ms() + 60000); });
      if (st.pending == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    FAIL() << "queue did not drain";
  }
  std::int64_t team_ = 0;
};

TEST_P(DispatcherTest, EventsOfOneSubjectAreHandledInOrderAndNeverTogether) {
  std::vector<std::int64_t> a, b;
  for (int i = 0; i < 20; ++i) {
    a.push_back(append("contact.updated", 1));
    b.push_back(append("contact.updated", 2));
  }
  append("team.updated", std::nullopt);
  auto rec = std::make_shared<Recorder>();
  DispatcherOptions o = fast();
  o.workers = 4;
  o.batch = 3;
  Dispatcher d(*db_, o);
  d.add(rec);
  db_->set_commit_listener([&] { d.wake(); });
  d.start();
  EventQueueStore q(db_->dialect());
  // A bound for failure on a loaded machine, not a speed assertion.
  for (int i = 0; i < 3000 && rec->calls < 41; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  d.stop();
  db_->set_commit_listener(nullptr);
  EXPECT_EQ(rec->order["contact:1"], a);
  EXPECT_EQ(rec->order["contact:2"], b);
  EXPECT_FALSE(rec->overlap()) << "two events of one contact ran at the same time";
  EXPECT_EQ(rec->calls, 41);
}

TEST_P(DispatcherTest, RetriesThenSucceedsAndRecordsTheDelivery) {
  std::int64_t id = append("contact.created", 7);
  auto rec = std::make_shared<Recorder>("contact.*");
  rec->script = [](const StoredEvent& e, DeliveryContext&) {
    return e.attempts < 3 ? Outcome::retry("smtp busy") : Outcome::ok();
  };
  Dispatcher d(*db_, fast());
  d.add(rec);
  drain(d);
  EXPECT_EQ(rec->calls, 3);
  EXPECT_EQ(status_of(id), "done");
  EventQueueStore q(db_->dialect());
  auto deliveries = db_->read([&](soci::session& s) { return q.deliveries(s, team_, id); });
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].status, "done");
  EXPECT_EQ(deliveries[0].attempts, 3);
}

TEST_P(DispatcherTest, ExhaustedRetriesBecomeDeadLettersAndReplay) {
  std::int64_t id = append("contact.created", 8);
  std::int64_t failed = append("contact.deleted", 9);
  auto rec = std::make_shared<Recorder>();
  bool healthy = false;
  rec->script = [&](const StoredEvent& e, DeliveryContext&) {
    if (e.type == "contact.deleted") return Outcome::fail("cannot handle");
    return healthy ? Outcome::ok() : Outcome::retry("down");
  };
  DispatcherOptions o = fast();
  o.max_attempts = 3;
  Dispatcher d(*db_, o);
  d.add(rec);
  drain(d);
  EXPECT_EQ(status_of(id), "dead");
  EXPECT_EQ(status_of(failed), "dead");
  EXPECT_EQ(rec->calls, 4) << "3 attempts, then 1 for the failure";
  EventQueueStore q(db_->dialect());
  auto dead = db_->read(
      [&](soci::session& s) { return q.list(s, team_, EventFilter{.status = "dead"}, 0, 10); });
  EXPECT_EQ(dead.size(), 2u);
  EXPECT_NE(dead.back().last_error.find("down"), std::string::npos);
  healthy = true;
  EXPECT_TRUE(db_->write([&](soci::session& s) { return q.replay(s, team_, id); }));
  EXPECT_FALSE(db_->write([&](soci::session& s) { return q.replay(s, team_, id); }))
      << "only dead events replay";
  drain(d);
  EXPECT_EQ(status_of(id), "done");
}

TEST_P(DispatcherTest, ACrashedWorkersLeaseExpiresAndTheEventIsClaimedAgain) {
  std::int64_t id = append("contact.created", 10);
  EventQueueStore q(db_->dialect());
  auto taken =
      db_->write([&](soci::session& s) { return q.claim(s, "crashed-worker", now_ms(), 150, 10); });
  ASSERT_EQ(taken.size(), 1u);  // ...and the worker dies here without finishing
  auto rec = std::make_shared<Recorder>();
  Dispatcher d(*db_, fast());
  d.add(rec);
  EXPECT_EQ(d.run_once(), 0) << "leased events are not claimed twice";
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(d.run_once(), 1);
  EXPECT_EQ(status_of(id), "done");
  EXPECT_EQ(rec->calls, 1);
}

TEST_P(DispatcherTest, OnceRunsAnEffectOncePerKeyUnderDuplicateDelivery) {
  std::int64_t id = append("contact.created", 11);
  EventQueueStore q(db_->dialect());
  StoredEvent e = *db_->read([&](soci::session& s) { return q.get(s, team_, id); });
  std::atomic<int> effects{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      DeliveryContext ctx(*db_, e, "mailer");
      bool ran = ctx.once(std::to_string(id) + "/welcome", [&](soci::session& s) {
        effects++;
        s << "UPDATE teams SET name = name WHERE id = 1";  // the effect's own record
      });
      if (!ran) refused++;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(effects.load(), 1);
  EXPECT_EQ(refused.load(), 3);
  DeliveryContext other(*db_, e, "sms");
  EXPECT_TRUE(other.once(std::to_string(id) + "/welcome", [](soci::session&) {}))
      << "keys are per subscriber";
  EXPECT_EQ(count("SELECT COUNT(*) FROM effect_keys"), 2);
}

TEST_P(DispatcherTest, TimersFireWhenDueAndDedupeAndCancel) {
  EventQueueStore q(db_->dialect());
  auto schedule = [&](const std::string& key, EpochMs due) {
    return db_->write([&](soci::session& s) {
      return q.schedule(
          s, {.team_id = team_, .type = "timer.nudge", .payload_json = "{}", .available_at = due},
          key);
    });
  };
  auto past = schedule("nudge-1", now_ms() - 1000);
  auto future = schedule("nudge-2", now_ms() + 3600 * 1000);
  ASSERT_TRUE(past && future);
  EXPECT_FALSE(schedule("nudge-1", now_ms()).has_value()) << "same dedupe key: no second timer";
  auto rec = std::make_shared<Recorder>("timer.*");
  Dispatcher d(*db_, fast());
  d.add(rec);
  EXPECT_EQ(d.run_once(), 1);
  EXPECT_EQ(d.run_once(), 0) << "the future timer waits";
  EXPECT_EQ(status_of(*past), "done");
  EXPECT_EQ(status_of(*future), "pending");
  EXPECT_TRUE(db_->write([&](soci::session& s) { return q.cancel(s, team_, "nudge-2"); }));
  EXPECT_FALSE(db_->write([&](soci::session& s) { return q.cancel(s, team_, "nudge-2"); }));
}

TEST_P(DispatcherTest, EventsNobodyWantsAreDone) {
  std::int64_t id = append("form.submitted", std::nullopt);
  auto rec = std::make_shared<Recorder>("contact.*");
  Dispatcher d(*db_, fast());
  d.add(rec);
  EXPECT_EQ(d.run_once(), 1);
  EXPECT_EQ(status_of(id), "done");
  EXPECT_EQ(rec->calls, 0);
}

// More events than one statement takes (a segment refresh over an imported list): every
// one is written, ids follow the order given, across the statements it is split into.
TEST_P(DispatcherTest, ALargeBatchIsWrittenWholeAndInOrder) {
  std::vector<NewEvent> batch;
  for (int i = 0; i < 2500; ++i) {
    batch.push_back({.team_id = team_,
                     .type = "segment.entered",
                     .subject_type = "contact",
                     .subject_id = 100000 + i,
                     .payload_json = "{\"n\":" + std::to_string(i) + "}"});
  }
  db_->write([&](soci::session& s) { EventStore(db_->dialect()).append_many(s, batch); });
  std::vector<long long> subjects(2500);
  db_->read([&](soci::session& s) {
    s << "SELECT subject_id FROM events WHERE team_id = :t AND type = 'segment.entered' "
         "ORDER BY id",
        soci::use(static_cast<long long>(team_)), soci::into(subjects);
  });
  ASSERT_EQ(subjects.size(), 2500u);
  for (int i = 0; i < 2500; ++i) ASSERT_EQ(subjects[i], 100000 + i) << i;
}

SB_INSTANTIATE_BACKENDS(DispatcherTest);

// Two processes on one PostgreSQL: the consumer polls only every ten minutes, so handling
// the producer's event promptly proves the LISTEN/NOTIFY wake-up.
class PgWakeTest : public DispatcherTest {};

TEST_P(PgWakeTest, AnotherProcessIsWokenByNotify) {
  Database other(options_);  // the consumer's own pool, as in another process
  auto rec = std::make_shared<Recorder>("probe.*");
  DispatcherOptions slow = fast();
  slow.poll = std::chrono::minutes(10);
  slow.workers = 1;
  Dispatcher consumer(other, slow);
  consumer.add(rec);
  consumer.start();
  DispatcherOptions announce_only;
  announce_only.workers = 0;
  Dispatcher producer(*db_, announce_only);
  db_->set_commit_listener([&] { producer.on_events_committed(); });
  producer.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let both channels LISTEN
  append("probe.ping", 42);
  for (int i = 0; i < 300 && rec->calls == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  db_->set_commit_listener(nullptr);
  EXPECT_EQ(rec->calls, 1) << "the consumer was not woken by the producer's NOTIFY";
}

INSTANTIATE_TEST_SUITE_P(pg, PgWakeTest, ::testing::Values(TestBackend::kPg));

TEST(EventPatterns, MatchExactPrefixAndAll) {
  EXPECT_TRUE(event_type_matches("contact.*", "contact.created"));
  EXPECT_FALSE(event_type_matches("contact.*", "contacts.created"));
  EXPECT_FALSE(event_type_matches("contact.*", "contact"));
  EXPECT_TRUE(event_type_matches("*", "x"));
  EXPECT_TRUE(event_type_matches("message.received", "message.received"));
  EXPECT_FALSE(event_type_matches("message.received", "message.received.x"));
}

}  // namespace
}  // namespace sb::test

namespace sb::test {
namespace {

class SchedulerTest : public DispatcherTest {};

TEST_P(SchedulerTest, ACronTickFiresOnceAcrossProcesses) {
  Database other(options_);  // a second process on the same database
  auto job = [&] {
    return CronJob{.team_id = team_, .name = "daily", .schedule = CronSchedule::parse("0 9 * * *")};
  };
  SchedulerOptions o;
  Scheduler a(*db_, o), b(other, o);
  a.add(job());
  b.add(job());
  EpochMs now = *parse_iso8601("2026-11-21T08:00:00Z");
  std::atomic<int> created{0};
  std::thread ta([&] { created += a.schedule_ticks(now); });
  std::thread tb([&] { created += b.schedule_ticks(now); });
  ta.join();
  tb.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(a.schedule_ticks(now) + b.schedule_ticks(now + 1000), 0) << "same tick, nothing new";
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE type = 'cron.daily'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE type = 'cron.daily' AND available_at = " +
                  std::to_string(*parse_iso8601("2026-11-21T09:00:00Z"))),
            1);
  EXPECT_EQ(b.schedule_ticks(*parse_iso8601("2026-11-21T09:00:00Z")), 1) << "the next day's tick";
}

TEST_P(SchedulerTest, PruneRemovesOnlyOldHandledEvents) {
  std::int64_t old_done = append("contact.created", 1);
  std::int64_t old_dead = append("contact.created", 2);
  std::int64_t fresh = append("contact.created", 3);
  db_->write([&](soci::session& s) {
    s << "UPDATE events SET created_at = 1000, status = 'done' WHERE id = " +
             std::to_string(old_done);
    s << "UPDATE events SET created_at = 1000, status = 'dead' WHERE id = " +
             std::to_string(old_dead);
    s << "INSERT INTO event_deliveries (team_id, event_id, subscriber, status, attempts, "
         "duration_us, updated_at) "
         "VALUES (" +
             std::to_string(team_) + ", " + std::to_string(old_done) + ", 'x', 'done', 1, 1, 1)";
  });
  Scheduler sched(*db_, SchedulerOptions{});
  EXPECT_EQ(sched.prune(now_ms() - 3600 * 1000, 1000), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE id = " + std::to_string(old_done)), 0);
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM event_deliveries WHERE event_id = " + std::to_string(old_done)),
      0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM events WHERE id IN (" + std::to_string(old_dead) + ", " +
                  std::to_string(fresh) + ")"),
            2)
      << "dead letters and recent events stay";
}

SB_INSTANTIATE_BACKENDS(SchedulerTest);

}  // namespace
}  // namespace sb::test
