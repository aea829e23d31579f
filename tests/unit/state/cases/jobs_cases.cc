// Runs as jobs: queued, started, cancelled, resumed, paged and filtered.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "state/state_store.h"
#include "unit/state/cases/state_suite.h"

namespace crmsync {
namespace jobs_cases {

using testing::JobsSuite;

Status add_counts(StateStore& s, int64_t run, const std::string& flow, int64_t read) {
  BatchCommit c;
  c.flow = flow;
  c.run_id = run;
  c.counts.read = read;
  return s.commit(c);
}

std::vector<int64_t> ids_of(StateStore& s, const RunFilter& f) {
  std::vector<int64_t> out;
  auto runs = s.runs(f);
  EXPECT_TRUE(runs.ok());
  if (runs.ok()) {
    for (const RunInfo& r : *runs) out.push_back(r.id);
  }
  return out;
}

TEST_P(JobsSuite, AQueuedRunKeepsItsRequestAndStartsOnce) {
  auto s = open();
  RunRequest req;
  req.flows = {"b", "a \"quoted\""};
  req.params = {{"since", "2024-01-01"}, {"region", "eu"}};
  req.full = true;
  req.trigger = "api";
  int64_t id = *s->queue_run(req, 100);
  auto r = *s->run(id);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, RunStatus::queued);
  EXPECT_EQ(r->queued_at, 100);
  EXPECT_EQ(r->started_at, 0);
  EXPECT_EQ(r->trigger, "api");
  EXPECT_EQ(r->request.flows, req.flows);
  EXPECT_EQ(r->request.params, req.params);
  EXPECT_TRUE(r->request.full);
  EXPECT_EQ(r->owner, "");
  // The requested flows show (with nothing done yet) before it runs.
  ASSERT_EQ(r->flows.size(), 2u);
  EXPECT_EQ(r->flows.at("b").read, 0);
  EXPECT_EQ(r->flows.at("b").expected, -1);

  set_process_role("crmsync serve");
  EXPECT_TRUE(*s->start_run(id, 200));
  set_process_role("crmsync");
  EXPECT_FALSE(*s->start_run(id, 201));  // running now, not queued
  r = *s->run(id);
  EXPECT_EQ(r->status, RunStatus::running);
  EXPECT_EQ(r->started_at, 200);
  EXPECT_EQ(r->owner, ProcessOwner::self("crmsync serve").to_string());
  EXPECT_FALSE(s->run(id + 1)->has_value());
}

TEST_P(JobsSuite, CancelEndsAQueuedRunAtOnceAndAsksARunningOneToStop) {
  auto s = open();
  int64_t queued = *s->queue_run(RunRequest{}, 10);
  EXPECT_TRUE(*s->request_cancel(queued, 11));
  auto r = *s->run(queued);
  EXPECT_EQ(r->status, RunStatus::cancelled);
  EXPECT_EQ(r->ended_at, 11);
  EXPECT_FALSE(*s->start_run(queued, 12));  // a worker that picked it up finds it gone

  int64_t running = *s->queue_run(RunRequest{}, 20);
  ASSERT_TRUE(*s->start_run(running, 21));
  EXPECT_FALSE((*s->run(running))->cancel_requested);
  EXPECT_TRUE(*s->request_cancel(running, 22));
  r = *s->run(running);
  EXPECT_EQ(r->status, RunStatus::running);  // until its next batch boundary
  EXPECT_TRUE(r->cancel_requested);
  ASSERT_TRUE(s->end_run(running, RunStatus::cancelled, "", 23).ok());
  EXPECT_FALSE(*s->request_cancel(running, 24));  // ended
  EXPECT_FALSE(*s->request_cancel(999, 24));      // unknown
}

TEST_P(JobsSuite, ResumedRunsPointAtEachOther) {
  auto s = open();
  int64_t old = *s->begin_run("schedule", 1);
  RunRequest req;
  req.trigger = "resume";
  req.resumed_from = old;
  int64_t again = *s->queue_run(req, 2);
  ASSERT_TRUE(s->mark_resumed(old, again).ok());
  EXPECT_EQ((*s->run(old))->resumed_by, again);
  EXPECT_EQ((*s->run(again))->request.resumed_from, old);
  // A run begun without a request learns what it resumed too.
  int64_t other = *s->begin_run("cli", 3);
  ASSERT_TRUE(s->mark_resumed(again, other).ok());
  EXPECT_EQ((*s->run(other))->request.resumed_from, again);
}

TEST_P(JobsSuite, ExpectedCountsAreSetNotSummed) {
  auto s = open();
  int64_t run = *s->begin_run("cli", 1);
  ASSERT_TRUE(s->set_expected(run, "f", 120).ok());
  ASSERT_TRUE(add_counts(*s, run, "f", 50).ok());
  ASSERT_TRUE(add_counts(*s, run, "f", 50).ok());
  ASSERT_TRUE(s->set_expected(run, "f", 130).ok());
  auto r = *s->run(run);
  EXPECT_EQ(r->flows.at("f").expected, 130);
  EXPECT_EQ(r->flows.at("f").read, 100);
  ASSERT_TRUE(add_counts(*s, run, "g", 5).ok());
  EXPECT_EQ((*s->run(run))->flows.at("g").expected, -1);  // not counted
}

TEST_P(JobsSuite, RunsPageNewestFirstAndFilterByFlowAndStatus) {
  auto s = open();
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    int64_t id = *s->begin_run("cli", i);
    ids.push_back(id);
    ASSERT_TRUE(add_counts(*s, id, i % 2 ? "odd" : "even", 1).ok());
    ASSERT_TRUE(s->end_run(id, i % 3 ? RunStatus::succeeded : RunStatus::failed, "", i).ok());
  }
  RunRequest req;
  req.flows = {"odd"};
  int64_t queued = *s->queue_run(req, 9);

  RunFilter page;
  page.limit = 3;
  auto p1 = *s->runs(page);
  ASSERT_EQ(p1.size(), 3u);
  EXPECT_EQ(p1[0].id, queued);
  EXPECT_EQ(p1[2].id, ids[5]);
  page.before_id = p1.back().id;
  auto p2 = *s->runs(page);
  ASSERT_EQ(p2.size(), 3u);
  EXPECT_EQ(p2[0].id, ids[4]);

  RunFilter odd;
  odd.flow = "odd";
  EXPECT_EQ(ids_of(*s, odd), (std::vector<int64_t>{queued, ids[5], ids[3], ids[1]}));

  RunFilter failed;
  failed.status = RunStatus::failed;
  EXPECT_EQ(ids_of(*s, failed), (std::vector<int64_t>{ids[6], ids[3], ids[0]}));

  RunFilter odd_failed = odd;
  odd_failed.status = RunStatus::failed;
  odd_failed.before_id = queued;
  EXPECT_EQ(ids_of(*s, odd_failed), (std::vector<int64_t>{ids[3]}));

  EXPECT_EQ(s->runs(size_t{2})->size(), 2u);  // the old form: the newest `limit`
}

TEST_P(JobsSuite, FlowLastRunsNameTheLastStartedRunAndTheLastSuccess) {
  auto s = open();
  int64_t ok = *s->begin_run("cli", 1);
  ASSERT_TRUE(add_counts(*s, ok, "f", 1).ok());
  ASSERT_TRUE(s->end_run(ok, RunStatus::succeeded, "", 5).ok());
  int64_t bad = *s->begin_run("cli", 6);
  ASSERT_TRUE(add_counts(*s, bad, "f", 1).ok());
  ASSERT_TRUE(add_counts(*s, bad, "g", 1).ok());
  ASSERT_TRUE(s->end_run(bad, RunStatus::failed, "boom", 8).ok());
  RunRequest req;
  req.flows = {"f", "h"};
  ASSERT_TRUE(s->queue_run(req, 9).ok());  // not run yet: not a last run

  auto last = *s->flow_last_runs();
  ASSERT_EQ(last.size(), 2u);
  EXPECT_EQ(last.at("f").run_id, bad);
  EXPECT_EQ(last.at("f").status, RunStatus::failed);
  EXPECT_EQ(last.at("f").ended_at, 8);
  EXPECT_EQ(last.at("f").last_success_at, 5);
  EXPECT_EQ(last.at("g").last_success_at, 0);
}

TEST_P(JobsSuite, ScheduleSlotsAndErrorPages) {
  auto s = open();
  EXPECT_EQ(*s->schedule_slot("f"), 0);
  ASSERT_TRUE(s->set_schedule_slot("f", 300).ok());
  ASSERT_TRUE(s->set_schedule_slot("f", 600).ok());
  EXPECT_EQ(*s->schedule_slot("f"), 600);
  EXPECT_EQ(*s->schedule_slot("g"), 0);

  int64_t run = *s->begin_run("cli", 1);
  BatchCommit c;
  c.flow = "f";
  c.run_id = run;
  for (int i = 0; i < 5; ++i) {
    RecordError e;
    e.run_id = run;
    e.flow = "f";
    e.source_id = "r" + std::to_string(i);
    e.message = "no";
    c.errors.push_back(e);
  }
  ASSERT_TRUE(s->commit(c).ok());
  auto p1 = *s->errors_page(run, 0, 2);
  ASSERT_EQ(p1.size(), 2u);
  EXPECT_EQ(p1[0].source_id, "r0");
  auto p2 = *s->errors_page(run, p1.back().id, 10);
  ASSERT_EQ(p2.size(), 3u);
  EXPECT_EQ(p2[0].source_id, "r2");
  EXPECT_TRUE(s->errors_page(run + 1, 0, 10)->empty());
  EXPECT_EQ(s->errors_page(0, p1[0].id, 10)->size(), 4u);  // every open error
}

// serve's threads share one store through it.
TEST_P(JobsSuite, TheLockedStoreSerializesThreads) {
  auto s = make_locked_state_store(open());
  int64_t run = *s->begin_run("cli", 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        EXPECT_TRUE(add_counts(*s, run, "f" + std::to_string(t), 1).ok());
        EXPECT_TRUE(s->run(run).ok());
        RunFilter f;
        f.flow = "f0";
        EXPECT_TRUE(s->runs(f).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto r = *s->run(run);
  for (int t = 0; t < 4; ++t) EXPECT_EQ(r->flows.at("f" + std::to_string(t)).read, 50);
}

}  // namespace jobs_cases
}  // namespace crmsync
