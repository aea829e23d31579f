// The mass-delete guard: a source that suddenly lacks most of its records
// deletes nothing unless the user allows it for the run or raises the
// flow's max_deletes; a dry run shows the deletes and that they are held.

#include <gtest/gtest.h>

#include <string>

#include "support/engine_fixture.h"
#include "support/sqlite_probe.h"

namespace crmsync::testing {
namespace delete_guard_test {

std::string guard_yaml(const std::string& extra, const std::string& filter = "") {
  return R"(
connections:
  files: {type: file, dir: data}
  db: {type: sqlite, path: target.db}
flows:
  customers:
    source: {connection: files, object: customers.csv, id_field: customer_no)" +
         (filter.empty() ? "" : ", filter: \"" + filter + "\"") + R"(}
    target: {connection: db, object: customers, id_field: id}
    match: {target_field: customer_no}
    on_delete: delete
)" + extra +
         R"(    mapping:
      customer_no: customer_no
      name: name
      tier: tier
)";
}

const int kRows = 100;

std::string csv(int rows) {
  std::string out = "customer_no,name,tier\n";
  for (int i = 0; i < rows; ++i) {
    out += "C" + std::to_string(1000 + i) + ",Customer " + std::to_string(i) + ",gold\n";
  }
  return out;
}

class DeleteGuard : public EngineFixture {
 protected:
  void start(const std::string& extra = "", const std::string& filter = "") {
    dir.write("data/customers.csv", csv(kRows));
    load(guard_yaml(extra, filter));
    ASSERT_EQ(counts(run(), "customers").created, kRows);
  }
  long target_rows() {
    SqliteProbe db(dir.file("target.db"));
    return db.count("select count(*) from customers");
  }
  static RunOptions allowing() {
    RunOptions o;
    o.allow_deletes = {"customers"};
    return o;
  }
};

struct Emptying {
  const char* name;
  std::string csv;
  std::string filter;  // a filter that matches nothing after the first run
};

class EmptiedSource : public DeleteGuard, public ::testing::WithParamInterface<Emptying> {};

TEST_P(EmptiedSource, DeletesNothingWithoutTheOverrideAndAllWithIt) {
  const Emptying& c = GetParam();
  {
    start("", c.filter);
    if (!c.filter.empty()) load(guard_yaml("", "tier = 'platinum'"));
    dir.write("data/customers.csv", c.csv);

    RunOptions plan;
    plan.dry_run = true;
    plan.max_diffs = 1000;
    RunReport p = run(plan);
    const FlowReport& pf = p.flows.at("customers");
    EXPECT_FALSE(pf.deletes_withheld.reason.empty());
    if (std::string(c.name) != "zero_byte_file") {
      ASSERT_EQ(pf.planned.size(), static_cast<size_t>(kRows));
      EXPECT_EQ(pf.planned[0].action, "delete");
      EXPECT_TRUE(pf.planned[0].held);
      EXPECT_EQ(pf.deletes_withheld.would_delete, kRows);
      EXPECT_EQ(pf.deletes_withheld.limit, 10);  // the default, 10% of 100
    }

    RunReport r = run();
    EXPECT_EQ(r.flows.at("customers").counts.deleted, 0);
    EXPECT_EQ(r.status, RunStatus::partial);
    EXPECT_EQ(target_rows(), kRows);
    std::string why = r.flows.at("customers").deletes_withheld.reason;
    EXPECT_NE(why.find("deletes withheld"), std::string::npos) << why;
    if (std::string(c.name) != "zero_byte_file") {
      EXPECT_NE(why.find("100 deletes"), std::string::npos) << why;
      EXPECT_NE(why.find("max_deletes 10"), std::string::npos) << why;
      EXPECT_NE(why.find("crmsync run --allow-deletes customers"), std::string::npos) << why;
      EXPECT_NE(why.find("flow customers"), std::string::npos) << why;
    }

    RunOptions allowed_plan = allowing();
    allowed_plan.dry_run = true;
    p = run(allowed_plan);
    EXPECT_TRUE(p.flows.at("customers").deletes_withheld.reason.empty());
    EXPECT_EQ(p.flows.at("customers").counts.deleted, kRows);
    EXPECT_EQ(target_rows(), kRows);

    r = run(allowing());
    EXPECT_EQ(r.flows.at("customers").counts.deleted, kRows);
    EXPECT_EQ(target_rows(), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Guard, EmptiedSource,
    ::testing::Values(Emptying{"zero_byte_file", "", ""},
                      Emptying{"header_only_file", "customer_no,name,tier\n", ""},
                      Emptying{"filter_now_matching_nothing", csv(kRows), "tier = 'gold'"}),
    [](const ::testing::TestParamInfo<Emptying>& i) { return std::string(i.param.name); });

TEST_F(DeleteGuard, RaisingMaxDeletesLetsThemThrough) {
  start("    max_deletes: 100%\n");
  dir.write("data/customers.csv", "customer_no,name,tier\n");
  RunReport r = run();
  EXPECT_EQ(r.flows.at("customers").counts.deleted, kRows);
  EXPECT_EQ(r.status, RunStatus::succeeded);
  EXPECT_EQ(target_rows(), 0);
}

TEST_F(DeleteGuard, ACountLimitAndDeletesWithinItPass) {
  start("    max_deletes: 5\n");
  dir.write("data/customers.csv", csv(95));  // 5 gone: within the limit
  RunReport r = run();
  EXPECT_EQ(r.flows.at("customers").counts.deleted, 5);
  EXPECT_EQ(r.status, RunStatus::succeeded);
  dir.write("data/customers.csv", csv(89));  // 6 more: beyond it
  r = run();
  EXPECT_EQ(r.flows.at("customers").counts.deleted, 0);
  EXPECT_EQ(r.flows.at("customers").deletes_withheld.limit, 5);
  EXPECT_EQ(target_rows(), 95);
}

}  // namespace delete_guard_test
}  // namespace crmsync::testing
