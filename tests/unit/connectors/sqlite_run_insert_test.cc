// Runs of creates go into SQLite as multi-row inserts; every record must
// still get the id, the error or the row it would get one row at a time.
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

// `count` creates of {ext: "<prefix><i>", n: i}.
std::vector<WriteItem> creates(const std::string& prefix, int count) {
  auto names = make_field_names({"ext", "n"});
  std::vector<WriteItem> items;
  for (int i = 0; i < count; ++i) {
    Record r(names);
    r.value(0) = Value(prefix + std::to_string(i));
    r.value(1) = Value(int64_t{i});
    items.push_back({WriteOp::create, "", std::move(r)});
  }
  return items;
}

// A target database set up by `schema`, and the connector writing into it.
struct Target {
  explicit Target(const std::string& schema) {
    SqliteProbe(dir.file("t.db")).exec(schema);
    conn = open_sqlite_connection(dir);
  }
  std::vector<WriteResult> write(const std::string& table, const std::vector<WriteItem>& items) {
    auto res = conn->write(WriteRequest{table, "id", "", items});
    EXPECT_TRUE(res.ok()) << res.error().message;
    return res.ok() ? *res : std::vector<WriteResult>(items.size());
  }
  SqliteProbe probe() const { return SqliteProbe(dir.file("t.db")); }

  TempDir dir;
  std::unique_ptr<Connection> conn;
};

void expect_ids_from(const std::vector<WriteResult>& res, size_t first) {
  for (size_t i = 0; i < res.size(); ++i) {
    ASSERT_TRUE(res[i].ok) << i << ": " << res[i].error.message;
    EXPECT_EQ(res[i].target_id, std::to_string(first + i));
  }
}

// Every written record's target id names the row that holds its ext.
void expect_ids_name_their_rows(const Target& t, const std::string& table,
                                const std::vector<WriteItem>& items,
                                const std::vector<WriteResult>& res) {
  ASSERT_EQ(items.size(), res.size());
  SqliteProbe db = t.probe();
  for (size_t i = 0; i < items.size(); ++i) {
    if (!res[i].ok) continue;
    EXPECT_TRUE(res[i].created) << i;
    EXPECT_EQ(db.scalar("select ext from " + table + " where rowid = " + res[i].target_id),
              items[i].record.get("ext")->as_string())
        << "item " << i << " got id " << res[i].target_id;
  }
}

TEST(SqliteRunInsert, IdsFollowTheLargestRowidAsSqliteWouldChooseThem) {
  Target t(
      "create table t (id integer primary key, ext text unique, n integer);"
      "insert into t (ext) values ('x1'), ('x2'), ('x3'); delete from t where id = 3;");
  auto items = creates("a", 150);  // runs of 64, 64, 16, 4 and 2
  auto res = t.write("t", items);
  expect_ids_from(res, 3);  // 3 is free again, as one row at a time
  EXPECT_EQ(t.probe().count("select count(*) from t"), 152);
  expect_ids_name_their_rows(t, "t", items, res);
}

TEST(SqliteRunInsert, AutoincrementNeverReusesADeletedId) {
  Target t(
      "create table t (id integer primary key autoincrement, ext text, n integer);"
      "insert into t (ext) values ('x1'), ('x2'), ('x3'), ('x4'); delete from t where id > 2;");
  auto items = creates("a", 10);
  auto res = t.write("t", items);
  expect_ids_from(res, 5);
  expect_ids_name_their_rows(t, "t", items, res);
}

TEST(SqliteRunInsert, IdsGivenByTheRecordsAreTheirIds) {
  TempDir d;
  auto c = open_sqlite_connection(d);
  auto names = make_field_names({"id", "ext"});
  std::vector<WriteItem> items;
  for (int i = 0; i < 40; ++i) {
    Record r(names);
    r.value(0) = Value("K" + std::to_string(i));
    r.value(1) = Value("e" + std::to_string(i));
    items.push_back({WriteOp::create, "", std::move(r)});
  }
  auto res = c->write(WriteRequest{"t", "id", "", items});
  ASSERT_TRUE(res.ok()) << res.error().message;
  for (size_t i = 0; i < items.size(); ++i) {
    ASSERT_TRUE((*res)[i].ok);
    EXPECT_EQ((*res)[i].target_id, "K" + std::to_string(i));
  }
  SqliteProbe db(d.file("t.db"));
  EXPECT_EQ(db.scalar("select ext from t where id = 'K17'"), "e17");
}

// A failing row sends its run back to one row at a time: only it fails, and
// the others keep the ids they would have had.
TEST(SqliteRunInsert, ABadRowFailsAloneAndTheRestOfItsRunIsWritten) {
  Target t(
      "create table t (id integer primary key, ext text unique, n integer check (n != 7));"
      "insert into t (ext) values ('a3');");
  auto items = creates("a", 20);            // a3 exists; n = 7 breaks the check
  items[12].record.value(0) = Value("a5");  // a duplicate inside the run
  auto res = t.write("t", items);
  for (size_t i = 0; i < items.size(); ++i) {
    bool bad = i == 3 || i == 7 || i == 12;
    EXPECT_EQ(res[i].ok, !bad) << i;
    if (bad) {
      EXPECT_EQ(res[i].error.kind, ErrorKind::rejected) << i;
    }
  }
  EXPECT_NE(res[3].error.message.find("UNIQUE"), std::string::npos) << res[3].error.message;
  EXPECT_NE(res[7].error.message.find("CHECK"), std::string::npos) << res[7].error.message;
  EXPECT_EQ(t.probe().count("select count(*) from t"), 1 + 17);
  expect_ids_name_their_rows(t, "t", items, res);
}

// OR IGNORE drops a row without an error: that record must fail, not be
// given another record's id (the row-by-row path did that before).
TEST(SqliteRunInsert, ARowAConflictClauseIgnoresIsAnError) {
  Target t(
      "create table t (id integer primary key, ext text unique on conflict ignore, n integer);"
      "insert into t (ext) values ('a2');");
  for (int count : {1, 8}) {  // alone, and inside a run
    auto items = creates("a", count);
    items[0].record.value(0) = Value(count == 1 ? "a2" : "a0");
    auto res = t.write("t", items);
    size_t bad = count == 1 ? 0 : 2;
    for (size_t i = 0; i < items.size(); ++i) EXPECT_EQ(res[i].ok, i != bad) << i;
    EXPECT_NE(res[bad].error.message.find("ignored"), std::string::npos) << res[bad].error.message;
    expect_ids_name_their_rows(t, "t", items, res);
  }
  EXPECT_EQ(t.probe().count("select count(*) from t"), 8);
}

// ON CONFLICT ROLLBACK ends the transaction: the call is written again one
// row per transaction.
TEST(SqliteRunInsert, AConflictThatRollsBackRewritesTheCallRowByRow) {
  Target t(
      "create table t (id integer primary key, ext text unique on conflict rollback, n integer);"
      "insert into t (ext) values ('a9');");
  auto items = creates("a", 16);
  auto res = t.write("t", items);
  for (size_t i = 0; i < items.size(); ++i) EXPECT_EQ(res[i].ok, i != 9) << i;
  EXPECT_EQ(t.probe().count("select count(*) from t"), 16);
  expect_ids_name_their_rows(t, "t", items, res);
}

// Where explicit rowids would not be the rows' ids (a table without a usable
// rowid, a field that sets it) rows are written one at a time, with the ids
// that gives.
TEST(SqliteRunInsert, TablesAndFieldsThatHideTheRowidAreWrittenRowByRow) {
  Target t(
      "create table t (id integer primary key, ext text, n integer);"
      "create table shadow (rowid text, ext text, n integer);"
      "create table norowid (id text primary key, ext text, n integer) without rowid;");
  auto items = creates("a", 6);
  expect_ids_from(t.write("shadow", items), 1);
  EXPECT_EQ(t.probe().count("select count(*) from shadow where rowid is null"), 6);
  // A field that is the rowid under another name (any case) sets it.
  for (const char* field : {"ID", "rowid", "OID"}) {
    auto names = make_field_names({field, "ext", "n"});
    std::vector<WriteItem> given;
    for (int i = 0; i < 4; ++i) {
      Record r(names);
      r.value(0) = Value(int64_t{100 + i});
      r.value(1) = Value(std::string(field) + std::to_string(i));
      given.push_back({WriteOp::create, "", std::move(r)});
    }
    auto res = t.write("t", given);
    expect_ids_from(res, 100);
    expect_ids_name_their_rows(t, "t", given, res);
    t.probe().exec("delete from t");
  }
  // Without the id in the record a WITHOUT ROWID table has no id to give.
  auto res = t.write("norowid", items);
  for (size_t i = 0; i < items.size(); ++i) EXPECT_FALSE(res[i].ok) << i;
  EXPECT_EQ(t.probe().count("select count(*) from norowid"), 0);
}

}  // namespace
}  // namespace crmsync
