// The scheduler through a real Service on a ManualClock: slots fire at
// their time and never at start, a missed slot is caught up once within
// catch_up, triggers during a run coalesce, jitter stays in its bounds.
#include <gtest/gtest.h>

#include <algorithm>

#include "service/service_log.h"
#include "unit/service/serve_fixture.h"

namespace crmsync::testing {
namespace {

class Scheduler : public ServeFixture {};

TEST_F(Scheduler, ADailySlotFiresOnceAtItsTimeAndNotAtStart) {
  write_project(R"(schedule: "0 5 * * *")");
  ASSERT_NO_FATAL_FAILURE(start());  // 04:00, the first start ever
  EXPECT_EQ(log.count("run_queued"), 0u) << log.text();
  EXPECT_TRUE(runs().empty());

  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 4, 59, 59)));
  EXPECT_EQ(log.count("slot_fired"), 0u);
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 5, 0)));
  ASSERT_TRUE(follower->wait_ended(1)) << log.text();
  std::vector<RunInfo> r = runs();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].trigger, "schedule");
  EXPECT_EQ(r[0].status, RunStatus::succeeded) << r[0].message;
  EXPECT_EQ(r[0].flows["customers"].created, kRows);
  auto fired = log.events("slot_fired");
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].find("slot")->to_text(), "2026-12-06T05:00:00.000Z");
  EXPECT_EQ(fired[0].find("ts")->to_text(), "2026-12-06T05:00:00.000Z");
  auto queued = log.events("run_queued");
  ASSERT_EQ(queued.size(), 1u);
  EXPECT_EQ(queued[0].find("run")->as_int(), r[0].id);
  EXPECT_EQ(queued[0].find("trigger")->to_text(), "schedule");
  EXPECT_EQ(to_json(*queued[0].find("flows")), R"(["customers"])");

  // Nothing more until the next day's slot, then exactly one more.
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 12, 0)));
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 7, 4, 59)));
  EXPECT_EQ(runs().size(), 1u);
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 7, 5, 0)));
  ASSERT_TRUE(follower->wait_ended(2));
  EXPECT_EQ(runs().size(), 2u);
  EXPECT_EQ(log.count("slot_fired"), 2u);
  EXPECT_TRUE(svc->readiness().ready) << svc->readiness().reason;
}

TEST_F(Scheduler, TheNextFireTimeIsShownPerFlow) {
  write_project(R"(schedule: "0 5 * * *")");
  ASSERT_NO_FATAL_FAILURE(start());
  auto flows = svc->flows();
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].schedule, "0 5 * * *");
  EXPECT_EQ(flows[0].next_fire_at, utc_micros(2026, 12, 6, 5, 0));
  EXPECT_FALSE(flows[0].running);
}

TEST_F(Scheduler, AMissedSlotRunsOnceOnStartWithinCatchUpNeverOncePerSlot) {
  write_project(R"(schedule: "0 5 * * *")");
  ASSERT_NO_FATAL_FAILURE(start());
  stop();
  // Down over three 05:00 slots; back 20 minutes after the last one.
  clock.set_micros(utc_micros(2026, 12, 9, 5, 20));
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(log.wait_for("catch_up")) << log.text();
  ASSERT_TRUE(follower->wait_ended(1));
  auto r = runs();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].trigger, "catch_up");
  EXPECT_EQ(r[0].status, RunStatus::succeeded) << r[0].message;
  EXPECT_EQ(log.events("catch_up")[0].find("slot")->to_text(), "2026-12-09T05:00:00.000Z");

  // The slot is stored: another restart the same day catches nothing up.
  stop();
  clock.set_micros(utc_micros(2026, 12, 9, 6, 0));
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 10, 4, 0)));
  EXPECT_EQ(runs().size(), 1u) << log.text();
}

TEST_F(Scheduler, CatchUpZeroNeverRunsAMissedSlot) {
  write_project(R"(schedule: "0 5 * * *", catch_up: 0)");
  ASSERT_NO_FATAL_FAILURE(start());
  stop();
  clock.set_micros(utc_micros(2026, 12, 6, 5, 20));
  ASSERT_NO_FATAL_FAILURE(start());
  EXPECT_EQ(log.count("catch_up"), 0u);
  EXPECT_EQ(log.count("slot_missed"), 1u) << log.text();
  EXPECT_TRUE(runs().empty());
  // The schedule itself goes on.
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 7, 5, 0)));
  ASSERT_TRUE(follower->wait_ended(1));
  EXPECT_EQ(runs_with_trigger("schedule").size(), 1u);
}

TEST_F(Scheduler, ASlotOlderThanCatchUpIsNotRun) {
  write_project(R"(schedule: "0 5 * * *", catch_up: 1h)");
  ASSERT_NO_FATAL_FAILURE(start());
  stop();
  clock.set_micros(utc_micros(2026, 12, 6, 6, 30));
  ASSERT_NO_FATAL_FAILURE(start());
  EXPECT_TRUE(runs().empty()) << log.text();
  auto missed = log.events("slot_missed");
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_EQ(missed[0].find("catch_up_secs")->as_int(), 3600);
  stop();
  // Within the hour it would have run.
  clock.set_micros(utc_micros(2026, 12, 7, 5, 59));
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(follower->wait_ended(1));
  EXPECT_EQ(runs_with_trigger("catch_up").size(), 1u);
}

TEST_F(Scheduler, TriggersDuringARunCoalesceIntoOneFollowUp) {
  write_project(R"(schedule: "every 1m")");
  ASSERT_NO_FATAL_FAILURE(start());
  follower->hold_next_run();
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 4, 1)));
  int64_t first = follower->wait_held();
  ASSERT_NE(first, 0) << log.text();
  // The flow runs: the next slot queues one follow-up, the ones after it
  // (and a request through the API) join that follow-up.
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 4, 2)));
  auto queued = log.events("run_queued");
  ASSERT_EQ(queued.size(), 2u) << log.text();
  int64_t follow_up = queued[1].find("run")->as_int();
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 4, 3)));
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 4, 4)));
  RunRequest again;
  again.flows = {"customers"};
  auto submitted = svc->submit(again);
  ASSERT_TRUE(submitted) << submitted.error.message;
  EXPECT_EQ(*submitted.value, follow_up);
  auto coalesced = log.events("coalesced");
  ASSERT_EQ(coalesced.size(), 3u) << log.text();
  for (const Value& c : coalesced) EXPECT_EQ(c.find("run")->as_int(), follow_up);
  EXPECT_TRUE(svc->flows()[0].running);

  follower->release();
  ASSERT_TRUE(follower->wait_ended(2));
  auto r = runs();
  ASSERT_EQ(r.size(), 2u);
  for (const RunInfo& run : r) EXPECT_EQ(run.status, RunStatus::succeeded) << run.message;
  EXPECT_EQ(follower->wait_final(follow_up)->status, RunStatus::succeeded);
}

TEST_F(Scheduler, JitterDelaysEachFireWithinItsBounds) {
  write_project(R"(schedule: "every 1h", jitter: 10m)");
  ASSERT_NO_FATAL_FAILURE(start());
  std::vector<int> fired_minute;
  for (int hour = 5; hour <= 12; ++hour) {
    ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, hour - 1, 59, 59)));
    size_t before = log.count("slot_fired");
    int minute = 0;
    for (; minute <= 11 && log.count("slot_fired") == before; ++minute) {
      ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, hour, minute)));
    }
    ASSERT_EQ(log.count("slot_fired"), before + 1) << "hour " << hour << "\n" << log.text();
    // Fired at the first step at or after slot + delay: delay <= 10 min.
    EXPECT_LE(minute - 1, 10) << hour;
    auto fired = log.events("slot_fired").back();
    EXPECT_EQ(fired.find("slot")->to_text(),
              service::log_timestamp(utc_micros(2026, 12, 6, hour, 0)));
    EXPECT_GE(fired.find("delay_ms")->as_int(), 0);
    EXPECT_LE(fired.find("delay_ms")->as_int(), 600000);
    fired_minute.push_back(minute - 1);
  }
  // Random, not always at the slot: 8 draws all in the first minute of
  // ten would be a one-in-10^8 chance.
  EXPECT_TRUE(std::any_of(fired_minute.begin(), fired_minute.end(), [](int m) { return m >= 2; }));
}

}  // namespace
}  // namespace crmsync::testing
