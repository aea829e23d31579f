// Story S3 as it runs in production: `crmsync serve` (the Service, in
// process, on a ManualClock: no real waiting) with the example config of
// examples/sql-to-salesforce for one company, PostgreSQL through psqlODBC
// standing in for the SQL Server views, the Salesforce sandbox as target.
// `0 5 * * *` fires once at 05:00 UTC and not at start; a downtime over
// 05:00 runs once on start with catch_up and not at all with catch_up: 0;
// triggers while the run goes on are coalesced into one follow-up.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "sandbox/salesforce/salesforce_sandbox.h"
#include "support/odbc_test_drivers.h"
#include "support/s3_erp.h"
#include "support/salesforce_probe.h"
#include "support/service_harness.h"
#include "support/sql_test_server.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

constexpr int kAccounts = 30;

class ServeS3 : public ::testing::Test {
 protected:
  TempDir dir;
  std::unique_ptr<sandbox::salesforce::SalesforceSandbox> sf;
  const SqlServerInfo& pg = test_server("postgres");
  ManualClock clock{utc_micros(2026, 12, 6, 4, 0)};
  ServeLogLines log;
  std::unique_ptr<service::Service> svc;
  std::unique_ptr<RunFollower> follower;

  void SetUp() override {
    std::ifstream in(std::string(CRMSYNC_SOURCE_DIR) + "/examples/sql-to-salesforce/crmsync.yaml");
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty());
    dir.write("crmsync.yaml", s3_isolated_config(text.str()));
    const std::string db = s3_erp_db("ITALCOL");
    pg.sql("postgres", "drop database if exists \"" + db + "\"; create database \"" + db + "\";");
    CommandResult r = pg.sql(db, s3_erp_sql("ITALCOL", kAccounts));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    sf = std::make_unique<sandbox::salesforce::SalesforceSandbox>(
        sandbox::salesforce::SalesforceSandboxOptions{});
    Status s = sf->start();
    ASSERT_TRUE(s.ok()) << s.error().message;
    // What the operator's unit file would set (the config reads them).
    std::map<std::string, std::string> env = {{"ERP_ODBC_DRIVER", CRMSYNC_ODBC_PSQL},
                                              {"ERP_DIALECT", "postgres"},
                                              {"ERP_HOST", "127.0.0.1"},
                                              {"ERP_PORT", std::to_string(pg.port)},
                                              {"ERP_USER", pg.user},
                                              {"ERP_PASSWORD", pg.password},
                                              {"SALESFORCE_LOGIN_URL", sf->base_url()},
                                              {"SALESFORCE_USERNAME", "demo@example.com"},
                                              {"SALESFORCE_PASSWORD", "demo"},
                                              {"SALESFORCE_CLIENT_ID", "demo-client"},
                                              {"SALESFORCE_CLIENT_SECRET", "demo-secret"},
                                              {"STATE_DIR", dir.path().string()}};
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
  }

  void TearDown() override { stop(); }

  void start() {
    service::ServeOptions o;
    o.config_path = dir.file("crmsync.yaml");
    o.params = {{"company", "ITALCOL"}};
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
  void advance_to(int64_t micros) {
    clock.set_micros(micros);
    ASSERT_TRUE(clock.await_waiters(1, kServiceSafety));
  }
  std::vector<RunInfo> runs() {
    auto r = svc->store().runs(100);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<RunInfo>{};
  }
  size_t salesforce_accounts() {
    return SalesforceProbe{sf->base_url()}
        .soql("SELECT Id FROM Account WHERE External_Id__c LIKE 'ITALCOL-%'")
        .as_array()
        .size();
  }
  void no_catch_up_in_config() {
    std::ifstream in(dir.file("crmsync.yaml"));
    std::stringstream text;
    text << in.rdbuf();
    std::string yaml = text.str();
    const std::string from = R"(trigger: {schedule: "0 5 * * *"})";
    const std::string to = R"(trigger: {schedule: "0 5 * * *", catch_up: 0})";
    size_t n = 0;
    for (size_t at = yaml.find(from); at != std::string::npos; at = yaml.find(from, at)) {
      yaml.replace(at, from.size(), to);
      ++n;
    }
    ASSERT_EQ(n, 3u);
    dir.write("crmsync.yaml", yaml);
  }
};

TEST_F(ServeS3, TheDailySlotFiresOnceAt0500UtcAndNotAtStart) {
  ASSERT_NO_FATAL_FAILURE(start());  // 04:00 UTC
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 4, 59, 59)));
  EXPECT_TRUE(runs().empty()) << log.text();
  EXPECT_EQ(salesforce_accounts(), 0u);

  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 5, 0)));
  ASSERT_TRUE(follower->wait_ended(1)) << log.text();
  auto r = runs();
  ASSERT_EQ(r.size(), 1u);  // the three flows share the slot: one run
  EXPECT_EQ(r[0].trigger, "schedule");
  EXPECT_EQ(r[0].status, RunStatus::succeeded) << r[0].message << "\n" << log.text();
  EXPECT_EQ(r[0].flows["accounts"].created, kAccounts);
  EXPECT_EQ(r[0].flows["retail_stores"].created, 2 * kAccounts);
  EXPECT_EQ(r[0].flows["agreements"].created, kAccounts);
  EXPECT_EQ(salesforce_accounts(), static_cast<size_t>(kAccounts));

  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 23, 59)));
  EXPECT_EQ(runs().size(), 1u);
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 7, 5, 0)));
  ASSERT_TRUE(follower->wait_ended(2));
  r = runs();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].flows["accounts"].created + r[0].flows["accounts"].updated, 0);
  EXPECT_EQ(salesforce_accounts(), static_cast<size_t>(kAccounts));
}

TEST_F(ServeS3, ADowntimeOver0500RunsOnceOnStartWithCatchUp) {
  ASSERT_NO_FATAL_FAILURE(start());
  stop();
  clock.set_micros(utc_micros(2026, 12, 8, 6, 15));  // down over two 05:00 slots
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_TRUE(follower->wait_ended(1)) << log.text();
  auto r = runs();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].trigger, "catch_up");
  EXPECT_EQ(r[0].status, RunStatus::succeeded) << r[0].message;
  EXPECT_EQ(salesforce_accounts(), static_cast<size_t>(kAccounts));
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 9, 4, 59)));
  EXPECT_EQ(runs().size(), 1u);
}

TEST_F(ServeS3, ADowntimeOver0500RunsNothingWithCatchUpZero) {
  no_catch_up_in_config();
  ASSERT_NO_FATAL_FAILURE(start());
  stop();
  clock.set_micros(utc_micros(2026, 12, 8, 6, 15));
  ASSERT_NO_FATAL_FAILURE(start());
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 9, 4, 59)));
  EXPECT_TRUE(runs().empty()) << log.text();
  EXPECT_EQ(log.count("slot_missed"), 3u);
  EXPECT_EQ(salesforce_accounts(), 0u);
}

TEST_F(ServeS3, ASecondTriggerDuringARunIsCoalesced) {
  ASSERT_NO_FATAL_FAILURE(start());
  follower->hold_next_run();
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 6, 5, 0)));
  int64_t first = follower->wait_held();
  ASSERT_NE(first, 0) << log.text();
  // The next slots come while the first run still goes on (it is held at
  // its first batch): one follow-up run, the later trigger joins it.
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 7, 5, 0)));
  ASSERT_NO_FATAL_FAILURE(advance_to(utc_micros(2026, 12, 8, 5, 0)));
  RunRequest by_hand;
  by_hand.flows = {"accounts"};
  auto submitted = svc->submit(by_hand);
  ASSERT_TRUE(submitted) << submitted.error.message;
  EXPECT_EQ(log.count("run_queued"), 2u) << log.text();
  EXPECT_EQ(log.count("coalesced"), 2u);
  follower->release();
  ASSERT_TRUE(follower->wait_ended(2));
  auto r = runs();
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].id, *submitted.value);
  for (const RunInfo& run : r) EXPECT_EQ(run.status, RunStatus::succeeded) << run.message;
  EXPECT_EQ(r[1].flows["accounts"].created, kAccounts);
  EXPECT_EQ(r[0].flows["accounts"].created + r[0].flows["accounts"].updated, 0);
  EXPECT_EQ(salesforce_accounts(), static_cast<size_t>(kAccounts));
}

}  // namespace
}  // namespace crmsync::testing
