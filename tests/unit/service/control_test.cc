// What the API asks of the service: submit validates before it queues,
// cancel of a queued and of a running run, progress, readiness, the log.
#include <gtest/gtest.h>

#include "core/redact.h"
#include "service/service_log.h"
#include "unit/service/serve_fixture.h"

namespace crmsync::testing {
namespace {

using service::RunProgress;

class Control : public ServeFixture {};

TEST_F(Control, ABadRequestIsRefusedAndNothingIsQueued) {
  write_project(R"(manual: true)");
  ASSERT_NO_FATAL_FAILURE(start());
  RunRequest unknown_flow;
  unknown_flow.flows = {"customers", "invoices"};
  auto a = svc->submit(unknown_flow);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error.status, 400);
  EXPECT_EQ(a.error.code, "unknown_flow");
  EXPECT_EQ(a.error.field, "flows[1]");
  RunRequest unknown_param;
  unknown_param.params = {{"company", "ACME"}};
  auto b = svc->submit(unknown_param);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error.code, "unknown_param");
  EXPECT_EQ(b.error.field, "params.company");
  EXPECT_TRUE(runs().empty());
  EXPECT_EQ(log.count("run_queued"), 0u);
}

TEST_F(Control, ParamsThatChangeTheStateStoreAreRefused) {
  std::string csv = "customer_no,name\nC1,One\n";
  dir.write("data/customers.csv", csv);
  std::string yaml = config("manual: true");
  yaml =
      "params:\n  company: {values: [A, B], default: A}\n  note: {default: x}\n"
      "state:\n  path: state-${param.company}.db\n" +
      yaml;
  dir.write("crmsync.yaml", yaml);
  ASSERT_NO_FATAL_FAILURE(start());
  RunRequest other_store;
  other_store.params = {{"company", "B"}};
  auto a = svc->submit(other_store);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error.status, 400);
  EXPECT_EQ(a.error.field, "params.company");
  EXPECT_NE(a.error.message.find("state-B.db"), std::string::npos) << a.error.message;
  RunRequest bad_value;
  bad_value.params = {{"company", "Z"}};
  EXPECT_EQ(svc->submit(bad_value).error.field, "params.company");
  // A param that keeps the store runs with its own value.
  RunRequest same_store;
  same_store.params = {{"note", "y"}};
  auto c = svc->submit(same_store);
  ASSERT_TRUE(c) << c.error.message;
  EXPECT_EQ(follower->wait_final(*c.value)->status, RunStatus::succeeded);
  auto info = svc->store().run(*c.value);
  EXPECT_EQ((*info)->request.params.at("note"), "y");
  EXPECT_EQ((*info)->request.params.count("company"), 0u);  // the config's default
}

TEST_F(Control, CancelAQueuedRunAndARunningOne) {
  write_project(R"(manual: true)");
  ASSERT_NO_FATAL_FAILURE(start());
  follower->hold_next_run();
  auto first = svc->submit(RunRequest{});
  ASSERT_TRUE(first);
  ASSERT_EQ(follower->wait_held(), *first.value);
  RunRequest full;
  full.full = true;  // not covered by the running one: a queued run of its own
  auto second = svc->submit(full);
  ASSERT_TRUE(second);
  ASSERT_NE(*second.value, *first.value);

  auto c2 = svc->cancel(*second.value);
  ASSERT_TRUE(c2) << c2.error.message;
  EXPECT_EQ(c2.value->status, RunStatus::cancelled);
  auto c1 = svc->cancel(*first.value);
  ASSERT_TRUE(c1) << c1.error.message;
  EXPECT_TRUE(c1.value->cancel_requested);
  follower->release();
  auto p = follower->wait_final(*first.value);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->status, RunStatus::cancelled);
  EXPECT_LT(p->flows["customers"].read, kRows);

  EXPECT_EQ(svc->cancel(*first.value).error.status, 409);
  EXPECT_EQ(svc->cancel(999999).error.status, 404);
  // The cancelled queued run never ran.
  auto info = svc->store().run(*second.value);
  EXPECT_EQ((*info)->started_at, 0);
  // The next run goes on from where the cancelled one stopped.
  auto next = svc->submit(RunRequest{});
  ASSERT_TRUE(next);
  EXPECT_EQ(follower->wait_final(*next.value)->status, RunStatus::succeeded);
}

TEST_F(Control, ProgressGrowsAndEndsWithTheFinalCounts) {
  write_project(R"(manual: true)");
  ASSERT_NO_FATAL_FAILURE(start());
  std::mutex mu;
  std::condition_variable cv;
  std::vector<RunProgress> seen;
  int64_t h = svc->watch_progress([&](const RunProgress& p) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(p);
    cv.notify_all();
  });
  auto id = svc->submit(RunRequest{});
  ASSERT_TRUE(id);
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, kServiceSafety, [&] { return is_final(seen.back().status); }));
  lock.unlock();
  svc->unwatch_progress(h);
  lock.lock();
  ASSERT_GE(seen.size(), 4u);  // queued, running, batches, the end
  EXPECT_EQ(seen.front().status, RunStatus::queued);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_GT(seen[i].version, seen[i - 1].version);
  EXPECT_EQ(seen.back().status, RunStatus::succeeded);
  EXPECT_EQ(seen.back().flows.at("customers").created, kRows);
  auto later = svc->progress(*id.value);
  ASSERT_TRUE(later);
  EXPECT_EQ(later->status, RunStatus::succeeded);
  EXPECT_FALSE(svc->progress(424242).has_value());
}

TEST_F(Control, EveryLogLineIsJsonWithTimeLevelAndEvent) {
  write_project(R"(manual: true)");
  ASSERT_NO_FATAL_FAILURE(start());
  auto id = svc->submit(RunRequest{});
  ASSERT_TRUE(id);
  ASSERT_TRUE(follower->wait_final(*id.value));
  ASSERT_TRUE(log.wait_for("run_ended"));
  for (const char* e : {"start", "started", "run_queued", "run_started", "run_ended"}) {
    EXPECT_EQ(log.count(e), 1u) << e << "\n" << log.text();
  }
  auto ended = log.events("run_ended")[0];
  EXPECT_EQ(ended.find("ts")->to_text(), "2026-12-06T04:00:00.000Z");
  EXPECT_EQ(ended.find("level")->to_text(), "info");
  EXPECT_EQ(ended.find("status")->to_text(), "succeeded");
  EXPECT_EQ(ended.find("flows")->find("customers")->find("created")->as_int(), kRows);
}

TEST(ServiceLog, ScrubsSecretsAndWritesMilliseconds) {
  register_secret("s3cr3t-password-value");
  ManualClock clock(utc_micros(2026, 12, 6, 5, 0) + 1234);
  std::vector<std::string> lines;
  service::ServiceLog log(clock, [&](std::string_view l) { lines.emplace_back(l); });
  log.warn("connection_failed", {{"message", Value("login refused for s3cr3t-password-value")}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            R"({"ts":"2026-12-06T05:00:00.001Z","level":"warn","event":"connection_failed",)"
            R"("message":"login refused for ***"})");
  EXPECT_EQ(service::log_timestamp(-1), "1969-12-31T23:59:59.999Z");
}

TEST_F(Control, ReadyWhenTheStoreIsWritableAndTheSchedulerRuns) {
  write_project(R"(schedule: "every 5m")");
  ASSERT_NO_FATAL_FAILURE(start());
  auto r = svc->readiness();
  EXPECT_TRUE(r.ready) << r.reason;
  stop();
  write_project(R"(schedule: "every 5m")");
  ASSERT_NO_FATAL_FAILURE(start());
  svc->stop();
  EXPECT_EQ(svc->readiness().reason, "stopping");
}

}  // namespace
}  // namespace crmsync::testing
