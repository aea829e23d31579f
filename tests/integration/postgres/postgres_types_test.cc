#include <gtest/gtest.h>

#include "support/sql_flow_fixture.h"

namespace crmsync::testing {
namespace {

class PostgresTypes : public SqlFlowFixture {
 protected:
  void SetUp() override { use("postgres"); }
};

TEST_F(PostgresTypes, ReadsEveryTypeIntoTheRecordModelExactly) {
  exec(
      "CREATE TABLE t (id INT PRIMARY KEY, n NUMERIC(30,10), ts TIMESTAMPTZ, tsn TIMESTAMP, "
      "d DATE, b BOOLEAN, j JSONB, s TEXT NOT NULL, f FLOAT8);"
      "INSERT INTO t VALUES (1, 12345678901234567890.0123456789, '2024-03-01 10:00:00+02', "
      "'2024-03-01 10:00:00', '2024-02-29', true, '{\"a\": [1, 2.50]}', 'h''é', 0.1);");
  auto conn = connect(false);
  ASSERT_TRUE(conn);
  std::vector<Record> batch = read_all(*conn, "t");
  ASSERT_EQ(batch.size(), 1u);
  const Record& r = batch[0];
  EXPECT_EQ(r.id(), "1");
  ASSERT_TRUE(r.get("n")->is_decimal());
  EXPECT_EQ(r.get("n")->to_text(), "12345678901234567890.0123456789");
  EXPECT_EQ(r.get("ts")->as_datetime(), *DateTime::parse("2024-03-01T08:00:00Z"));
  EXPECT_EQ(r.get("tsn")->as_datetime(), *DateTime::parse("2024-03-01T10:00:00Z"));
  EXPECT_EQ(r.get("d")->as_date(), *Date::parse("2024-02-29"));
  EXPECT_TRUE(r.get("b")->as_bool());
  ASSERT_TRUE(r.get("j")->is_object());
  EXPECT_EQ(r.get("j")->find("a")->as_array()[1].to_text(), "2.50");
  EXPECT_EQ(r.get("s")->as_string(), "h'é");
  EXPECT_EQ(r.get("f")->to_text(), "0.1");

  auto schema = conn->describe("t");
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  EXPECT_EQ(schema->id_field, "id");
  ASSERT_EQ(schema->fields.size(), 9u);
  EXPECT_EQ(schema->fields[1].type, ValueType::decimal);
  EXPECT_EQ(schema->fields[2].type, ValueType::datetime);
  EXPECT_EQ(schema->fields[7].nullable, false);
  EXPECT_TRUE(schema->fields[0].key);
}

TEST_F(PostgresTypes, CreatesTablesAndWritesExactValues) {
  auto conn = connect(true);
  ASSERT_TRUE(conn);
  std::vector<WriteItem> items = sample_upserts(Value(Object{{"tags", Value(Array{Value("x")})}}));
  auto res = upsert_landing(*conn, items);
  ASSERT_EQ(res.size(), 2u);
  EXPECT_TRUE(res[0].created);
  EXPECT_EQ(res[1].target_id, "2");
  EXPECT_EQ(scalar("SELECT amount FROM landing WHERE code = 'K0'"), "1234567.8900");
  EXPECT_EQ(scalar("SELECT at AT TIME ZONE 'UTC' FROM landing WHERE code = 'K0'"),
            "2024-05-01 10:00:00");
  EXPECT_EQ(scalar("SELECT extra->'tags'->>0 FROM landing WHERE code = 'K1'"), "x");

  items[1].record.value(1) = Value(*Decimal::parse("5"));
  res = upsert_landing(*conn, items);  // upsert again: updates, same ids
  ASSERT_EQ(res.size(), 2u);
  EXPECT_FALSE(res[1].created);
  EXPECT_EQ(res[1].target_id, "2");
  EXPECT_EQ(scalar("SELECT amount FROM landing WHERE code = 'K1'"), "5");
  EXPECT_EQ(count("SELECT COUNT(*) FROM landing"), 2);

  expect_k1_found(*conn);
  auto by_id = conn->read_by_ids("landing", "id", std::vector<std::string>{"1", "9"});
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->size(), 1u);
}

TEST_F(PostgresTypes, AuthFailureIsAuthAndHidesThePassword) {
  ConnectionConfig c;
  c.name = "pg";
  c.type = "postgres";
  const std::string secret = "Not-The-Password-123";
  c.options.values = Value(Object{{"url", Value("postgresql://crmsync:" + secret + "@127.0.0.1:" +
                                                std::to_string(server->port) + "/" + database)}});
  auto conn = ConnectorRegistry::instance().create(c, ConnectorContext{});
  ASSERT_TRUE(conn.ok());
  Status s = (*conn)->check();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::auth) << s.error().message;
  EXPECT_EQ(s.error().message.find(secret), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("password authentication failed"), std::string::npos);
}

}  // namespace
}  // namespace crmsync::testing
