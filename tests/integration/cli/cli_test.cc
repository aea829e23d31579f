#include <gtest/gtest.h>

#include <string>

#include "core/json.h"
#include "support/run_command.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

std::string crmsync(const TempDir& dir, const std::string& args) {
  return "cd '" + dir.path().string() + "' && " + CRMSYNC_BINARY + " " + args;
}

TEST(Cli, DiscoverListsObjectsWithFieldTypesAndKeys) {
  TempDir dir;
  ASSERT_EQ(run_command(crmsync(dir, "init")).exit_code, 0);
  ASSERT_EQ(run_command(crmsync(dir, "run")).exit_code, 0);

  auto files = run_command(crmsync(dir, "discover files --json"));
  ASSERT_EQ(files.exit_code, 0) << files.output;
  auto doc = parse_json(files.output);
  ASSERT_TRUE(doc.ok()) << files.output;
  const Array& objects = doc->find("objects")->as_array();
  ASSERT_EQ(objects.size(), 2u) << files.output;
  EXPECT_EQ(objects[0].find("name")->as_string(), "customers.csv");
  EXPECT_EQ(objects[1].find("name")->as_string(), "orders.csv");
  EXPECT_EQ(objects[0].find("fields")->as_array()[0].find("name")->as_string(), "customer_no");

  auto db = run_command(crmsync(dir, "discover warehouse customers --json"));
  ASSERT_EQ(db.exit_code, 0) << db.output;
  auto tables = parse_json(db.output);
  ASSERT_TRUE(tables.ok()) << db.output;
  const Value& customers = tables->find("objects")->as_array().at(0);
  EXPECT_EQ(customers.find("id_field")->as_string(), "id");
  bool saw_key = false;
  for (const Value& f : customers.find("fields")->as_array()) {
    if (f.find("name")->as_string() == "id") {
      saw_key = f.find("key")->as_bool();
      EXPECT_EQ(f.find("type")->as_string(), "integer");
      EXPECT_FALSE(f.find("nullable")->as_bool());
    }
  }
  EXPECT_TRUE(saw_key) << db.output;

  auto all = run_command(crmsync(dir, "discover warehouse"));
  EXPECT_EQ(all.exit_code, 0) << all.output;
  EXPECT_NE(all.output.find("customers ("), std::string::npos) << all.output;
  EXPECT_NE(all.output.find("orders ("), std::string::npos) << all.output;

  auto missing = run_command(crmsync(dir, "discover warehouse invoices"));
  EXPECT_EQ(missing.exit_code, 3);
  EXPECT_NE(missing.output.find("no table 'invoices'"), std::string::npos) << missing.output;
  auto unknown = run_command(crmsync(dir, "discover wherehouse"));
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.output.find("no connection named 'wherehouse'"), std::string::npos)
      << unknown.output;
}

TEST(Cli, InitThenRunWorksAtOnceAndRerunWritesNothing) {
  TempDir dir;
  auto init = run_command(crmsync(dir, "init"));
  ASSERT_EQ(init.exit_code, 0) << init.output;
  auto again = run_command(crmsync(dir, "init"));
  EXPECT_EQ(again.exit_code, 2);  // never overwrites
  EXPECT_NE(again.output.find("already exists"), std::string::npos);

  auto valid = run_command(crmsync(dir, "validate"));
  EXPECT_EQ(valid.exit_code, 0) << valid.output;

  auto first = run_command(crmsync(dir, "run --json"));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto doc = parse_json(first.output);
  ASSERT_TRUE(doc.ok()) << first.output;
  EXPECT_EQ(doc->find("status")->as_string(), "succeeded");
  EXPECT_EQ(doc->find("run_id")->as_int(), 1);
  const Value* customers = doc->find("flows")->find("customers");
  ASSERT_NE(customers, nullptr);
  EXPECT_EQ(customers->find("created")->as_int(), 11);  // 12 rows, one filtered out
  for (const char* key :
       {"read", "created", "updated", "skipped", "deleted", "failed", "api_calls"}) {
    EXPECT_NE(customers->find(key), nullptr) << key;
  }
  EXPECT_EQ(doc->find("flows")->find("orders")->find("created")->as_int(), 30);

  auto second = run_command(crmsync(dir, "run --json"));
  ASSERT_EQ(second.exit_code, 0) << second.output;
  auto doc2 = parse_json(second.output);
  ASSERT_TRUE(doc2.ok());
  for (const char* flow : {"customers", "orders"}) {
    const Value* f = doc2->find("flows")->find(flow);
    EXPECT_EQ(f->find("created")->as_int() + f->find("updated")->as_int(), 0) << flow;
  }

  SqliteProbe db(dir.file("warehouse.db"));
  EXPECT_EQ(db.count("select count(*) from orders o left join customers c on c.id = "
                     "o.customer_id where c.id is null"),
            0);
  EXPECT_EQ(db.scalar("select email from customers where customer_no = 'C1001'"),
            "ada.lovelace@example.com");

  auto history = run_command(crmsync(dir, "history"));
  EXPECT_EQ(history.exit_code, 0);
  EXPECT_NE(history.output.find("succeeded"), std::string::npos);
  auto status = run_command(crmsync(dir, "status --json"));
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_TRUE(parse_json(status.output).ok()) << status.output;
}

TEST(Cli, ConfigErrorsNameFileLineAndKeyAndExitTwo) {
  TempDir dir;
  dir.write("crmsync.yaml",
            "connections:\n"
            "  files: {type: file, dir: .}\n"
            "flows:\n"
            "  f:\n"
            "    source: {connection: filez, object: a.csv}\n"
            "    target: {connection: files, object: b.csv}\n"
            "    mode: upsrt\n"
            "    mapping: {a: a}\n");
  auto r = run_command(crmsync(dir, "validate"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("crmsync.yaml:5:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("files"), std::string::npos) << r.output;  // did you mean
  EXPECT_NE(r.output.find("crmsync.yaml:7:"), std::string::npos) << r.output;
  auto run = run_command(crmsync(dir, "run"));
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.output.find("nothing was synced"), std::string::npos);
}

TEST(Cli, FailedRecordsExitOneAndAreListed) {
  TempDir dir;
  ASSERT_EQ(run_command(crmsync(dir, "init")).exit_code, 0);
  std::string csv =
      "customer_no,name,email,country,credit_limit,since,status\n"
      "C1,Good,g@x.com,DE,1.00,2020-01-01,active\n"
      "C2,Bad Number,b@x.com,DE,lots,2020-01-01,active\n"
      "C3,\"broken,row\n";
  dir.write("data/customers.csv", csv);
  dir.write("data/orders.csv", "order_no,customer_no,total,ordered_at\n");
  auto r = run_command(crmsync(dir, "run --no-progress"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  auto errors = run_command(crmsync(dir, "errors --json"));
  ASSERT_EQ(errors.exit_code, 0) << errors.output;
  auto doc = parse_json(errors.output);
  ASSERT_TRUE(doc.ok()) << errors.output;
  ASSERT_EQ(doc->as_array().size(), 2u) << errors.output;
  bool number = false;
  for (const Value& e : doc->as_array()) {
    if (e.find("record")->as_string() == "C2") {
      number = e.find("message")->as_string().find("credit_limit") != std::string::npos;
    }
  }
  EXPECT_TRUE(number) << errors.output;
  SqliteProbe db(dir.file("warehouse.db"));
  EXPECT_EQ(db.count("select count(*) from customers"), 1);
}

TEST(Cli, ShippedExamplesValidate) {
  auto r = run_command(std::string(CRMSYNC_BINARY) + " -c " + CRMSYNC_SOURCE_DIR +
                       "/examples/sqlite-to-sqlite/crmsync.yaml validate");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_command(std::string(CRMSYNC_BINARY) + " frobnicate").exit_code, 2);
  EXPECT_EQ(run_command(std::string(CRMSYNC_BINARY) + " run --bogus").exit_code, 2);
  EXPECT_EQ(run_command(std::string(CRMSYNC_BINARY) + " --help").exit_code, 0);
  TempDir dir;
  ASSERT_EQ(run_command(crmsync(dir, "init")).exit_code, 0);
  auto r = run_command(crmsync(dir, "run custmers"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("customers"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace crmsync::testing
