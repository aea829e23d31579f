// The example `crmsync init` writes (CSV -> SQLite, on_delete: delete),
// driven through the binary: a customers.csv emptied to its header line
// deletes nothing until `--allow-deletes customers`; plan, run, --json and
// history all say so.

#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "support/run_command.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace delete_guard_cli_test {

std::string crmsync(const TempDir& dir, const std::string& args) {
  return "cd '" + dir.path().string() + "' && " + CRMSYNC_BINARY + " " + args;
}

const char* kHeader = "customer_no,name,email,country,credit_limit,since,status\n";

TEST(CliDeleteGuard, EmptiedCsvIsHeldBackUntilAllowed) {
  TempDir dir;
  ASSERT_EQ(run_command(crmsync(dir, "init")).exit_code, 0);
  ASSERT_EQ(run_command(crmsync(dir, "run")).exit_code, 0);
  SqliteProbe db(dir.file("warehouse.db"));
  ASSERT_EQ(db.count("select count(*) from customers"), 11);

  dir.write("data/customers.csv", kHeader);
  auto plan = run_command(crmsync(dir, "plan customers --diffs 100"));
  EXPECT_EQ(plan.exit_code, 1) << plan.output;
  EXPECT_NE(plan.output.find("delete C1001"), std::string::npos) << plan.output;
  EXPECT_NE(plan.output.find("(held back by max_deletes)"), std::string::npos) << plan.output;
  EXPECT_NE(plan.output.find("crmsync run --allow-deletes customers"), std::string::npos)
      << plan.output;

  auto plan_json = run_command(crmsync(dir, "plan customers --json"));
  auto pj = parse_json(plan_json.output);
  ASSERT_TRUE(pj.ok()) << plan_json.output;
  const Value* flow = pj->find("flows")->find("customers");
  ASSERT_NE(flow->find("deletes_withheld"), nullptr) << plan_json.output;
  EXPECT_EQ(flow->find("deletes_withheld")->find("deletes")->as_int(), 11);
  EXPECT_EQ(flow->find("deletes_withheld")->find("limit")->as_int(), 1);
  EXPECT_TRUE(flow->find("changes")->as_array().at(0).find("held")->as_bool());

  auto run = run_command(crmsync(dir, "run --json"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  auto rj = parse_json(run.output);
  ASSERT_TRUE(rj.ok()) << run.output;
  EXPECT_EQ(rj->find("status")->as_string(), "partial");
  const Value* held = rj->find("flows")->find("customers")->find("deletes_withheld");
  ASSERT_NE(held, nullptr) << run.output;
  std::string why = held->find("reason")->as_string();
  EXPECT_NE(why.find("11 deletes exceed max_deletes 1"), std::string::npos) << why;
  EXPECT_NE(why.find("raise max_deletes"), std::string::npos) << why;
  EXPECT_EQ(db.count("select count(*) from customers"), 11);

  auto history = run_command(crmsync(dir, "history"));
  EXPECT_NE(history.output.find("deletes withheld"), std::string::npos) << history.output;

  auto text = run_command(crmsync(dir, "run customers"));
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_NE(text.output.find("flow customers: deletes withheld"), std::string::npos) << text.output;

  auto unknown = run_command(crmsync(dir, "run --allow-deletes custmers"));
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;

  auto allowed_plan = run_command(crmsync(dir, "plan customers --allow-deletes customers"));
  EXPECT_EQ(allowed_plan.exit_code, 0) << allowed_plan.output;
  EXPECT_EQ(allowed_plan.output.find("held back"), std::string::npos) << allowed_plan.output;

  auto allowed = run_command(crmsync(dir, "run customers --allow-deletes customers"));
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
  EXPECT_EQ(db.count("select count(*) from customers"), 0);
}

TEST(CliDeleteGuard, ZeroByteCsvIsAReadErrorNotAnEmptyTable) {
  TempDir dir;
  ASSERT_EQ(run_command(crmsync(dir, "init")).exit_code, 0);
  ASSERT_EQ(run_command(crmsync(dir, "run")).exit_code, 0);
  dir.write("data/customers.csv", "");
  auto run = run_command(crmsync(dir, "run customers"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("deletes withheld: 1 read error"), std::string::npos) << run.output;
  SqliteProbe db(dir.file("warehouse.db"));
  EXPECT_EQ(db.count("select count(*) from customers"), 11);
  auto errors = run_command(crmsync(dir, "errors"));
  EXPECT_NE(errors.output.find("customers.csv is empty (0 bytes"), std::string::npos)
      << errors.output;
}

}  // namespace delete_guard_cli_test
}  // namespace crmsync::testing
