// Reload (SIGHUP, a changed file): an invalid file keeps the old config and
// logs every error; a valid one is used by the next run while a run going
// on finishes on the config it started with.
#include <gtest/gtest.h>

#include <thread>

#include "support/sqlite_probe.h"
#include "unit/service/serve_fixture.h"

namespace crmsync::testing {
namespace {

using service::RunProgress;

class Reload : public ServeFixture {
 protected:
  RunProgress run_now() {
    RunRequest r;
    r.flows = {"customers"};
    auto id = svc->submit(r);
    EXPECT_TRUE(id) << id.error.message;
    if (!id) return {};
    auto p = follower->wait_final(*id.value);
    EXPECT_TRUE(p.has_value()) << log.text();
    return p ? *p : RunProgress{};
  }
  std::vector<std::string> tiers() {
    SqliteProbe db(dir.file("target.db"));
    std::vector<std::string> out;
    for (auto& row : db.rows("select distinct tier from customers order by tier"))
      out.push_back(row[0]);
    return out;
  }
};

TEST_F(Reload, AnInvalidFileKeepsTheOldConfigAndLogsEveryError) {
  write_project(R"(schedule: "0 5 * * *")");
  ASSERT_NO_FATAL_FAILURE(start());
  // Three problems: an unknown connection, an unknown key, a bad schedule.
  std::string bad = config(R"(schedule: "0 25 * * *")", "platinum");
  bad.replace(bad.find("connection: db"), 14, "connection: nowhere");
  bad += "    bogus_key: 1\n";
  dir.write("crmsync.yaml", bad);
  Status s = svc->reload();
  ASSERT_FALSE(s.ok());
  auto errors = log.events("config_error");
  EXPECT_GE(errors.size(), 3u) << log.text();
  std::string all;
  for (const Value& e : errors) all += e.find("message")->to_text() + "\n";
  EXPECT_NE(all.find("nowhere"), std::string::npos) << all;
  EXPECT_NE(all.find("bogus_key"), std::string::npos) << all;
  EXPECT_NE(all.find("schedule"), std::string::npos) << all;
  for (const Value& e : errors)
    EXPECT_NE(s.error().message.find(e.find("message")->to_text()), std::string::npos);
  EXPECT_EQ(log.count("reload_failed"), 1u);

  // The old config goes on: its schedule, its mapping.
  EXPECT_EQ(svc->flows()[0].next_fire_at, utc_micros(2026, 12, 6, 5, 0));
  EXPECT_EQ(run_now().status, RunStatus::succeeded);
  EXPECT_EQ(tiers(), std::vector<std::string>{"gold"});
  // The same broken file is not reported again at the next minute's check.
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 4, 2)));
  EXPECT_EQ(log.count("reload_failed"), 1u);
}

TEST_F(Reload, AValidFileIsUsedByTheNextRun) {
  write_project(R"(schedule: "0 5 * * *")");
  ASSERT_NO_FATAL_FAILURE(start());
  EXPECT_EQ(run_now().status, RunStatus::succeeded);
  EXPECT_EQ(tiers(), std::vector<std::string>{"gold"});
  dir.write("crmsync.yaml", config(R"(schedule: "0 6 * * *")", "platinum"));
  Status s = svc->reload();
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(log.count("reload_ok"), 1u);
  RunProgress p = run_now();
  EXPECT_EQ(p.status, RunStatus::succeeded);
  EXPECT_EQ(p.flows["customers"].updated, kRows);
  EXPECT_EQ(tiers(), std::vector<std::string>{"platinum"});
  // The new schedule too.
  EXPECT_EQ(svc->flows()[0].next_fire_at, utc_micros(2026, 12, 6, 6, 0));
}

TEST_F(Reload, ARunGoingOnFinishesOnTheConfigItStartedWith) {
  write_project(R"(manual: true)");
  ASSERT_NO_FATAL_FAILURE(start());
  follower->hold_next_run();
  RunRequest r;
  auto id = svc->submit(r);
  ASSERT_TRUE(id);
  ASSERT_EQ(follower->wait_held(), *id.value);
  dir.write("crmsync.yaml", config(R"(manual: true)", "platinum"));
  ASSERT_TRUE(svc->reload().ok());
  follower->release();
  EXPECT_EQ(follower->wait_final(*id.value)->status, RunStatus::succeeded);
  EXPECT_EQ(tiers(), std::vector<std::string>{"gold"});
  EXPECT_EQ(run_now().status, RunStatus::succeeded);
  EXPECT_EQ(tiers(), std::vector<std::string>{"platinum"});
}

TEST_F(Reload, AChangedFileIsReloadedAtTheNextMinutesCheck) {
  write_project(R"(schedule: "0 5 * * *")");
  ASSERT_NO_FATAL_FAILURE(start());
  dir.write("crmsync.yaml", config(R"(schedule: "0 5 * * *")", "platinum"));
  EXPECT_TRUE(svc->config_changed());
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 4, 1)));
  ASSERT_TRUE(log.wait_for("reload_ok")) << log.text();
  EXPECT_FALSE(svc->config_changed());
  EXPECT_EQ(log.count("config_changed"), 1u);
}

TEST_F(Reload, StopInterruptsTheRunAndTheNextStartResumesIt) {
  write_project(R"(manual: true)");
  ASSERT_NO_FATAL_FAILURE(start());
  follower->hold_next_run();
  auto id = svc->submit(RunRequest{});
  ASSERT_TRUE(id);
  ASSERT_EQ(follower->wait_held(), *id.value);
  std::thread stopper([&] { svc->stop(); });
  ASSERT_TRUE(log.wait_for("stopping"));
  follower->release();
  stopper.join();
  auto info = svc->store().run(*id.value);
  ASSERT_TRUE(info.ok() && info->has_value());
  EXPECT_EQ((*info)->status, RunStatus::interrupted) << log.text();
  EXPECT_LT((*info)->flows["customers"].read, kRows);  // it stopped at a batch boundary
  stop();

  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(log.wait_for("run_resumed")) << log.text();
  int64_t resumed = log.events("run_resumed")[0].find("run")->as_int();
  EXPECT_EQ(follower->wait_final(resumed)->status, RunStatus::succeeded);
  auto again = svc->store().run(resumed);
  EXPECT_EQ((*again)->trigger, "resume");
  EXPECT_EQ((*again)->request.resumed_from, *id.value);
  EXPECT_EQ((*svc->store().run(*id.value))->resumed_by, resumed);
  SqliteProbe db(dir.file("target.db"));
  EXPECT_EQ(db.count("select count(*) from customers"), kRows);
}

}  // namespace
}  // namespace crmsync::testing
