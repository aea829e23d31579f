// The webhook inbox (migration 7): dedup per (flow, event key), fan-out
// rows, replay ids, draining states, pruning, rejection counts.
#include <gtest/gtest.h>

#include "state/state_store.h"
#include "unit/state/cases/state_suite.h"

namespace crmsync {
namespace inbox_cases {

using testing::InboxSuite;

constexpr int64_t kHour = 3600LL * 1'000'000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kT0 = 1'796'000'000'000'000;  // 2026-12-01

InboxEvent event(const std::string& flow, const std::string& key, const std::string& id) {
  InboxEvent e;
  e.flow = flow;
  e.event_key = key;
  e.object = "person";
  e.record_id = id;
  e.action = "update";
  e.changed_at = kT0 - 1'000'000;
  return e;
}

InboxDelivery delivery(std::vector<InboxEvent> events, std::string replay_id = "") {
  InboxDelivery d;
  d.connection = "crm";
  d.replay_id = std::move(replay_id);
  d.events = std::move(events);
  return d;
}

InboxOutcome enqueue_one(StateStore& s, InboxDelivery d, int64_t now = kT0) {
  auto out = s.enqueue(std::span<const InboxDelivery>(&d, 1), now);
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().message);
  return out.ok() ? out->front() : InboxOutcome{};
}

TEST_P(InboxSuite, SameEventKeyOfAFlowIsDroppedOtherFlowsAndKeysAreKept) {
  auto s = open();
  // Fan-out: one delivery, an event for each of two flows.
  InboxOutcome first =
      enqueue_one(*s, delivery({event("a", "id:e1", "7"), event("b", "id:e1", "7")}));
  EXPECT_EQ(first.queued, 2u);
  EXPECT_EQ(first.duplicates, 0u);
  // The sender's repeat: dropped for both flows.
  InboxOutcome again =
      enqueue_one(*s, delivery({event("a", "id:e1", "7"), event("b", "id:e1", "7")}));
  EXPECT_EQ(again.queued, 0u);
  EXPECT_EQ(again.duplicates, 2u);
  // Another change of the same record is another event.
  EXPECT_EQ(enqueue_one(*s, delivery({event("a", "id:e2", "7")})).queued, 1u);

  auto pending = s->pending_events("a", 10);
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);
  EXPECT_EQ((*pending)[0].event_key, "id:e1");
  EXPECT_EQ((*pending)[0].record_id, "7");
  EXPECT_EQ((*pending)[0].connection, "crm");
  EXPECT_EQ((*pending)[0].received_at, kT0);
  EXPECT_EQ((*pending)[1].event_key, "id:e2");
  EXPECT_EQ(s->pending_events("b", 10)->size(), 1u);
}

TEST_P(InboxSuite, AReplayIdIsRefusedTheSecondTimeAndStoresNothing) {
  auto s = open();
  EXPECT_FALSE(enqueue_one(*s, delivery({event("a", "id:m1", "1")}, "m1")).replayed);
  // Same message id, even with other events in it: refused, nothing stored.
  InboxOutcome replay = enqueue_one(*s, delivery({event("a", "id:other", "2")}, "m1"));
  EXPECT_TRUE(replay.replayed);
  EXPECT_EQ(replay.queued, 0u);
  EXPECT_EQ(s->pending_events("a", 10)->size(), 1u);
  // A delivery no flow reads still remembers its id.
  EXPECT_FALSE(enqueue_one(*s, delivery({}, "m2")).replayed);
  EXPECT_TRUE(enqueue_one(*s, delivery({}, "m2")).replayed);
}

TEST_P(InboxSuite, SeveralDeliveriesInOneCommitEachGetTheirOutcome) {
  auto s = open();
  std::vector<InboxDelivery> batch = {delivery({event("a", "id:1", "1")}, "m1"),
                                      delivery({event("a", "id:1", "1")}),
                                      delivery({event("a", "id:2", "2")}, "m1")};
  auto out = s->enqueue(batch, kT0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].queued, 1u);
  EXPECT_EQ((*out)[1].duplicates, 1u);
  EXPECT_TRUE((*out)[2].replayed);
}

TEST_P(InboxSuite, DrainedEventsLeavePendingAndArePrunedAfterTheirRetention) {
  auto s = open();
  enqueue_one(
      *s,
      delivery({event("a", "id:1", "1"), event("a", "id:2", "2"), event("a", "id:3", "3")}, "m1"));
  auto pending = s->pending_events("a", 10);
  ASSERT_EQ(pending->size(), 3u);
  std::vector<int64_t> done = {(*pending)[0].id};
  std::vector<int64_t> skipped = {(*pending)[1].id};
  ASSERT_TRUE(s->finish_events(done, InboxState::done, 42, kT0 + kHour));
  ASSERT_TRUE(s->finish_events(skipped, InboxState::skipped, 42, kT0 + 2 * kHour));
  EXPECT_EQ(s->pending_events("a", 10)->size(), 1u);

  auto summary = s->inbox_summary();
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->flows.size(), 1u);
  EXPECT_EQ(summary->flows[0].pending, 1);
  EXPECT_EQ(summary->flows[0].done, 1);
  EXPECT_EQ(summary->flows[0].skipped, 1);
  EXPECT_EQ(summary->flows[0].oldest_pending_at, kT0);

  // 7 days after the first drain, before the second: only the first goes.
  int64_t now = kT0 + kHour + 7 * kDay + 1;
  auto pruned = s->prune_inbox(now - 7 * kDay, now - kDay);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);
  summary = s->inbox_summary();
  EXPECT_EQ(summary->flows[0].done, 0);
  EXPECT_EQ(summary->flows[0].skipped, 1);
  EXPECT_EQ(summary->flows[0].pending, 1);  // pending events are never pruned
  // The replay id went with its day: the same message id is new again.
  EXPECT_FALSE(enqueue_one(*s, delivery({}, "m1"), now).replayed);
}

TEST_P(InboxSuite, ReplayIdsAreKeptForTheirWindow) {
  auto s = open();
  enqueue_one(*s, delivery({}, "m1"), kT0);
  int64_t now = kT0 + kHour;
  ASSERT_TRUE(s->prune_inbox(now - 7 * kDay, now - kDay).ok());
  EXPECT_TRUE(enqueue_one(*s, delivery({}, "m1"), now).replayed);
}

TEST_P(InboxSuite, RejectionsAreCountedByConnectionAndReason) {
  auto s = open();
  ASSERT_TRUE(s->count_rejection("crm", "wrong_password", kT0));
  ASSERT_TRUE(s->count_rejection("crm", "wrong_password", kT0 + 5));
  ASSERT_TRUE(s->count_rejection("crm", "malformed", kT0 + 7));
  auto summary = s->inbox_summary();
  ASSERT_TRUE(summary.ok());
  ASSERT_EQ(summary->rejected.size(), 2u);
  EXPECT_EQ(summary->rejected[0].reason, "malformed");
  EXPECT_EQ(summary->rejected[0].count, 1);
  EXPECT_EQ(summary->rejected[1].reason, "wrong_password");
  EXPECT_EQ(summary->rejected[1].count, 2);
  EXPECT_EQ(summary->rejected[1].last_at, kT0 + 5);
}

TEST_P(InboxSuite, UnannouncedCountsWritesOfARunWithNoEventSinceThePreviousRun) {
  auto s = open();
  // A webhook batch drains the event of "1"; then a scheduled run writes 1-3.
  auto drain = s->begin_run("webhook", kT0);
  ASSERT_TRUE(drain.ok());
  enqueue_one(*s, delivery({event("a", "id:old", "1")}), kT0);
  auto drained = s->pending_events("a", 10);
  ASSERT_TRUE(drained.ok());
  ASSERT_EQ(drained->size(), 1u);
  std::vector<int64_t> ids{drained->front().id};
  ASSERT_TRUE(s->finish_events(ids, InboxState::done, *drain, kT0));
  auto run = s->begin_run("schedule", kT0);  // the same instant: times cannot order these
  ASSERT_TRUE(run.ok());
  BatchCommit c;
  c.flow = "a";
  c.run_id = *run;
  for (const char* id : {"1", "2", "3"}) c.upserts.push_back(IdMapEntry{id, "t", 1, 1, kT0, *run});
  c.upserts.push_back(IdMapEntry{"4", "t", 1, 1, kT0, *drain});  // another run's write
  ASSERT_TRUE(s->commit(c));
  enqueue_one(*s, delivery({event("a", "id:new", "2")}), kT0);  // still waiting
  auto missed = s->count_unannounced("a", *run, *drain);
  ASSERT_TRUE(missed.ok());
  EXPECT_EQ(*missed, 2);  // 1 (its event was drained before) and 3
  auto from_start = s->count_unannounced("a", *run, 0);
  ASSERT_TRUE(from_start.ok());
  EXPECT_EQ(*from_start, 1);  // with no run before, the drained event of 1 counts: only 3
}

}  // namespace inbox_cases
}  // namespace crmsync
