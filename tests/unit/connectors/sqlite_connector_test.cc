#include <gtest/gtest.h>

#include "connectors/registry.h"
#include "support/sqlite_connection.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

using testing::open_sqlite_connection;
using testing::SqliteProbe;
using testing::TempDir;

TEST(SqliteConnector, StreamsWithPushedDownFilterCursorAndOrder) {
  TempDir d;
  {
    SqliteProbe db(d.file("t.db"));
    db.exec(
        "create table people (id text primary key, name text, score numeric, born date, "
        "seen timestamp, active boolean)");
    std::string sql = "begin;";
    for (int i = 0; i < 25; ++i) {
      sql += "insert into people values ('P" + std::to_string(100 + i) + "', 'n" +
             std::to_string(i) + "', " + std::to_string(i) + ".25, '2000-01-0" +
             std::to_string(1 + i % 9) + "', '2024-01-01T00:00:" + std::to_string(10 + (24 - i)) +
             "Z', " + std::to_string(i % 2) + ");";
    }
    db.exec(sql + "commit;");
  }
  auto c = open_sqlite_connection(d);
  auto f = filter::Filter::parse("active = TRUE AND score > 3");
  ReadRequest req;
  req.object = "people";
  req.filter = &*f;
  req.cursor_field = "seen";
  req.cursor_from = Value(*DateTime::parse("2024-01-01T00:00:20Z"));
  req.batch_size = 3;
  auto reader = c->read(req);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  std::vector<Record> all, batch;
  int batches = 0;
  while (true) {
    auto more = (*reader)->next(batch);
    ASSERT_TRUE(more.ok());
    ++batches;
    for (auto& r : batch) all.push_back(std::move(r));
    if (!*more) break;
  }
  // Odd i (active) with score i.25 > 3 and seen >= :20 (i <= 14): 3, 5, 7, 9, 11, 13.
  ASSERT_EQ(all.size(), 6u);
  EXPECT_GE(batches, 2);
  EXPECT_EQ(all[0].id(), "P113");  // ordered by the cursor column
  EXPECT_TRUE(all[0].get("seen")->is_datetime());
  EXPECT_TRUE(all[0].get("born")->is_date());
  EXPECT_EQ(all[0].get("score")->as_decimal().to_string(), "13.25");
  EXPECT_TRUE(all[0].get("active")->as_bool());
}

TEST(SqliteConnector, WritesCreateTablesAddColumnsAndIsolateBadRows) {
  TempDir d;
  auto c = open_sqlite_connection(d);
  auto names = make_field_names({"ext", "amount", "when"});
  auto rec = [&](const char* ext, const char* amount) {
    Record r(names);
    r.value(0) = ext;
    r.value(1) = *Decimal::parse(amount);
    r.value(2) = *DateTime::parse("2024-05-01T10:00:00+02:00");
    return r;
  };
  std::vector<WriteItem> items = {{WriteOp::create, "", rec("a", "10.10")},
                                  {WriteOp::create, "", rec("b", "20.20")}};
  auto res = c->write(WriteRequest{"orders", "id", "ext", items});
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_EQ((*res)[0].target_id, "1");
  EXPECT_EQ((*res)[1].target_id, "2");
  {
    SqliteProbe db(d.file("t.db"));
    EXPECT_EQ(db.scalar("select amount from orders where ext = 'a'"), "10.1");
    EXPECT_EQ(db.scalar("select \"when\" from orders where ext = 'a'"), "2024-05-01T08:00:00Z");
  }
  // Duplicate external id on create: only that record fails.
  Record extra(make_field_names({"ext", "note"}));
  extra.value(0) = "c";
  extra.value(1) = "new column";
  items = {{WriteOp::create, "", rec("a", "1")},
           {WriteOp::create, "", extra},
           {WriteOp::upsert, "", rec("b", "99")},
           {WriteOp::update, "1", rec("a", "11")},
           {WriteOp::remove, "404", {}}};
  res = c->write(WriteRequest{"orders", "id", "ext", items});
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_FALSE((*res)[0].ok);
  EXPECT_EQ((*res)[0].error.kind, ErrorKind::rejected);
  EXPECT_NE((*res)[0].error.message.find("UNIQUE"), std::string::npos);
  EXPECT_TRUE((*res)[1].ok);
  EXPECT_TRUE((*res)[2].ok);
  EXPECT_FALSE((*res)[2].created);
  EXPECT_EQ((*res)[2].target_id, "2");
  EXPECT_TRUE((*res)[3].ok);
  EXPECT_FALSE((*res)[4].ok);
  SqliteProbe db(d.file("t.db"));
  EXPECT_EQ(db.count("select count(*) from orders"), 3);
  EXPECT_EQ(db.scalar("select amount from orders where ext = 'b'"), "99");
  EXPECT_EQ(db.scalar("select note from orders where ext = 'c'"), "new column");
  auto found = c->search("orders", "id", "ext", std::vector<Value>{Value("a"), Value("c")});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 2u);
  auto byid = c->read_by_ids("orders", "id", std::vector<std::string>{"2"});
  ASSERT_EQ(byid->size(), 1u);
  EXPECT_EQ((*byid)[0].get("ext")->as_string(), "b");
}

TEST(SqliteConnector, MissingTableOrColumnIsAFatalErrorThatSaysWhich) {
  TempDir d;
  auto c = open_sqlite_connection(d);
  ReadRequest req;
  req.object = "nope";
  auto r = c->read(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no table 'nope'"), std::string::npos);
  {
    SqliteProbe db(d.file("t.db"));
    db.exec("create table t (id text primary key, a text)");
  }
  req.object = "t";
  req.fields = {"a", "b"};
  r = c->read(req);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no column 'b'"), std::string::npos);
}

// Matching searches the target by the match column once per batch. Without an
// index each search scanned the table and a first run of 1M records took
// minutes instead of seconds (quadratic). With create_tables the connector
// indexes the column it is searched by; it leaves an existing index alone.
TEST(SqliteConnector, SearchedColumnGetsAnIndexOnce) {
  TempDir d;
  {
    SqliteProbe db(d.file("t.db"));
    db.exec(
        "create table customers (id integer primary key, customer_no text, email text);"
        "create index customers_email on customers (email);"
        "insert into customers (customer_no, email) values ('C1', 'a@x'), ('C2', 'b@x');");
  }
  auto c = open_sqlite_connection(d);
  for (int i = 0; i < 2; ++i) {
    auto found = c->search("customers", "id", "customer_no", std::vector<Value>{Value("C2")});
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ((*found)[0].id(), "2");
    ASSERT_TRUE(c->search("customers", "id", "email", std::vector<Value>{Value("a@x")}).ok());
  }
  SqliteProbe db(d.file("t.db"));
  EXPECT_EQ(db.count("select count(*) from pragma_index_list('customers')"), 2);
  EXPECT_EQ(db.count("select count(*) from pragma_index_list('customers') l, "
                     "pragma_index_info(l.name) i where i.name = 'customer_no'"),
            1);
  auto plan = db.rows("explain query plan select id from customers where customer_no = 'C1'");
  ASSERT_FALSE(plan.empty());
  EXPECT_NE(plan[0].back().find("INDEX customers_customer_no_match"), std::string::npos)
      << plan[0].back();
}

TEST(SqliteConnector, SearchLeavesTheSchemaAloneWithoutCreateTables) {
  TempDir d;
  {
    SqliteProbe db(d.file("t.db"));
    db.exec("create table customers (id integer primary key, customer_no text)");
  }
  auto c = open_sqlite_connection(d, Object{{"create_tables", Value(false)}});
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->search("customers", "id", "customer_no", std::vector<Value>{Value("x")}).ok());
  SqliteProbe db(d.file("t.db"));
  EXPECT_EQ(db.count("select count(*) from pragma_index_list('customers')"), 0);
}

}  // namespace
}  // namespace crmsync
