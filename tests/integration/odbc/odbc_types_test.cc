#include <gtest/gtest.h>

#include "support/sql_flow_fixture.h"

namespace crmsync::testing {
namespace {

class OdbcPostgresTypes : public SqlFlowFixture {
 protected:
  void SetUp() override { use("odbc-postgres"); }
};

// psqlODBC's types into the record model: decimals exact (fetched as text),
// zoned timestamps in UTC, booleans as SQL_BIT, non-ASCII text intact.
TEST_F(OdbcPostgresTypes, ReadsEveryTypeIntoTheRecordModelExactly) {
  exec(
      "CREATE TABLE t (id INT PRIMARY KEY, n NUMERIC(30,10), ts TIMESTAMPTZ, tsn TIMESTAMP, "
      "d DATE, b BOOLEAN, s TEXT NOT NULL, big BIGINT);"
      "INSERT INTO t VALUES (1, 12345678901234567890.0123456789, '2024-03-01 10:00:00+02', "
      "'2024-03-01 10:00:00.25', '2024-02-29', true, 'h''é ✓ 𝄞', 9007199254740993);");
  auto conn = connect(false);
  ASSERT_TRUE(conn);
  std::vector<Record> rows = read_all(*conn, "t");
  ASSERT_EQ(rows.size(), 1u);
  const Record& r = rows[0];
  EXPECT_EQ(r.id(), "1");
  ASSERT_TRUE(r.get("n")->is_decimal());
  EXPECT_EQ(r.get("n")->to_text(), "12345678901234567890.0123456789");
  EXPECT_EQ(r.get("ts")->as_datetime(), *DateTime::parse("2024-03-01T08:00:00Z"));
  EXPECT_EQ(r.get("tsn")->as_datetime(), *DateTime::parse("2024-03-01T10:00:00.25Z"));
  EXPECT_EQ(r.get("d")->as_date(), *Date::parse("2024-02-29"));
  ASSERT_TRUE(r.get("b")->is_bool());
  EXPECT_TRUE(r.get("b")->as_bool());
  EXPECT_EQ(r.get("s")->as_string(), "h'é ✓ 𝄞");
  EXPECT_EQ(r.get("big")->as_int(), 9007199254740993);

  auto schema = conn->describe("t");
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->id_field, "id");
  ASSERT_EQ(schema->fields.size(), 8u);
  EXPECT_EQ(schema->fields[1].type, ValueType::decimal);
  EXPECT_EQ(schema->fields[2].type, ValueType::datetime);
  EXPECT_EQ(schema->fields[5].type, ValueType::boolean);
  EXPECT_FALSE(schema->fields[6].nullable);
  EXPECT_TRUE(schema->fields[0].key);
  EXPECT_FALSE(schema->fields[1].key);
  EXPECT_EQ(conn->describe("no_such_table").error().kind, ErrorKind::fatal);
}

// Exact decimals into NUMERIC, zoned timestamps as UTC, upsert twice (the
// second time updates and keeps the ids), search and read by ids.
TEST_F(OdbcPostgresTypes, CreatesTablesAndUpsertsExactValues) {
  auto conn = connect(true);
  ASSERT_TRUE(conn);
  std::vector<WriteItem> items = sample_upserts(Value("x ✓"));
  auto res = upsert_landing(*conn, items);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_TRUE(res[0].created);
  EXPECT_EQ(res[1].target_id, "2");
  EXPECT_EQ(scalar("SELECT amount FROM landing WHERE code = 'K0'"), "1234567.8900");
  EXPECT_EQ(scalar("SELECT at AT TIME ZONE 'UTC' FROM landing WHERE code = 'K0'"),
            "2024-05-01 10:00:00");
  EXPECT_EQ(scalar("SELECT day FROM landing WHERE code = 'K0'"), "2024-05-01");
  EXPECT_EQ(scalar("SELECT ok FROM landing WHERE code = 'K1'"), "f");
  EXPECT_EQ(scalar("SELECT extra FROM landing WHERE code = 'K1'"), "x ✓");

  items[1].record.value(1) = Value(*Decimal::parse("0.000000000000000001"));
  res = upsert_landing(*conn, items);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_FALSE(res[1].created);
  EXPECT_EQ(res[1].target_id, "2");
  EXPECT_EQ(scalar("SELECT amount FROM landing WHERE code = 'K1'"), "0.000000000000000001");
  EXPECT_EQ(count("SELECT COUNT(*) FROM landing"), 2);

  expect_k1_found(*conn);
  auto by_id = conn->read_by_ids("landing", "id", std::vector<std::string>{"1", "9"});
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->size(), 1u);
}

// A constraint violation in one row of a batch rejects that row alone (per
// row savepoints under autocommit off); the rest commit.
TEST_F(OdbcPostgresTypes, OneBadRowInABatchIsRejectedAlone) {
  exec("CREATE TABLE k (id BIGSERIAL PRIMARY KEY, code TEXT UNIQUE, n INTEGER CHECK (n > 0));");
  auto conn = connect(false);
  ASSERT_TRUE(conn);
  auto names = make_field_names({"code", "n"});
  std::vector<WriteItem> items(3);
  for (int i = 0; i < 3; ++i) {
    items[i].op = WriteOp::create;
    items[i].record =
        Record(names, {Value("c" + std::to_string(i)), Value(int64_t{i == 1 ? -1 : 5})});
  }
  WriteRequest w;
  w.object = "k";
  w.items = items;
  auto res = conn->write(w);
  ASSERT_TRUE(res.ok()) << res.error().message;
  EXPECT_TRUE((*res)[0].ok);
  EXPECT_FALSE((*res)[1].ok);
  EXPECT_EQ((*res)[1].error.kind, ErrorKind::rejected) << (*res)[1].error.message;
  EXPECT_NE((*res)[1].error.message.find("k_n_check"), std::string::npos);
  EXPECT_TRUE((*res)[2].ok);
  EXPECT_FALSE((*res)[2].target_id.empty());
  EXPECT_EQ(count("SELECT COUNT(*) FROM k"), 2);
}

class OdbcSqliteTypes : public SqlFlowFixture {
 protected:
  void SetUp() override { use("odbc-sqlite"); }
};

TEST_F(OdbcSqliteTypes, RoundTripsValuesAndUpsertsWithOnConflict) {
  auto conn = connect(true);
  ASSERT_TRUE(conn);
  std::vector<WriteItem> items = sample_upserts(Value("é"));
  auto res = upsert_landing(*conn, items);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_TRUE(res[0].created);
  EXPECT_EQ(res[1].target_id, "2");
  EXPECT_EQ(scalar("SELECT at FROM landing WHERE code = 'K0'"), "2024-05-01 10:00:00");
  items[1].record.value(1) = Value(*Decimal::parse("5.5"));
  res = upsert_landing(*conn, items);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_FALSE(res[1].created);
  EXPECT_EQ(res[1].target_id, "2");
  EXPECT_EQ(count("SELECT COUNT(*) FROM landing"), 2);

  std::vector<Record> rows = read_all(*conn, "landing");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].get("amount")->to_text(), "5.5");
  EXPECT_EQ(rows[0].get("at")->as_datetime(), *DateTime::parse("2024-05-01T10:00:00Z"));
  EXPECT_EQ(rows[0].get("day")->as_date(), *Date::parse("2024-05-01"));
  EXPECT_EQ(rows[0].get("extra")->as_string(), "é");
  auto schema = conn->describe("landing");
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->id_field, "id");
}

}  // namespace
}  // namespace crmsync::testing
