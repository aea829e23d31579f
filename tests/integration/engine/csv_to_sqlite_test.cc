#include <gtest/gtest.h>

#include <string>

#include "support/engine_fixture.h"
#include "support/sqlite_probe.h"

namespace crmsync::testing {
namespace {

const char* kConfig = R"(
connections:
  files: {type: file, dir: data}
  db: {type: sqlite, path: target.db}
flows:
  customers:
    source: {connection: files, object: customers.csv, id_field: customer_no}
    target: {connection: db, object: customers, id_field: id}
    match: {target_field: customer_no}
    on_delete: delete
    mapping:
      customer_no: customer_no
      name: {from: name, transform: trim}
      balance: {from: balance, transform: number}
      tier: {from: tier, map: {g: gold, s: silver}}
)";

std::string row(int i, const std::string& name_suffix = "") {
  return "C" + std::to_string(100000 + i) + ",Customer " + std::to_string(i) + name_suffix + "," +
         std::to_string(i) + "." + std::to_string(10 + i % 90) + "," + (i % 3 ? "g" : "s") + "\n";
}

std::string csv(int n, int edit_every = 0, int skip_from = -1, int skip_to = -1) {
  std::string out = "customer_no,name,balance,tier\n";
  for (int i = 0; i < n; ++i) {
    if (i >= skip_from && i < skip_to) continue;
    out += row(i, edit_every && i % edit_every == 0 ? " (edited)" : "");
  }
  return out;
}

class CsvToSqlite : public EngineFixture {};

TEST_F(CsvToSqlite, CreatesThenSkipsThenUpdatesOnlyEditsThenDeletes) {
  dir.write("data/customers.csv", csv(1000));
  load(kConfig);
  SqliteProbe db(dir.file("target.db"));

  FlowCounts c = counts(run(), "customers");
  EXPECT_EQ(c.read, 1000);
  EXPECT_EQ(c.created, 1000);
  EXPECT_EQ(c.failed, 0);
  EXPECT_EQ(db.count("select count(*) from customers"), 1000);
  EXPECT_EQ(db.count("select count(distinct customer_no) from customers"), 1000);
  EXPECT_EQ(db.scalar("select balance from customers where customer_no = 'C100007'"), "7.17");
  EXPECT_EQ(db.scalar("select tier from customers where customer_no = 'C100003'"), "silver");

  c = counts(run(), "customers");  // nothing changed: no writes at all
  EXPECT_EQ(c.read, 1000);
  EXPECT_EQ(c.skipped, 1000);
  EXPECT_EQ(c.created + c.updated + c.deleted, 0);

  dir.write("data/customers.csv", csv(1000, 100));  // 1% edited
  c = counts(run(), "customers");
  EXPECT_EQ(c.updated, 10);
  EXPECT_EQ(c.skipped, 990);
  EXPECT_EQ(c.created, 0);
  EXPECT_EQ(db.scalar("select name from customers where customer_no = 'C100200'"),
            "Customer 200 (edited)");
  EXPECT_EQ(db.count("select count(*) from customers"), 1000);

  dir.write("data/customers.csv", csv(1000, 100, 500, 505));  // 5 rows gone
  c = counts(run(), "customers");
  EXPECT_EQ(c.deleted, 5);
  EXPECT_EQ(c.updated + c.created, 0);
  EXPECT_EQ(db.count("select count(*) from customers"), 995);
  EXPECT_EQ(db.count("select count(*) from customers where customer_no = 'C100502'"), 0);
  EXPECT_EQ(*store->count_id_map("customers"), 995);
}

TEST_F(CsvToSqlite, BadRowsAreListedAndGoodRowsStillSync) {
  std::string data = csv(20);
  data += "C200000,\"unterminated,1.00,g\n";  // swallows the rest: must be the last row
  data.insert(data.find("C100005"), "C300000,Bad Tier,1.00,x\nC300001,too,few\n");
  dir.write("data/customers.csv", data);
  load(kConfig);
  RunReport r = run();
  FlowCounts c = counts(r, "customers");
  EXPECT_EQ(c.created, 20);
  EXPECT_EQ(c.failed, 3);
  EXPECT_EQ(r.status, RunStatus::partial);
  SqliteProbe db(dir.file("target.db"));
  EXPECT_EQ(db.count("select count(*) from customers"), 20);

  auto errors = store->errors(r.run_id, 100);
  ASSERT_TRUE(errors.ok());
  ASSERT_EQ(errors->size(), 3u);
  bool tier = false, few = false, quote = false;
  for (const RecordError& e : *errors) {
    EXPECT_EQ(e.flow, "customers");
    EXPECT_EQ(e.kind, ErrorKind::rejected);
    if (e.source_id == "C300000") {
      tier =
          e.message.find("tier") != std::string::npos && e.message.find("'x'") != std::string::npos;
      EXPECT_NE(e.payload.find("Bad Tier"), std::string::npos);
    } else if (e.message.find("customers.csv:8:") != std::string::npos) {
      few = true;
    } else if (e.message.find("quote") != std::string::npos) {
      quote = true;
    }
  }
  EXPECT_TRUE(tier);
  EXPECT_TRUE(few);
  EXPECT_TRUE(quote);

  // Fixing the value map's input resolves the error on the next run.
  data.replace(data.find("Bad Tier,1.00,x"), 15, "Bad Tier,1.00,g");
  dir.write("data/customers.csv", data);
  r = run();
  EXPECT_EQ(counts(r, "customers").created, 1);
  auto open = store->errors(0, 100);
  ASSERT_TRUE(open.ok());
  for (const RecordError& e : *open) EXPECT_NE(e.source_id, "C300000");
}

TEST_F(CsvToSqlite, PlanWritesNothing) {
  dir.write("data/customers.csv", csv(50));
  load(kConfig);
  RunOptions plan;
  plan.dry_run = true;
  RunReport r = run(plan);
  EXPECT_EQ(counts(r, "customers").created, 50);
  EXPECT_EQ(r.flows["customers"].planned.size(), 10u);
  EXPECT_EQ(r.flows["customers"].planned[0].action, "create");
  EXPECT_EQ(*store->count_id_map("customers"), 0);
  auto runs = store->runs(10);
  EXPECT_TRUE(runs->empty());

  run();
  dir.write("data/customers.csv", csv(50, 10));
  r = run(plan);
  FlowCounts c = counts(r, "customers");
  EXPECT_EQ(c.updated, 5);
  ASSERT_EQ(r.flows["customers"].planned.size(), 5u);
  const PlannedChange& ch = r.flows["customers"].planned[0];
  EXPECT_EQ(ch.action, "update");
  ASSERT_EQ(ch.fields.size(), 1u);  // only what differs from the target
  EXPECT_EQ(ch.fields[0].name, "name");
  EXPECT_EQ(ch.fields[0].before, "Customer 0");
  EXPECT_EQ(ch.fields[0].after, "Customer 0 (edited)");
  SqliteProbe db(dir.file("target.db"));
  EXPECT_EQ(db.scalar("select name from customers where customer_no = 'C100000'"), "Customer 0");
}

TEST_F(CsvToSqlite, ExistingTargetRowsAreLinkedNotDuplicated) {
  dir.write("data/customers.csv", csv(10));
  load(kConfig);
  {
    SqliteProbe db(dir.file("target.db"));
    db.exec(
        "create table customers (id integer primary key, customer_no text unique, name text, "
        "balance numeric, tier text);"
        "insert into customers (customer_no, name) values ('C100003', 'old name');");
  }
  FlowCounts c = counts(run(), "customers");
  EXPECT_EQ(c.created, 9);
  EXPECT_EQ(c.updated, 1);
  SqliteProbe db(dir.file("target.db"));
  EXPECT_EQ(db.count("select count(*) from customers"), 10);
  EXPECT_EQ(db.scalar("select name from customers where customer_no = 'C100003'"), "Customer 3");
}

}  // namespace
}  // namespace crmsync::testing
