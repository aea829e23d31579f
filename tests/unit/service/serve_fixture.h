#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "service/service.h"
#include "support/service_harness.h"
#include "support/temp_dir.h"

namespace crmsync::testing {

// A project (CSV files -> SQLite) served in process on a ManualClock with
// no HTTP server: the scheduler, workers and store are the real ones.
class ServeFixture : public ::testing::Test {
 protected:
  TempDir dir;
  ManualClock clock{utc_micros(2026, 12, 6, 4, 0)};
  ServeLogLines log;
  std::unique_ptr<service::Service> svc;
  std::unique_ptr<RunFollower> follower;

  static constexpr int kRows = 40;

  void TearDown() override { stop(); }

  // `trigger` is the inside of `trigger: {...}`; `tier` the value mapped
  // into every row (a reload changes it).
  static std::string config(const std::string& trigger, const std::string& tier = "gold") {
    return R"(
connections:
  files: {type: file, dir: data}
  db: {type: sqlite, path: target.db}
flows:
  customers:
    source: {connection: files, object: customers.csv, id_field: customer_no, batch_size: 10}
    target: {connection: db, object: customers, id_field: id}
    match: {target_field: customer_no}
    trigger: {)" +
           trigger +
           R"(}
    mapping:
      customer_no: customer_no
      name: name
      tier: {value: )" +
           tier + R"(}
)";
  }

  void write_project(const std::string& trigger, const std::string& tier = "gold") {
    std::string csv = "customer_no,name\n";
    for (int i = 0; i < kRows; ++i)
      csv += "C" + std::to_string(1000 + i) + ",Customer " + std::to_string(i) + "\n";
    dir.write("data/customers.csv", csv);
    dir.write("crmsync.yaml", config(trigger, tier));
  }

  // Creates and starts a Service; returns when its scheduler waits on the clock.
  void start() {
    service::ServeOptions o;
    o.config_path = dir.file("crmsync.yaml");
    o.listen = "";
    o.clock = &clock;
    o.log = log.sink();
    auto created = service::Service::create(o);
    ASSERT_TRUE(created.ok()) << created.error().message;
    svc = std::move(*created);
    follower = std::make_unique<RunFollower>(*svc);
    Status s = svc->start();
    ASSERT_TRUE(s.ok()) << s.error().message;
    ASSERT_TRUE(clock.await_waiters(1, kServiceSafety));
  }

  void stop() {
    if (follower) follower->release();
    if (svc) svc->stop();
    follower.reset();
    svc.reset();
  }

  // Moves the clock to `micros` and returns when the scheduler has done
  // what was due and waits again.
  void advance_to(int64_t micros) {
    clock.set_micros(micros);
    ASSERT_TRUE(clock.await_waiters(1, kServiceSafety));
  }

  std::vector<RunInfo> runs() {
    auto r = svc->store().runs(100);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<RunInfo>{};
  }
  std::vector<RunInfo> runs_with_trigger(const std::string& trigger) {
    std::vector<RunInfo> out;
    for (const RunInfo& r : runs()) {
      if (r.trigger == trigger) out.push_back(r);
    }
    return out;
  }
};

}  // namespace crmsync::testing
