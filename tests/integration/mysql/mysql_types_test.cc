#include <gtest/gtest.h>

#include "support/sql_flow_fixture.h"

namespace crmsync::testing {
namespace {

class MysqlTypes : public SqlFlowFixture {
 protected:
  void SetUp() override { use("mariadb"); }
};

TEST_F(MysqlTypes, ReadsEveryTypeIntoTheRecordModelExactly) {
  exec(
      "CREATE TABLE t (id INT PRIMARY KEY, n DECIMAL(30,10), ts DATETIME(6), d DATE, "
      "b BOOLEAN, s TEXT NOT NULL, f DOUBLE, big BIGINT UNSIGNED);"
      "INSERT INTO t VALUES (1, 12345678901234567890.0123456789, '2024-03-01 10:00:00.250000', "
      "'2024-02-29', TRUE, 'h''é\\\\x', 0.1, 18446744073709551615);");
  auto conn = connect(false);
  ASSERT_TRUE(conn);
  std::vector<Record> batch = read_all(*conn, "t");
  ASSERT_EQ(batch.size(), 1u);
  const Record& r = batch[0];
  EXPECT_EQ(r.id(), "1");
  ASSERT_TRUE(r.get("n")->is_decimal());
  EXPECT_EQ(r.get("n")->to_text(), "12345678901234567890.0123456789");
  EXPECT_EQ(r.get("ts")->as_datetime(), *DateTime::parse("2024-03-01T10:00:00.25Z"));
  EXPECT_EQ(r.get("d")->as_date(), *Date::parse("2024-02-29"));
  EXPECT_TRUE(r.get("b")->as_bool());
  EXPECT_EQ(r.get("s")->as_string(), "h'é\\x");
  EXPECT_EQ(r.get("f")->to_text(), "0.1");
  EXPECT_EQ(r.get("big")->to_text(), "18446744073709551615");

  auto schema = conn->describe("t");
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->id_field, "id");
  ASSERT_EQ(schema->fields.size(), 8u);
  EXPECT_EQ(schema->fields[1].type, ValueType::decimal);
  EXPECT_EQ(schema->fields[2].type, ValueType::datetime);
  EXPECT_EQ(schema->fields[4].type, ValueType::boolean);
  EXPECT_FALSE(schema->fields[5].nullable);
}

TEST_F(MysqlTypes, CreatesTablesAndWritesExactValues) {
  auto conn = connect(true);
  ASSERT_TRUE(conn);
  std::vector<WriteItem> items = sample_upserts(Value("it's a \"quote\" \\ and ? mark"));
  auto res = upsert_landing(*conn, items);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_TRUE(res[0].created);
  EXPECT_EQ(res[1].target_id, "2");
  EXPECT_EQ(scalar("SELECT amount + 0 FROM landing WHERE code = 'K0'"), "1234567.8900000000");
  EXPECT_EQ(scalar("SELECT at FROM landing WHERE code = 'K0'"), "2024-05-01 10:00:00.000000");
  EXPECT_EQ(scalar("SELECT extra = 'it''s a \"quote\" \\\\ and ? mark' FROM landing LIMIT 1"), "1");

  items[1].record.value(1) = Value(*Decimal::parse("5"));
  res = upsert_landing(*conn, items);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_FALSE(res[1].created);
  EXPECT_EQ(res[1].target_id, "2");
  EXPECT_EQ(count("SELECT COUNT(*) FROM landing"), 2);

  expect_k1_found(*conn);
}

TEST_F(MysqlTypes, AuthFailureIsAuthAndHidesThePassword) {
  const std::string secret = "Not-The-Password-123";
  auto conn = connect(false, secret);
  ASSERT_TRUE(conn);
  Status s = conn->check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::auth) << s.error().message;
  EXPECT_EQ(s.error().message.find(secret), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("Access denied"), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace crmsync::testing
